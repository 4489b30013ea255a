"""Complaints (投诉): a customer opens one (rating pad or phone page), an admin or a manager
takes it (or assigns it), resolves it with a note; every change is published as
``ComplaintChanged`` (without the text or the phone number).

The manager's list: overdue first, then open and in progress by due time, then the resolved
ones, newest first. The phone number is shown masked, whole only to the complaint's owner.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from server.auth.errors import UnknownPrincipal
from server.contract.common import Bilingual, Role
from server.contract.events import ComplaintChanged
from server.contract.feedback import (
    CATEGORY_LABELS,
    ComplaintCreate,
    ComplaintInfo,
    ComplaintOut,
    ComplaintReceipt,
)
from server.domain.audit import Acting, AuditAction
from server.domain.errors import UnknownEntity
from server.domain.feedback import (
    AlreadyComplained,
    ComplaintState,
    RatingChannel,
    check_complaint_allowed,
    check_open,
    due_at,
    is_overdue,
    list_rank,
    mask_phone,
    reference,
)
from server.services import audit
from server.services.context import BranchContext
from server.services.errors import BadRequest
from server.services.ratings import served_at
from server.store import repo
from server.store.auth_tables import User
from server.store.feedback_tables import Complaint, Rating

# who may work (own) complaints
OWNER_ROLES: frozenset[Role] = frozenset({Role.ADMIN, Role.MANAGER})
LIST_LIMIT_MAX = 500


def info_of(row: Complaint, now: datetime) -> ComplaintInfo:
    assert row.id is not None
    return ComplaintInfo(
        id=row.id,
        reference=reference(row.id),
        opened_at=row.opened_at,
        channel=row.channel,
        category=row.category,
        category_label=CATEGORY_LABELS[row.category],
        state=row.state,
        owner=row.owner,
        due_at=row.due_at,
        overdue=is_overdue(row.state, row.due_at, now),
        ticket_number=row.ticket_number,
        counter_number=row.counter_number,
        teller=row.teller_name,
        rating_score=row.rating_score,
    )


def complaint_out(row: Complaint, now: datetime, *, viewer: str) -> ComplaintOut:
    return ComplaintOut(
        **dict(info_of(row, now)),
        text=row.text,
        phone_masked=mask_phone(row.phone),
        phone=row.phone if row.owner is not None and row.owner == viewer else None,
        service_code=row.service_code,
        taken_at=row.taken_at,
        resolved_at=row.resolved_at,
        resolved_by=row.resolved_by,
        resolution_note=row.resolution_note,
    )


# ---- the customer ------------------------------------------------------------------------------


def open_complaint(
    ctx: BranchContext,
    body: ComplaintCreate,
    *,
    channel: RatingChannel,
    public_id: str | None,
    counter_number: int | None = None,
) -> ComplaintReceipt:
    """Open a complaint about ticket ``public_id`` (one per ticket) or, from a counter's rating
    pad without a ticket, about counter ``counter_number`` now."""
    now = ctx.now()
    try:
        with ctx.writing() as uow:
            session = uow.session
            row = _new_row(session, ctx, now, body, channel, public_id, counter_number)
            session.add(row)
            session.flush()
            info = info_of(row, now)
            uow.publish(ComplaintChanged(seq=0, at=now, action="opened", complaint=info))
    except IntegrityError as exc:  # a second complaint raced this one in another process
        raise AlreadyComplained(_number_of(ctx, public_id)) from exc
    return ComplaintReceipt(
        id=info.id, reference=info.reference, due_at=info.due_at, message=_received(info, body)
    )


def _new_row(
    session: Session,
    ctx: BranchContext,
    now: datetime,
    body: ComplaintCreate,
    channel: RatingChannel,
    public_id: str | None,
    counter_number: int | None,
) -> Complaint:
    row = Complaint(
        opened_at=now,
        business_day=ctx.business_day(now),
        channel=channel,
        category=body.category,
        text=body.text,
        phone=body.phone,
        state=ComplaintState.OPEN,
        due_at=due_at(now, ctx.config.feedback),
    )
    if public_id is None:
        if counter_number is None:
            raise BadRequest("public_id", "a complaint needs a ticket or a counter")
        at = repo.get_counter(session, number=counter_number)
        row.counter_number = counter_number
        row.teller_user_id, row.teller_name = at.teller_user_id, at.teller_name
        return row
    ticket = repo.get_ticket(session, public_id=public_id, for_update=True)
    if session.exec(select(Complaint.id).where(Complaint.ticket_id == ticket.id)).first():
        raise AlreadyComplained(ticket.number)
    check_complaint_allowed(
        number=ticket.number,
        business_day=ticket.business_day,
        today=row.business_day,
        finished_at=ticket.finished_at,
        now=now,
        config=ctx.config.feedback,
    )
    counter, teller_id, teller = served_at(session, ticket, counter_number)
    row.ticket_id, row.ticket_number = ticket.id, ticket.number
    row.service_code = ticket.service_code
    row.counter_number, row.teller_user_id, row.teller_name = counter, teller_id, teller
    rated = select(Rating.score).where(Rating.ticket_id == ticket.id)
    row.rating_score = session.exec(rated).first()
    return row


def _received(info: ComplaintInfo, body: ComplaintCreate) -> Bilingual:
    hours = max(round((info.due_at - info.opened_at).total_seconds() / 3600), 1)
    if body.phone:
        return Bilingual(
            zh=f"您的投诉已收到（编号 {info.reference}），我们将在 {hours} 小时内与您电话联系。",
            en=f"We have your complaint ({info.reference}) and will call you within {hours} h.",
        )
    return Bilingual(
        zh=f"您的投诉已收到（编号 {info.reference}），我们将在 {hours} 小时内处理。",
        en=f"We have your complaint ({info.reference}) and will look into it within {hours} h.",
    )


def _number_of(ctx: BranchContext, public_id: str | None) -> str:
    if public_id is None:
        return "?"
    with ctx.reading() as uow:
        session = uow.session
        return repo.get_ticket(session, public_id=public_id).number


# ---- the manager -------------------------------------------------------------------------------


def list_complaints(
    ctx: BranchContext, *, viewer: str, include_resolved: bool = True, limit: int = 200
) -> list[ComplaintOut]:
    """Overdue first, then the other unresolved ones by due time, then resolved, newest first."""
    now = ctx.now()
    limit = max(1, min(limit, LIST_LIMIT_MAX))
    with ctx.reading() as uow:
        session = uow.session
        unresolved = session.exec(
            select(Complaint)
            .where(Complaint.state != ComplaintState.RESOLVED)
            .order_by(col(Complaint.due_at), col(Complaint.id))
            .limit(limit)
        ).all()
        rows = sorted(unresolved, key=lambda r: list_rank(r.state, r.due_at, now))
        if include_resolved and len(rows) < limit:
            rows += session.exec(
                select(Complaint)
                .where(Complaint.state == ComplaintState.RESOLVED)
                .order_by(col(Complaint.resolved_at).desc(), col(Complaint.id).desc())
                .limit(limit - len(rows))
            ).all()
        return [complaint_out(r, now, viewer=viewer) for r in rows]


def get_complaint(ctx: BranchContext, complaint_id: int, *, viewer: str) -> ComplaintOut:
    with ctx.reading() as uow:
        session = uow.session
        return complaint_out(_get(session, complaint_id), ctx.now(), viewer=viewer)


def take(
    ctx: BranchContext,
    complaint_id: int,
    *,
    by: str,
    owner: str | None = None,
    acting: Acting | None = None,
) -> ComplaintOut:
    """``by`` takes the complaint (``owner`` None) or assigns it to ``owner`` (an admin or a
    manager); it is then in progress. Taking one another owner has hands it over."""
    now = ctx.now()
    with ctx.writing() as uow:
        session = uow.session
        row = _get(session, complaint_id, for_update=True)
        check_open(complaint_id, row.state, "take" if owner is None else "assign")
        row.owner = _owner(session, owner) if owner is not None else by
        row.state = ComplaintState.IN_PROGRESS
        row.taken_at = now
        session.add(row)
        if acting is not None:
            action = AuditAction.COMPLAINT_TAKE if owner is None else AuditAction.COMPLAINT_ASSIGN
            details = {"owner": row.owner}
            audit.record(session, acting, action, f"complaint:{complaint_id}", details)
        session.flush()
        info, out = info_of(row, now), complaint_out(row, now, viewer=by)
        uow.publish(ComplaintChanged(seq=0, at=now, action="taken", complaint=info))
    return out


def resolve(
    ctx: BranchContext, complaint_id: int, *, by: str, note: str, acting: Acting | None = None
) -> ComplaintOut:
    """Close the complaint with what was done (final)."""
    now = ctx.now()
    with ctx.writing() as uow:
        session = uow.session
        row = _get(session, complaint_id, for_update=True)
        check_open(complaint_id, row.state, "resolve")
        if row.owner is None:
            row.owner, row.taken_at = by, now
        row.state = ComplaintState.RESOLVED
        row.resolved_at, row.resolved_by, row.resolution_note = now, by, note
        session.add(row)
        if acting is not None:
            subject = f"complaint:{complaint_id}"
            audit.record(session, acting, AuditAction.COMPLAINT_RESOLVE, subject)
        session.flush()
        info, out = info_of(row, now), complaint_out(row, now, viewer=by)
        uow.publish(ComplaintChanged(seq=0, at=now, action="resolved", complaint=info))
    return out


def _get(session: Session, complaint_id: int, *, for_update: bool = False) -> Complaint:
    stmt = select(Complaint).where(Complaint.id == complaint_id)
    if for_update:
        stmt = stmt.with_for_update()
    row = session.exec(stmt).first()
    if row is None:
        raise UnknownEntity("complaint", complaint_id)
    return row


def _owner(session: Session, username: str) -> str:
    name = username.strip().lower()
    user = session.exec(select(User).where(User.username == name)).first()
    if user is None or user.disabled:
        raise UnknownPrincipal(
            f"no active user {name!r} to assign the complaint to",
            zh=f"没有可指派的用户：{name}",
        )
    role = Role(user.role)  # stored as its value
    if role not in OWNER_ROLES:
        roles = " or ".join(sorted(r.value for r in OWNER_ROLES))
        raise BadRequest(
            "owner",
            f"user {name!r} has the role {role.value}; complaints go to {roles}",
            f"用户 {name} 无权处理投诉",
        )
    return name
