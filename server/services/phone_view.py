"""The phone page's view of one ticket: every text it shows, in Chinese and English.

``phone_view`` turns a ticket's status into a ``PhoneView``: the number, the service, the state,
what to do now ("请到 3号窗口 / Please go to Counter 3"), people ahead and the estimated wait.
Nothing in it is about another customer.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from datetime import datetime
from zoneinfo import ZoneInfo

from server.contract.common import Bilingual, TicketState
from server.contract.feedback import RatingPrompt
from server.contract.phone import PhoneFact, PhoneView, Tone
from server.contract.rest import TicketStatusOut
from server.domain.transitions import FINAL_STATES
from server.services import ratings
from server.services.context import BranchContext
from server.services.tickets import ticket_status, ticket_statuses
from server.services.views import emergency

B = Bilingual

STATE_LABELS: dict[TicketState, Bilingual] = {
    TicketState.WAITING: B(zh="等候中", en="Waiting"),
    TicketState.CALLED: B(zh="请前往窗口", en="Your turn"),
    TicketState.SERVING: B(zh="办理中", en="Being served"),
    TicketState.DONE: B(zh="已办结", en="Done"),
    TicketState.NO_SHOW: B(zh="已过号", en="Missed"),
    TicketState.CANCELLED: B(zh="已取消", en="Cancelled"),
    TicketState.PARKED: B(zh="稍候", en="On hold"),
    TicketState.ABANDONED: B(zh="已过期", en="Expired"),
}

_TAKE_NEW = B(
    zh="如仍需办理业务，请到大堂服务台咨询或重新取号。",
    en="If you still need us, please ask at the lobby desk or take a new ticket.",
)
_FINAL: dict[TicketState, tuple[Bilingual, Bilingual]] = {
    TicketState.DONE: (
        B(zh="业务已办理完毕", en="All done"),
        B(zh="感谢您的光临，祝您生活愉快！", en="Thank you for banking with us. Have a nice day!"),
    ),
    TicketState.NO_SHOW: (B(zh="您的号码已过号", en="Your number was missed"), _TAKE_NEW),
    TicketState.CANCELLED: (B(zh="此号码已取消", en="This ticket was cancelled"), _TAKE_NEW),
    TicketState.ABANDONED: (
        B(zh="此号码已过期", en="This ticket has expired"),
        B(
            zh="号票仅限取号当日使用，请重新取号。",
            en="Tickets are valid on the day they are issued. Please take a new one.",
        ),
    ),
}


def phone_view(ctx: BranchContext, *, public_id: str) -> tuple[PhoneView, TicketStatusOut]:
    """The view of a ticket now; raises UnknownEntity for an unknown id."""
    status = ticket_status(ctx, public_id=public_id)
    notice = _emergency(ctx)
    view = view_of(
        status,
        now=ctx.now(),
        timezone=ctx.config.timezone,
        emergency=notice,
        feedback=_feedback(ctx, public_id, status),
    )
    return view, status


def phone_views(
    ctx: BranchContext, *, public_ids: Collection[str]
) -> dict[str, tuple[PhoneView, TicketStatusOut]]:
    """The views of several tickets in one read (unknown ids are left out)."""
    now = ctx.now()
    notice = _emergency(ctx)
    zone = ctx.config.timezone
    return {
        public_id: (
            view_of(
                status,
                now=now,
                timezone=zone,
                emergency=notice,
                feedback=_feedback(ctx, public_id, status),
            ),
            status,
        )
        for public_id, status in ticket_statuses(ctx, public_ids=public_ids).items()
    }


def _feedback(ctx: BranchContext, public_id: str, status: TicketStatusOut) -> RatingPrompt | None:
    """Only a served ticket is rated: one more read for those alone."""
    if status.state is not TicketState.DONE:
        return None
    return ratings.prompt(ctx, public_id=public_id)


def _emergency(ctx: BranchContext) -> Bilingual | None:
    with ctx.reading() as uow:
        session = uow.session
        return emergency(session)


def view_of(
    status: TicketStatusOut,
    *,
    now: datetime,
    timezone: str,
    emergency: Bilingual | None = None,
    feedback: RatingPrompt | None = None,
) -> PhoneView:
    """The view of a ticket's status (pure: the clock and the branch's zone are passed in);
    ``emergency``: the branch's notice while it has stopped issuing; ``feedback``: whether a
    served ticket may be rated."""
    zone = ZoneInfo(timezone)

    def clock(at: datetime) -> str:
        return at.astimezone(zone).strftime("%H:%M")

    state = status.state
    tone: Tone = "waiting"
    headline: Bilingual | None = None
    message: Bilingual | None = None
    issued = PhoneFact(label=B(zh="取号时间", en="Issued at"), value=_same(clock(status.issued_at)))
    facts = [issued]
    counter = status.counter_name
    if counter is None and status.counter_number is not None:
        counter = B(zh=f"{status.counter_number}号窗口", en=f"Counter {status.counter_number}")
    if state is TicketState.WAITING:
        ahead = status.people_ahead
        facts = [
            PhoneFact(
                label=B(zh="前面还有", en="People ahead"),
                value=B(zh=f"{ahead} 人", en=str(ahead)),
            ),
            PhoneFact(label=B(zh="预计等待", en="Estimated wait"), value=_wait(status)),
            issued,
        ]
        if ahead == 0:
            tone = "next"
            headline = B(zh="下一位就是您", en="You're next")
            message = B(
                zh="请留意叫号屏和广播，准备好证件。",
                en="Watch the display and listen for your number. Have your ID ready.",
            )
        else:
            message = B(
                zh="请在大堂休息区等候，叫号时本页会自动提示。",
                en="Please wait in the lobby. This page will tell you when it's your turn.",
            )
    elif state is TicketState.CALLED and counter is not None:
        tone = "called"
        headline = B(zh=f"请到 {counter.zh}", en=f"Please go to {counter.en}")
        message = B(
            zh="已叫到您的号码，请尽快前往办理。",
            en="Your number has been called. Please go there now.",
        )
        if status.called_at is not None:
            called = PhoneFact(
                label=B(zh="叫号时间", en="Called at"), value=_same(clock(status.called_at))
            )
            facts = [called, issued]
    elif state is TicketState.SERVING and counter is not None:
        tone = "serving"
        headline = B(zh=f"正在 {counter.zh} 为您办理", en=f"Being served at {counter.en}")
        facts = [PhoneFact(label=B(zh="窗口", en="Counter"), value=counter), issued]
    elif state is TicketState.PARKED:
        headline = B(zh="请在附近稍候", en="Please wait nearby")
        message = B(
            zh="工作人员稍后会再次叫您的号码。",
            en="Staff will call your number again shortly.",
        )
    elif state in _FINAL:
        tone = "done" if state is TicketState.DONE else "alert"
        headline, message = _FINAL[state]
    return PhoneView(
        number=status.number,
        state=state,
        tone=tone,
        final=state in FINAL_STATES,
        service=status.service_name,
        state_label=STATE_LABELS[state],
        headline=headline,
        message=message,
        facts=facts,
        counter_number=status.counter_number,
        updated_at=now.astimezone(zone).strftime("%H:%M:%S"),
        emergency=emergency,
        feedback=feedback,
    )


def _same(text: str) -> Bilingual:
    return B(zh=text, en=text)


def _wait(status: TicketStatusOut) -> Bilingual:
    if status.people_ahead == 0:
        return B(zh="即将叫号", en="Any moment now")
    minutes = math.ceil(status.estimated_wait_s / 60)
    if minutes <= 1:
        return B(zh="约 1 分钟", en="about 1 min")
    return B(zh=f"约 {minutes} 分钟", en=f"about {minutes} min")
