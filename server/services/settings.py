"""Runtime branch settings (admin): a service's open/closed state, names, daily cap and target
wait; a counter's skills; a category's weight.

They change the database rows the use cases read on every call; a restart re-applies the
branch file's definitions (``server.store.seed``), keeping only a service's open/closed state.
A change that moves the queues (a service opened or closed, a counter's skills) tells every
screen with ``QueuesChanged``.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel import Session, col, delete, select

from server.contract.auth import (
    CategorySettings,
    CategoryUpdate,
    CounterSkills,
    ServiceSettings,
    ServiceUpdate,
)
from server.contract.common import Bilingual
from server.domain.audit import Acting, AuditAction
from server.domain.errors import UnknownEntity
from server.services import audit
from server.services.errors import BadRequest
from server.services.queues import publish_queues
from server.services.unit import Unit, reads, writes
from server.store.tables import CategoryWeight, Counter, CounterSkill, Service


def _service_settings(row: Service) -> ServiceSettings:
    return ServiceSettings(
        code=row.code,
        prefix=row.prefix,
        name=Bilingual(zh=row.name_zh, en=row.name_en),
        is_open=row.is_open,
        daily_cap=row.daily_cap,
        target_wait_s=row.target_wait_s,
    )


def _service_codes(session: Session) -> list[str]:
    return sorted(session.exec(select(Service.code)).all())


@reads
def list_services(uow: Unit) -> list[ServiceSettings]:
    rows = uow.session.exec(select(Service).order_by(col(Service.sort_order))).all()
    return [_service_settings(r) for r in rows]


@writes
def update_service(uow: Unit, code: str, body: ServiceUpdate, *, by: Acting) -> ServiceSettings:
    """Open/close a service, rename it, change its daily cap (0 = none) or target wait."""
    session = uow.session
    row = session.get(Service, code.upper())
    if row is None:
        raise UnknownEntity("service", code, _service_codes(session))
    if body.is_open is not None:
        row.is_open = body.is_open
    if body.name is not None:
        row.name_zh, row.name_en = body.name.zh, body.name.en
    if body.daily_cap is not None:
        row.daily_cap = body.daily_cap or None
    if body.target_wait_s is not None:
        row.target_wait_s = body.target_wait_s
    session.add(row)
    changes = body.model_dump(mode="json", exclude_none=True)
    audit.record(session, by, AuditAction.SERVICE_UPDATE, f"service:{row.code}", changes)
    session.flush()
    settings = _service_settings(row)
    publish_queues(uow, reason=f"service {settings.code} updated")
    return settings


@writes
def set_counter_skills(
    uow: Unit, number: int, skills: Mapping[str, float], *, by: Acting
) -> CounterSkills:
    """Replace a counter's services and weights (weight > 0; services left out: not served)."""
    session = uow.session
    if session.get(Counter, number) is None:
        known = [str(n) for n in sorted(session.exec(select(Counter.number)).all())]
        raise UnknownEntity("counter", number, known)
    codes = _service_codes(session)
    for code, weight in skills.items():
        if code not in codes:
            raise BadRequest(
                "skills",
                f"unknown service code {code!r}; expected one of {codes}",
                f"没有业务代码 {code}（可选：{'、'.join(codes)}）",
            )
        if not weight > 0:
            raise BadRequest(
                f"skills.{code}",
                f"weight {weight} must be greater than 0 (leave a service out to stop serving it)",
                f"权重 {weight} 必须大于 0（不办理的业务请不要列出）",
            )
    session.exec(delete(CounterSkill).where(col(CounterSkill.counter_number) == number))
    for code, weight in sorted(skills.items()):
        session.add(CounterSkill(counter_number=number, service_code=code, weight=weight))
    audit.record(
        session,
        by,
        AuditAction.COUNTER_SKILLS,
        f"counter:{number}",
        {"skills": dict(sorted(skills.items()))},
    )
    session.flush()
    publish_queues(uow, reason=f"counter {number} skills updated")
    return CounterSkills(counter_number=number, skills=dict(sorted(skills.items())))


@writes
def update_category(
    uow: Unit, category: str, body: CategoryUpdate, *, by: Acting
) -> CategorySettings:
    """Change a customer category's weight in the call score."""
    session = uow.session
    row = session.get(CategoryWeight, category.upper())
    if row is None:
        known = sorted(session.exec(select(CategoryWeight.category)).all())
        raise UnknownEntity("category", category, known)
    row.weight = body.weight
    session.add(row)
    weight = {"weight": body.weight}
    audit.record(session, by, AuditAction.CATEGORY_UPDATE, f"category:{row.category}", weight)
    return CategorySettings(category=row.category, weight=row.weight)
