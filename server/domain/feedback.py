"""Satisfaction ratings (评价) and complaints (投诉): the rules, pure.

A rating: 1 to 5 (5 best), optional reasons, at most one per ticket, only for a ticket that was
served (DONE), and only within ``FeedbackConfig.rating_window_min`` minutes of its finish. A
score of ``LOW_SCORE_MAX`` or less offers a complaint.

A complaint: a category, a short text, an optional phone number (stored, always shown masked
except to its owner). Its life: OPEN -> IN_PROGRESS (taken by, or assigned to, an owner; may be
handed to another owner) -> RESOLVED (with a note; final). It is due ``complaint_due_h`` hours
after it was opened; an unresolved complaint past that is overdue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from server.domain.errors import DomainError
from server.domain.states import TicketState

SCORE_MIN = 1
SCORE_MAX = 5
LOW_SCORE_MAX = 2  # 1-2: the customer is offered a complaint
REASONS_MAX = 8
COMPLAINT_TEXT_MAX = 500  # characters
RESOLUTION_NOTE_MAX = 1000  # characters
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 -]{4,22}[0-9]$")


@dataclass(frozen=True)
class FeedbackConfig:
    """``[feedback]`` of the branch file.

    rating_window_min: minutes after a ticket is finished during which it can be rated (the
    counter's rating pad asks at once; the phone page keeps offering it this long).
    complaint_due_h: hours from a complaint's opening to its due time (overdue after).
    """

    rating_window_min: int = 120
    complaint_due_h: int = 24


class RatingChannel(StrEnum):
    COUNTER = "counter"  # the rating pad facing the customer at the counter
    PHONE = "phone"  # the ticket's phone page


class RatingReason(StrEnum):
    """Optional reasons the customer taps after the score (the first four praise)."""

    FRIENDLY = "friendly"
    QUICK = "quick"
    PROFESSIONAL = "professional"
    CLEAR = "clear"
    LONG_WAIT = "long_wait"
    SLOW = "slow"
    UNCLEAR = "unclear"
    UNFRIENDLY = "unfriendly"


PRAISE: tuple[RatingReason, ...] = (
    RatingReason.FRIENDLY,
    RatingReason.QUICK,
    RatingReason.PROFESSIONAL,
    RatingReason.CLEAR,
)
CRITICISM: tuple[RatingReason, ...] = (
    RatingReason.LONG_WAIT,
    RatingReason.SLOW,
    RatingReason.UNCLEAR,
    RatingReason.UNFRIENDLY,
)


def reasons_for(score: int) -> tuple[RatingReason, ...]:
    """The reasons a screen offers after ``score``: praise for 4-5, criticism for 1-3."""
    return PRAISE if score >= 4 else CRITICISM


def is_low(score: int) -> bool:
    return score <= LOW_SCORE_MAX


class ComplaintCategory(StrEnum):
    WAIT_TIME = "wait_time"
    ATTITUDE = "attitude"
    ERROR = "error"
    FEES = "fees"
    ENVIRONMENT = "environment"
    OTHER = "other"


class ComplaintState(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"


# ---- errors ------------------------------------------------------------------------------------


class FeedbackError(DomainError):
    """Base of the rating and complaint refusals (HTTP 409, each with its own code)."""


class AlreadyRated(FeedbackError):
    def __init__(self, number: str) -> None:
        super().__init__(
            f"ticket {number} has already been rated; a ticket is rated once",
            f"{number}号已经评价过了，每张号票只能评价一次，感谢您的反馈",
        )


class NotRateable(FeedbackError):
    """The ticket was not served (no-show, cancelled, still waiting...)."""

    def __init__(self, number: str, state: TicketState) -> None:
        super().__init__(
            f"ticket {number} is {state.value}; only a served ticket (DONE) can be rated",
            f"{number}号尚未办结（当前状态：{_STATE_ZH.get(state, state.value)}），"
            "只有办理完毕的业务才能评价",
        )


class RatingClosed(FeedbackError):
    def __init__(self, number: str, window_min: int) -> None:
        super().__init__(
            f"ticket {number} was finished more than {window_min} minutes ago; "
            "it can no longer be rated",
            f"{number}号办结已超过 {window_min} 分钟，评价已关闭",
        )


class AlreadyComplained(FeedbackError):
    def __init__(self, number: str) -> None:
        super().__init__(
            f"a complaint about ticket {number} was already received; staff will follow it up",
            f"已收到关于{number}号的投诉，工作人员会尽快跟进处理，请勿重复提交",
        )


class ComplaintClosed(FeedbackError):
    def __init__(self, number: str, window_min: int) -> None:
        super().__init__(
            f"ticket {number} is from an earlier day or was finished more than {window_min} "
            "minutes ago; please call the branch to complain",
            f"{number}号已超过投诉受理时限，请拨打网点服务电话反映",
        )


class ComplaintRefused(FeedbackError):
    """An action the complaint's state does not allow (resolving a resolved one, ...)."""

    def __init__(self, complaint_id: int, state: ComplaintState, action: str) -> None:
        self.complaint_id = complaint_id
        self.state = state
        super().__init__(
            f"complaint {complaint_id} is {state.value}; {action} needs open or in_progress",
            f"投诉 {complaint_id} 当前为{_COMPLAINT_STATE_ZH[state]}，"
            f"无法{_COMPLAINT_ACTION_ZH.get(action, action)}",
        )


_STATE_ZH: dict[TicketState, str] = {
    TicketState.WAITING: "等候中",
    TicketState.CALLED: "已叫号",
    TicketState.SERVING: "办理中",
    TicketState.NO_SHOW: "过号未到",
    TicketState.CANCELLED: "已取消",
    TicketState.PARKED: "暂挂",
    TicketState.ABANDONED: "已作废",
}
_COMPLAINT_STATE_ZH = {
    ComplaintState.OPEN: "待处理",
    ComplaintState.IN_PROGRESS: "处理中",
    ComplaintState.RESOLVED: "已办结",
}
_COMPLAINT_ACTION_ZH = {"take": "受理", "assign": "指派", "resolve": "办结"}


# ---- rules -------------------------------------------------------------------------------------


def check_rateable(
    *,
    number: str,
    state: TicketState,
    finished_at: datetime | None,
    now: datetime,
    config: FeedbackConfig,
) -> None:
    """Raise unless a ticket in ``state`` finished at ``finished_at`` may be rated ``now``."""
    if state is not TicketState.DONE or finished_at is None:
        raise NotRateable(number, state)
    if now - finished_at > timedelta(minutes=config.rating_window_min):
        raise RatingClosed(number, config.rating_window_min)


def check_complaint_allowed(
    *,
    number: str,
    business_day: date,
    today: date,
    finished_at: datetime | None,
    now: datetime,
    config: FeedbackConfig,
) -> None:
    """A ticket's holder may complain on its day (waiting, served, missed...) and, once it is
    finished, for as long as it may be rated."""
    if business_day == today:
        return
    if finished_at is not None and now - finished_at <= timedelta(minutes=config.rating_window_min):
        return
    raise ComplaintClosed(number, config.rating_window_min)


def rating_open_until(finished_at: datetime, config: FeedbackConfig) -> datetime:
    return finished_at + timedelta(minutes=config.rating_window_min)


def due_at(opened_at: datetime, config: FeedbackConfig) -> datetime:
    return opened_at + timedelta(hours=config.complaint_due_h)


def reference(complaint_id: int) -> str:
    """The number a customer quotes: 投诉 (tousu) ``TS-0042``."""
    return f"TS-{complaint_id:04d}"


def is_overdue(state: ComplaintState, due: datetime, now: datetime) -> bool:
    return state is not ComplaintState.RESOLVED and now > due


def check_open(complaint_id: int, state: ComplaintState, action: str) -> None:
    """Taking, assigning and resolving need an unresolved complaint."""
    if state is ComplaintState.RESOLVED:
        raise ComplaintRefused(complaint_id, state, action)


def mask_phone(phone: str | None) -> str | None:
    """``13812345678`` -> ``138****5678``: the first three and last four digits stay (shorter
    numbers keep only their last two)."""
    if not phone:
        return None
    digits = [c for c in phone if c.isdigit()]
    if len(digits) >= 8:
        return "".join(digits[:3]) + "*" * (len(digits) - 7) + "".join(digits[-4:])
    return "*" * max(len(digits) - 2, 0) + "".join(digits[-2:])


def list_rank(state: ComplaintState, due: datetime, now: datetime) -> int:
    """Where a complaint goes in the manager's list: 0 overdue, 1 open or in progress (then by
    due time), 2 resolved (newest first)."""
    if state is ComplaintState.RESOLVED:
        return 2
    return 0 if is_overdue(state, due, now) else 1
