"""Rate the service of a served ticket, once, at the counter's rating pad or on the phone.

``rate`` loads the ticket, lets ``server.domain.feedback`` decide (DONE, within the rating
window, not rated yet), stores the rating with the service, counter and teller of the ticket's
finish, and publishes ``RatingGiven`` after the commit. Two ratings of one ticket racing each
other (two channels, two server processes): the write transaction serialises them on SQLite,
and the unique ``rating.ticket_id`` refuses the second anywhere; either way the loser gets
``AlreadyRated``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from server.contract.common import Bilingual
from server.contract.events import RatingGiven
from server.contract.feedback import RatingInfo, RatingOut, RatingPrompt, RatingReason
from server.domain.feedback import (
    AlreadyRated,
    RatingChannel,
    check_rateable,
    is_low,
    rating_open_until,
)
from server.domain.states import TicketState
from server.domain.transitions import Action
from server.services.context import BranchContext
from server.services.errors import BadRequest
from server.services.unit import Unit, reads
from server.store import repo
from server.store.auth_tables import User
from server.store.feedback_tables import Complaint, Rating
from server.store.tables import Ticket, TicketEvent

THANKS = Bilingual(zh="感谢您的评价！", en="Thank you for your feedback!")
THANKS_LOW = Bilingual(
    zh="感谢您的评价，我们会认真改进。如需投诉，请点击“我要投诉”。",
    en="Thank you. We will do better. To make a complaint, tap “Make a complaint”.",
)


def rating_info(row: Rating) -> RatingInfo:
    assert row.id is not None
    return RatingInfo(
        id=row.id,
        at=row.at,
        ticket_number=row.ticket_number,
        service_code=row.service_code,
        counter_number=row.counter_number,
        teller=row.teller_name,
        score=row.score,
        reasons=[RatingReason(r) for r in row.reasons],
        channel=row.channel,
    )


def finish_of(session: Session, ticket: Ticket) -> tuple[int | None, int | None, str | None]:
    """(counter number, teller's user id, teller's name) of the ticket's last finish (or, for a
    ticket not finished, of its last action at a counter)."""
    event = session.exec(
        select(TicketEvent)
        .where(TicketEvent.ticket_id == ticket.id)
        .where(col(TicketEvent.counter_number).is_not(None))
        .order_by(col(TicketEvent.action) != Action.FINISH.value, col(TicketEvent.id).desc())
        .limit(1)
    ).first()
    if event is None:
        return ticket.counter_number, None, None
    return event.counter_number, event.teller_user_id, teller_name(session, event.teller_user_id)


def served_at(
    session: Session, ticket: Ticket, counter_number: int | None
) -> tuple[int | None, int | None, str | None]:
    """``finish_of`` the ticket; a rating pad (``counter_number``) speaks only of tickets
    finished at its own counter."""
    counter, teller_id, teller = finish_of(session, ticket)
    if counter_number is not None and counter != counter_number:
        raise BadRequest(
            "public_id",
            f"ticket {ticket.number} was served at counter {counter}, not at counter "
            f"{counter_number}; a rating pad speaks only of its own counter's tickets",
            f"{ticket.number}号不是在{counter_number}号窗口办理的",
        )
    return counter, teller_id, teller


def teller_name(session: Session, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    user = session.get(User, user_id)
    if user is None:
        return None
    return user.display_name or user.username


def rate(
    ctx: BranchContext,
    *,
    public_id: str,
    score: int,
    reasons: list[RatingReason],
    channel: RatingChannel,
    counter_number: int | None = None,
) -> RatingOut:
    """Store the customer's rating of ticket ``public_id``. ``counter_number``: the rating pad's
    counter; the ticket must have been finished there."""
    now = ctx.now()
    try:
        with ctx.writing() as uow:
            row = _rate(uow.session, ctx, now, public_id, score, reasons, channel, counter_number)
            info = rating_info(row)
            uow.publish(RatingGiven(seq=0, at=now, rating=info))
    except IntegrityError as exc:  # a second rating raced this one in another process
        raise AlreadyRated(_number_of(ctx, public_id)) from exc
    low = is_low(score)
    return RatingOut(rating=info, offer_complaint=low, thanks=THANKS_LOW if low else THANKS)


def _rate(
    session: Session,
    ctx: BranchContext,
    now: datetime,
    public_id: str,
    score: int,
    reasons: list[RatingReason],
    channel: RatingChannel,
    counter_number: int | None,
) -> Rating:
    ticket = repo.get_ticket(session, public_id=public_id, for_update=True)
    assert ticket.id is not None
    existing = session.exec(select(Rating.id).where(Rating.ticket_id == ticket.id)).first()
    if existing is not None:
        raise AlreadyRated(ticket.number)
    check_rateable(
        number=ticket.number,
        state=ticket.state,
        finished_at=ticket.finished_at,
        now=now,
        config=ctx.config.feedback,
    )
    counter, teller_id, teller = served_at(session, ticket, counter_number)
    row = Rating(
        ticket_id=ticket.id,
        ticket_number=ticket.number,
        business_day=ticket.business_day,
        service_code=ticket.service_code,
        counter_number=counter,
        teller_user_id=teller_id,
        teller_name=teller,
        score=score,
        reasons=[r.value for r in reasons],
        channel=channel,
        at=now,
    )
    session.add(row)
    session.flush()
    return row


def _number_of(ctx: BranchContext, public_id: str) -> str:
    with ctx.reading() as uow:
        return repo.get_ticket(uow.session, public_id=public_id).number


@reads
def prompt(uow: Unit, *, public_id: str) -> RatingPrompt:
    """May ticket ``public_id`` be rated now (the phone page asks), and was it already?"""
    ticket = repo.get_ticket(uow.session, public_id=public_id)
    return prompt_of(uow.session, uow.ctx, ticket, uow.ctx.now())


def prompt_of(session: Session, ctx: BranchContext, ticket: Ticket, now: datetime) -> RatingPrompt:
    score = session.exec(select(Rating.score).where(Rating.ticket_id == ticket.id)).first()
    complained = (
        session.exec(select(Complaint.id).where(Complaint.ticket_id == ticket.id)).first()
        is not None
    )
    if ticket.state is not TicketState.DONE or ticket.finished_at is None:
        return RatingPrompt(rateable=False, rated_score=score, complained=complained)
    until = rating_open_until(ticket.finished_at, ctx.config.feedback)
    return RatingPrompt(
        rateable=score is None and now <= until,
        rated_score=score,
        complained=complained,
        open_until=until,
    )
