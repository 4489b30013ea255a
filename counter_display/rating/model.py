"""``RatingPadModel``: what the rating pad shows and does, without a widget.

Screens::

    IDLE ──(its counter finishes a ticket)──> ASK ──(a face)──> REASONS ──(send / skip)──> THANKS
      │                                        │                  │ (back)                   │
      └──(我要投诉)──> COMPLAINT <─────────────────────────────────┴── (low score) ───────────┘
                          └──(send)──> COMPLAINT_DONE

Every screen but IDLE goes back to IDLE after its own time without a touch (``ScreenSection``);
a ticket finished while a customer fills in the complaint form waits until they are done.
The language returns to the pad's own at IDLE. Network calls go through the shared client's
``ClientBridge``; their answers arrive on the GUI thread.
"""

from __future__ import annotations

import logging
from enum import Enum

from PyQt6.QtCore import QObject, QTimer, pyqtSignal

from branchq_client import ApiError, BranchApi, ClientError
from branchq_client.qt import ClientBridge
from counter_display.rating import texts
from counter_display.rating.config import RatingPadConfig
from server.contract.common import Bilingual
from server.contract.events import (
    CounterChanged,
    CounterInfo,
    ServerMessage,
    Snapshot,
    TicketChanged,
    TicketRef,
)
from server.contract.feedback import (
    LOW_SCORE_MAX,
    ComplaintCategory,
    ComplaintReceipt,
    CounterComplaintCreate,
    CounterRatingCreate,
    RatingOut,
    RatingReason,
    reasons_for,
)

log = logging.getLogger("branchq.rating")

PHONE_DIGITS_MAX = 15
TEXT_MAX = 200  # characters typed on the pad (the server accepts up to 500)


class Screen(Enum):
    IDLE = "idle"
    ASK = "ask"
    REASONS = "reasons"
    THANKS = "thanks"
    COMPLAINT = "complaint"
    COMPLAINT_DONE = "complaint_done"


class RatingPadModel(QObject):
    changed = pyqtSignal()  # redraw
    rating_sent = pyqtSignal(object)  # RatingOut
    complaint_sent = pyqtSignal(object)  # ComplaintReceipt

    def __init__(self, config: RatingPadConfig, bridge: ClientBridge, api: BranchApi) -> None:
        super().__init__()
        self.config = config
        self.counter_number = config.counter
        self.bridge = bridge
        self.api = api
        self.language = config.screen.language
        self.screen = Screen.IDLE
        self.counter_name = Bilingual(zh=f"{config.counter}号窗口", en=f"Counter {config.counter}")
        self.teller: str | None = None
        self.counter_open = False
        self.online = False
        self.refused = False
        self.ticket: TicketRef | None = None  # the ticket being rated
        self.waiting_ticket: TicketRef | None = None  # finished while a complaint is typed
        self.score: int | None = None
        self.reasons: list[RatingReason] = []
        self.rated: RatingOut | None = None
        self.message: Bilingual | None = None  # the thank-you, or why it was not sent
        self.category: ComplaintCategory | None = None
        self.text = ""
        self.phone = ""
        self.receipt: ComplaintReceipt | None = None
        self.sending = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.timed_out)

    # --- from the server ------------------------------------------------------------------
    def apply(self, message: ServerMessage) -> None:
        if isinstance(message, Snapshot):
            for counter in message.counters:
                if counter.counter_number == self.counter_number:
                    self._set_counter(counter)
            self.changed.emit()
        elif isinstance(message, CounterChanged):
            if message.counter.counter_number == self.counter_number:
                self._set_counter(message.counter)
                self.changed.emit()
        elif (
            isinstance(message, TicketChanged)
            and message.action == "finished"
            and message.counter_number == self.counter_number
        ):
            self.finished(message.ticket)

    def _set_counter(self, counter: CounterInfo) -> None:
        self.counter_name = counter.name
        self.teller = counter.teller
        self.counter_open = counter.teller is not None

    def finished(self, ticket: TicketRef) -> None:
        """The counter finished ``ticket``: ask its customer (unless one is complaining)."""
        if self.screen is Screen.COMPLAINT:
            self.waiting_ticket = ticket
            return
        self._reset()
        self.ticket = ticket
        self._show(Screen.ASK)

    def set_online(self, online: bool) -> None:
        self.online = online
        if online:
            self.refused = False
        self.changed.emit()

    def set_refused(self) -> None:
        self.refused = True
        self.changed.emit()

    # --- the customer's taps --------------------------------------------------------------
    def switch_language(self) -> None:
        self.language = "en" if self.language == "zh" else "zh"
        self._touched()

    def choose_score(self, score: int) -> None:
        if self.screen not in (Screen.ASK, Screen.REASONS) or self.ticket is None:
            return
        if score != self.score:
            self.reasons = []
        self.score = score
        self._show(Screen.REASONS)

    def offered_reasons(self) -> tuple[RatingReason, ...]:
        return reasons_for(self.score) if self.score is not None else ()

    def toggle_reason(self, reason: RatingReason) -> None:
        if self.screen is not Screen.REASONS:
            return
        if reason in self.reasons:
            self.reasons.remove(reason)
        else:
            self.reasons.append(reason)
        self._touched()

    def back(self) -> None:
        if self.screen is Screen.REASONS and not self.sending:
            self._show(Screen.ASK)

    def send_rating(self, *, skip_reasons: bool = False) -> None:
        ticket, score = self.ticket, self.score
        if self.screen is not Screen.REASONS or self.sending or ticket is None or score is None:
            return
        body = CounterRatingCreate(
            public_id=ticket.public_id,
            score=score,
            reasons=[] if skip_reasons else list(self.reasons),
        )
        self.sending = True
        self._touched()
        n = self.counter_number
        self.bridge.call(
            lambda: self.api.rate_at_counter(n, body),
            on_result=self._rated,
            on_error=self._rating_failed,
        )

    def _rated(self, out: RatingOut) -> None:
        self.sending = False
        self.rated = out
        self.message = out.thanks
        self._show(Screen.THANKS)
        self.rating_sent.emit(out)

    def _rating_failed(self, error: BaseException) -> None:
        self.sending = False
        if isinstance(error, ApiError) and error.code == "already_rated":
            self.message = texts.THANKS  # a retry after a lost answer: it was stored
        else:
            log.warning("rating of %s not sent: %s", self.ticket, error)
            self.message = error.text if isinstance(error, ApiError) else texts.NOT_SENT
        self._show(Screen.THANKS)

    def offers_complaint(self) -> bool:
        return self.score is not None and self.score <= LOW_SCORE_MAX

    def start_complaint(self) -> None:
        if self.sending:
            return
        self.category, self.text, self.phone, self.receipt = None, "", "", None
        self.message = None
        self._show(Screen.COMPLAINT)

    def choose_category(self, category: ComplaintCategory) -> None:
        self.category = category
        self.message = None
        self._touched()

    def set_text(self, text: str) -> None:
        self.text = text[:TEXT_MAX]
        self._touched(redraw=False)

    def press_digit(self, digit: str) -> None:
        if digit.isdigit() and len(digit) == 1 and len(self.phone) < PHONE_DIGITS_MAX:
            self.phone += digit
        self._touched()

    def clear_phone(self) -> None:
        self.phone = ""
        self._touched()

    def send_complaint(self) -> None:
        if self.screen is not Screen.COMPLAINT or self.sending:
            return
        if self.category is None:
            self.message = texts.COMPLAINT_NEEDS_CATEGORY
            self._touched()
            return
        body = CounterComplaintCreate(
            category=self.category,
            text=self.text.strip(),
            phone=self.phone or None,
            public_id=self.ticket.public_id if self.ticket is not None else None,
        )
        self.sending = True
        self._touched()
        n = self.counter_number
        self.bridge.call(
            lambda: self.api.complain_at_counter(n, body),
            on_result=self._complained,
            on_error=self._complaint_failed,
        )

    def _complained(self, receipt: ComplaintReceipt) -> None:
        self.sending = False
        self.receipt = receipt
        self.message = receipt.message
        self._show(Screen.COMPLAINT_DONE)
        self.complaint_sent.emit(receipt)

    def _complaint_failed(self, error: BaseException) -> None:
        self.sending = False
        log.warning("complaint not sent: %s", error)
        if isinstance(error, ApiError) and error.status in (409, 422):
            self.message = error.text
        else:
            self.message = texts.COMPLAINT_NOT_SENT if isinstance(error, ClientError) else None
        self._show(Screen.COMPLAINT_DONE)

    def cancel(self) -> None:
        if not self.sending:
            self.timed_out()

    # --- time -----------------------------------------------------------------------------
    def timed_out(self) -> None:
        """Back to the welcome (or to the question of a ticket finished meanwhile)."""
        waiting, self.waiting_ticket = self.waiting_ticket, None
        self._reset()
        if waiting is not None:
            self.ticket = waiting
            self._show(Screen.ASK)
            return
        self.language = self.config.screen.language
        self._show(Screen.IDLE)

    def _reset(self) -> None:
        self.ticket, self.score, self.reasons, self.rated = None, None, [], None
        self.message, self.category, self.text, self.phone = None, None, "", ""
        self.receipt, self.sending = None, False

    def _show(self, screen: Screen) -> None:
        self.screen = screen
        self._touched()

    def _touched(self, *, redraw: bool = True) -> None:
        """Restart the screen's time without a touch."""
        s = self.config.screen
        seconds = {
            Screen.ASK: s.ask_s,
            Screen.REASONS: s.reasons_s,
            Screen.THANKS: s.thanks_s,
            Screen.COMPLAINT: s.complaint_s,
            Screen.COMPLAINT_DONE: s.thanks_s * 2,
        }.get(self.screen)
        if seconds is None:
            self._timer.stop()
        else:
            self._timer.start(int(seconds * 1000))
        if redraw:
            self.changed.emit()
