"""Use cases for devices: register, revoke, record a heartbeat, list health for technicians.

A device's shown status is what it last reported, or ``UNKNOWN`` once it has been silent for
more than ``SILENCE_FACTOR`` heartbeat intervals (never guessed). Its components (a kiosk's
printer, a panel bridge's panels) follow the same rule. Status changes become
``DeviceHealthChanged`` events, queued on the unit of work (published after its commit).

The functions taking a ``session`` are the operations the CLI shares (it has no running
server); ``heartbeat`` and ``sweep_silent`` are the server's use cases (``server.services.unit``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from server.auth.errors import NotAuthenticated, UnknownPrincipal
from server.contract.auth import ComponentHealth, DevicePublic, Heartbeat, HeartbeatAck
from server.contract.common import DeviceStatus, Role
from server.contract.events import DeviceHealthChanged
from server.domain.audit import Acting, AuditAction
from server.services import audit
from server.services.unit import Unit, writes
from server.services.users import create_device_token, rotate_device_token
from server.store.auth_tables import AuthToken
from server.store.device_tables import Device, DeviceComponent

if TYPE_CHECKING:
    from server.services.context import BranchContext

__all__ = [
    "SILENCE_FACTOR",
    "effective_status",
    "get_device",
    "heartbeat",
    "list_devices",
    "mark_silent",
    "newly_silent",
    "record_heartbeat",
    "register_device",
    "revoke_device",
    "rotate_device",
    "sweep_silent",
]

SILENCE_FACTOR = 3
_PROBLEM = frozenset({DeviceStatus.WARNING, DeviceStatus.ERROR})
_MISSING_DETAIL = "not in the device's last report"

Publish = Callable[[Any], object]


def _silent(device: Device, now: datetime) -> bool:
    if device.last_heartbeat_at is None:
        return True
    limit = timedelta(seconds=SILENCE_FACTOR * device.heartbeat_interval_s)
    return now - device.last_heartbeat_at > limit


def effective_status(device: Device, now: datetime) -> DeviceStatus:
    """The reported status, or UNKNOWN when revoked or silent too long."""
    if device.revoked_at is not None or _silent(device, now):
        return DeviceStatus.UNKNOWN
    return DeviceStatus(device.status)


def _component_public(comp: DeviceComponent, *, device_silent: bool) -> ComponentHealth:
    return ComponentHealth(
        id=comp.component_id,
        kind=comp.kind,
        status=DeviceStatus.UNKNOWN if device_silent else DeviceStatus(comp.status),
        detail=comp.detail,
        updated_at=comp.updated_at,
        last_error=comp.last_error,
        last_error_at=comp.last_error_at,
    )


def to_public(device: Device, components: Sequence[DeviceComponent], now: datetime) -> DevicePublic:
    assert device.id is not None
    status = effective_status(device, now)
    return DevicePublic(
        id=device.id,
        name=device.name,
        kind=Role(device.role),
        status=status,
        detail=device.detail,
        last_heartbeat_at=device.last_heartbeat_at,
        heartbeat_interval_s=device.heartbeat_interval_s,
        last_error=device.last_error,
        last_error_at=device.last_error_at,
        revoked=device.revoked_at is not None,
        components=[
            _component_public(c, device_silent=status is DeviceStatus.UNKNOWN)
            for c in sorted(components, key=lambda c: c.component_id)
        ],
    )


def get_device(session: Session, *, name: str) -> Device:
    device = session.exec(select(Device).where(Device.name == name.strip().lower())).first()
    if device is None:
        raise UnknownPrincipal(f"no device named {name!r}")
    return device


def _components_of(session: Session, device_ids: Sequence[int]) -> dict[int, list[DeviceComponent]]:
    by_device: dict[int, list[DeviceComponent]] = {i: [] for i in device_ids}
    if device_ids:
        rows = session.exec(
            select(DeviceComponent).where(col(DeviceComponent.device_id).in_(device_ids))
        ).all()
        for row in rows:
            by_device[row.device_id].append(row)
    return by_device


def list_devices(
    session: Session, *, now: datetime, include_revoked: bool = False
) -> list[DevicePublic]:
    """Every registered device with its effective status and components (two queries)."""
    query = select(Device).order_by(col(Device.name))
    if not include_revoked:
        query = query.where(col(Device.revoked_at).is_(None))
    devices = list(session.exec(query).all())
    components = _components_of(session, [d.id for d in devices if d.id is not None])
    return [to_public(d, components[d.id or 0], now) for d in devices]


def register_device(
    session: Session,
    *,
    name: str,
    role: Role | str,
    now: datetime,
    by: Acting | None = None,
    heartbeat_interval_s: int = 30,
) -> tuple[DevicePublic, str]:
    """Register a device; returns it and its token (shown once)."""
    token = create_device_token(
        session, name=name, role=role, now=now, by=by, heartbeat_interval_s=heartbeat_interval_s
    )
    device = get_device(session, name=name)
    return to_public(device, [], now), token


def rotate_device(
    session: Session, *, name: str, now: datetime, by: Acting | None = None, grace_s: int = 3600
) -> tuple[DevicePublic, str, datetime]:
    """A new token for a device; the old one works ``grace_s`` more seconds. Returns the device,
    the new token (shown once) and when the old token stops working."""
    token, until = rotate_device_token(session, name=name, now=now, grace_s=grace_s, by=by)
    device = get_device(session, name=name)
    assert device.id is not None
    return to_public(device, _components_of(session, [device.id])[device.id], now), token, until


def revoke_device(
    session: Session, *, name: str, now: datetime, by: Acting | None = None
) -> DevicePublic:
    """Revoke a device and every token it holds (already revoked: nothing, not audited)."""
    device = get_device(session, name=name)
    if device.revoked_at is None:
        device.revoked_at = now
        session.add(device)
        session.execute(
            update(AuthToken)
            .where(col(AuthToken.device_id) == device.id, col(AuthToken.revoked_at).is_(None))
            .values(revoked_at=now)
        )
        audit.record(
            session, audit.by_or_setup(by, now), AuditAction.DEVICE_REVOKE, f"device:{device.name}"
        )
        session.commit()
    assert device.id is not None
    return to_public(device, _components_of(session, [device.id])[device.id], now)


def _event(
    device_id: str, kind: str, status: DeviceStatus, detail: str, now: datetime
) -> DeviceHealthChanged:
    return DeviceHealthChanged(
        seq=0, at=now, device_id=device_id, kind=kind, status=status, detail=detail
    )


def _note_problem(
    row: Device | DeviceComponent, status: DeviceStatus, detail: str, now: datetime
) -> None:
    if status in _PROBLEM:
        row.last_error = detail or status.value
        row.last_error_at = now


def record_heartbeat(
    session: Session,
    *,
    device_id: int,
    heartbeat: Heartbeat,
    now: datetime,
    publish: Publish | None = None,
) -> tuple[DevicePublic, list[DeviceHealthChanged]]:
    """Store a device's report; publish one event per device/component whose status changed
    (``publish``: the unit's ``uow.publish``, so they go out after the commit).

    Control characters in its texts are replaced by spaces before anything is stored: they
    would otherwise reach a technician's terminal raw (``branchq admin list-devices``).
    """
    heartbeat = clean_heartbeat(heartbeat)
    device = session.get(Device, device_id)
    if device is None or device.revoked_at is not None:
        raise UnknownPrincipal(f"device id {device_id} is not registered or was revoked")
    before = effective_status(device, now)
    was_silent = before is DeviceStatus.UNKNOWN
    events: list[DeviceHealthChanged] = []
    if heartbeat.status is not before:
        events.append(
            _event(device.name, Role(device.role).value, heartbeat.status, heartbeat.detail, now)
        )
    device.status = heartbeat.status
    device.detail = heartbeat.detail
    device.last_heartbeat_at = now
    if heartbeat.interval_s is not None:
        device.heartbeat_interval_s = heartbeat.interval_s
    _note_problem(device, heartbeat.status, heartbeat.detail, now)
    session.add(device)

    existing = {c.component_id: c for c in _components_of(session, [device_id])[device_id]}
    reported: set[str] = set()
    for report in heartbeat.components:
        if report.id in reported:
            continue  # a repeated id: the first report wins
        reported.add(report.id)
        comp = existing.get(report.id)
        old = DeviceStatus.UNKNOWN if comp is None or was_silent else DeviceStatus(comp.status)
        if comp is None:
            comp = DeviceComponent(
                device_id=device_id, component_id=report.id, kind=report.kind, updated_at=now
            )
        if report.status is not old:
            events.append(
                _event(f"{device.name}/{report.id}", report.kind, report.status, report.detail, now)
            )
        comp.kind = report.kind
        comp.status = report.status
        comp.detail = report.detail
        comp.updated_at = now
        _note_problem(comp, report.status, report.detail, now)
        session.add(comp)
    for comp_id, comp in existing.items():
        if comp_id in reported or comp.status == DeviceStatus.UNKNOWN:
            continue
        comp.status = DeviceStatus.UNKNOWN
        comp.detail = _MISSING_DETAIL
        comp.updated_at = now
        session.add(comp)
        if not was_silent:  # a silent device's components already showed UNKNOWN
            events.append(
                _event(
                    f"{device.name}/{comp_id}",
                    comp.kind,
                    DeviceStatus.UNKNOWN,
                    _MISSING_DETAIL,
                    now,
                )
            )
    session.flush()
    components = _components_of(session, [device_id])[device_id]
    public = to_public(device, components, now)
    if publish is not None:
        for event in events:
            publish(event)
    return public, events


def printable(text: str) -> str:
    """``text`` with control and format characters (ESC, BEL, CR, bidi overrides ...) replaced
    by spaces."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else " " for ch in text)


def clean_heartbeat(heartbeat: Heartbeat) -> Heartbeat:
    """The heartbeat with every text made ``printable``."""
    return heartbeat.model_copy(
        update={
            "detail": printable(heartbeat.detail),
            "components": [
                c.model_copy(
                    update={
                        "id": printable(c.id),
                        "kind": printable(c.kind),
                        "detail": printable(c.detail),
                    }
                )
                for c in heartbeat.components
            ],
        }
    )


def _newly_silent_query() -> Any:
    return select(Device).where(
        col(Device.revoked_at).is_(None),
        col(Device.last_heartbeat_at).is_not(None),
        col(Device.status) != DeviceStatus.UNKNOWN.value,
    )


def newly_silent(session: Session, *, now: datetime) -> list[str]:
    """Names of devices gone silent since their last report and not yet marked UNKNOWN."""
    return [d.name for d in session.exec(_newly_silent_query()).all() if _silent(d, now)]


def mark_silent(
    session: Session, *, now: datetime, publish: Publish | None = None
) -> list[DeviceHealthChanged]:
    """Mark silent devices (and their components) UNKNOWN and publish it, once per silence.

    Call in a write unit (``publish``: its ``uow.publish``); the next heartbeat brings the
    device back (another event).
    """
    devices = [d for d in session.exec(_newly_silent_query()).all() if _silent(d, now)]
    events: list[DeviceHealthChanged] = []
    components = _components_of(session, [d.id for d in devices if d.id is not None])
    for device in devices:
        assert device.last_heartbeat_at is not None and device.id is not None
        detail = (
            f"no heartbeat since {device.last_heartbeat_at:%Y-%m-%d %H:%M:%S} UTC; "
            f"expected one every {device.heartbeat_interval_s} s"
        )
        device.status = DeviceStatus.UNKNOWN
        device.detail = detail
        session.add(device)
        events.append(
            _event(device.name, Role(device.role).value, DeviceStatus.UNKNOWN, detail, now)
        )
        for comp in components[device.id]:
            if comp.status == DeviceStatus.UNKNOWN:
                continue
            comp.status = DeviceStatus.UNKNOWN
            comp.detail = f"device {device.name} is silent"
            comp.updated_at = now
            session.add(comp)
            events.append(
                _event(
                    f"{device.name}/{comp.component_id}",
                    comp.kind,
                    DeviceStatus.UNKNOWN,
                    comp.detail,
                    now,
                )
            )
    session.flush()
    if publish is not None:
        for event in events:
            publish(event)
    return events


@writes
def heartbeat(uow: Unit, *, device_id: int, body: Heartbeat) -> HeartbeatAck:
    """A device's report (``POST /devices/me/heartbeat``): stored, changes published."""
    try:
        public, events = record_heartbeat(
            uow.session, device_id=device_id, heartbeat=body, now=uow.ctx.now(), publish=uow.publish
        )
    except UnknownPrincipal as exc:  # revoked between authentication and now
        raise NotAuthenticated(exc.message, zh="设备令牌已被撤销") from exc
    return HeartbeatAck(device=public, changed=[e.device_id for e in events])


def sweep_silent(ctx: BranchContext) -> int:
    """The periodic job: mark newly silent devices UNKNOWN (publishing it); how many events.

    A read first: the common case (nothing went silent) never takes the writer lock."""
    now = ctx.now()
    with ctx.reading() as uow:
        if not newly_silent(uow.session, now=now):
            return 0
    with ctx.writing() as uow:
        return len(mark_silent(uow.session, now=now, publish=uow.publish))
