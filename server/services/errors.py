"""Errors of the use cases (the queue rules' own errors come from ``server.domain.errors``).

Every error says what happened in English (``.message``) and Simplified Chinese (``.zh``).

Tree::

    UseCaseError        base; ``.message`` says what was received and what was expected
    ├── BadRequest      a request the use case cannot act on (HTTP 422), names the field
    ├── IdempotencyConflict  a used idempotency key sent with a different request (HTTP 409)
    │   └── ActionKeyConflict  the same for a teller action's key
    ├── ActionRefused   a request the rules of the use case refuse (HTTP 409)
    ├── BranchStopped   no tickets while the branch is stopped (HTTP 409), carries the notice
    │   ├── BranchEmergency  in emergency mode (``branch_emergency``)
    │   └── BranchPaused     service paused (``branch_paused``)
    ├── IssuerClosed    the ticket issuer is not running (starting or stopping; HTTP 503)
    ├── IssueRateLimited  one device asked for tickets faster than any kiosk can (HTTP 429)
    └── BookingRateLimited  one address booked, moved or cancelled too often (HTTP 429)
"""

from __future__ import annotations


class UseCaseError(Exception):
    def __init__(self, message: str, zh: str) -> None:
        super().__init__(message)
        self.message = message
        self.zh = zh


class BadRequest(UseCaseError):
    """``appointment_at: needs a time zone``; ``zh`` defaults to "the field is not valid"."""

    def __init__(self, field: str, message: str, zh: str | None = None) -> None:
        self.field = field
        super().__init__(f"{field}: {message}", f"{field}：{zh or '取值无效'}")


class IdempotencyConflict(UseCaseError):
    """``idempotency key 'tap-0001' was used for A001 (service A, NORMAL, zh); ...``."""

    def __init__(self, key: str, number: str, used_for: str, asked_for: str) -> None:
        super().__init__(
            f"idempotency key {key!r} was used for ticket {number} ({used_for}); this request "
            f"asks for {asked_for}: send a new key for a new ticket",
            f"请求标识 {key} 已用于{number}号（{used_for}），与本次请求不同；新取号请使用新的标识",
        )


class ActionRefused(UseCaseError):
    """``admin 'root' cannot disable their own account; ask another admin``."""


class BranchStopped(UseCaseError):
    """No ticket is issued while the branch is stopped; ``notice_zh``/``notice_en`` say why."""

    LABEL_EN = "no tickets are issued now"
    LABEL_ZH = "暂停取号"

    def __init__(self, *, notice_zh: str, notice_en: str) -> None:
        self.notice_zh = notice_zh
        self.notice_en = notice_en
        super().__init__(f"{self.LABEL_EN}: {notice_en}", f"{self.LABEL_ZH}：{notice_zh}")


class BranchEmergency(BranchStopped):
    """``the branch is in emergency mode; no tickets are issued: <notice>``."""

    LABEL_EN = "the branch is in emergency mode; no tickets are issued"
    LABEL_ZH = "网点处于应急状态，暂停取号"


class BranchPaused(BranchStopped):
    """``service is paused; no tickets are issued: <notice>``."""

    LABEL_EN = "service is paused; no tickets are issued"
    LABEL_ZH = "暂停服务，暂停取号"


class IssuerClosed(UseCaseError):
    """The issuer thread is not running (the server is starting or shutting down)."""

    def __init__(self) -> None:
        super().__init__(
            "the server is not issuing tickets (starting or shutting down); retry",
            "服务器暂不能取号，请稍后重试",
        )


class IssueRateLimited(UseCaseError):
    """A device asked for more tickets than a kiosk can hand out; retry after ``retry_after_s``."""

    def __init__(self, *, retry_after_s: int) -> None:
        self.retry_after_s = retry_after_s
        super().__init__(
            f"this device asked for tickets faster than a kiosk can print them; "
            f"retry in {retry_after_s} s",
            f"取号过于频繁，请 {retry_after_s} 秒后再试",
        )


class ActionKeyConflict(IdempotencyConflict):
    """``idempotency key 'k1' was used on counter 3 for call-next; this request is recall``."""

    def __init__(self, key: str, counter_number: int, used_for: str, asked_for: str) -> None:
        UseCaseError.__init__(
            self,
            f"idempotency key {key!r} was used on counter {counter_number} for {used_for}; "
            f"this request is {asked_for}: send a new key for a new key press",
            f"请求标识 {key} 已用于{counter_number}号窗口的另一操作（{used_for}）；"
            "每次按键请使用新的标识",
        )


class BookingRateLimited(UseCaseError):
    """One client address sent more bookings (or moves, cancels) than a person would."""

    def __init__(self, *, retry_after_s: int) -> None:
        self.retry_after_s = retry_after_s
        super().__init__(
            f"too many appointment requests from this address; retry in {retry_after_s} s",
            f"预约操作过于频繁，请 {retry_after_s} 秒后再试",
        )
