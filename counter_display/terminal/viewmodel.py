"""``CounterTerminal``: the counter terminal's logic, a QObject without widgets.

- Sign-in: ``sign_in(username, password)`` logs in (the token lives in memory only) and opens
  the counter; another teller's counter is refused with their name. When the session expires
  (401) ``sign_in_required`` asks for the password again; the state stays, and the action that
  met the expiry is sent again after signing in, with its key.
- Actions: ``press(action, body)`` sends one teller action with a fresh idempotency key. While
  an action is on its way every other press is ignored (a double key press never acts twice).
  When the server did not answer, the key is kept: pressing the same action again resends it
  with the same key, so the server answers what it did the first time instead of calling a
  second customer.
- Live: the event stream (``branchq_client``) keeps the board (counters, queues); a message
  about this counter re-reads its desk (held ticket, callable and parked tickets, allowed
  actions) and the teller's figures.
- ``enabled(action)``: allowed by the server's desk, connected, signed in, nothing on its way.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass

from pydantic import BaseModel
from PyQt6.QtCore import QObject, QTimer, pyqtSignal

from branchq_client import ApiError, BranchApi, ClientError, ServerUnreachable
from branchq_client.qt import ClientBridge
from counter_display.terminal import texts
from counter_display.terminal.board import Board
from server.contract.common import Bilingual
from server.contract.desk import CounterDesk, DeskTicket, TellerToday
from server.contract.events import (
    RatingGiven,
    ServerMessage,
    TicketCalled,
    TicketChanged,
    TicketIssued,
)
from server.contract.rest import CallChosen, CounterActionResult, TransferRequest, UnparkRequest

log = logging.getLogger("branchq.counter")
SIGN_IN_RETRY_S = (0.5, 1.0, 2.0, 5.0)  # pauses between sign-ins while the server is unreachable


class HeldByAnother(ClientError):
    """Another teller is signed in to this counter; the text names them."""

    def __init__(self, teller: str) -> None:
        super().__init__(
            Bilingual(
                zh=texts.HELD_BY.zh.format(name=teller), en=texts.HELD_BY.en.format(name=teller)
            )
        )
        self.teller = teller


@dataclass(frozen=True)
class Pending:
    """An action sent without an answer: resent with the same key, until a desk read started
    after the failure shows the counter as it is now (then a press is a new intent)."""

    action: str
    body: str
    key: str
    reads_before: int = 0  # desk reads started before the failure


class CounterTerminal(QObject):
    changed = pyqtSignal()  # redraw: board, desk, figures, enabled actions
    current_changed = pyqtSignal(object)  # DeskTicket | None, as soon as an action answers
    notice = pyqtSignal(object)  # Bilingual | None: an error or a note for the teller
    sign_in_required = pyqtSignal(object)  # Bilingual | None: why (expired, held by ...)
    signed_in = pyqtSignal(str)  # the teller's name
    online_changed = pyqtSignal(bool)

    def __init__(
        self,
        *,
        server_url: str,
        counter_number: int,
        bridge: ClientBridge,
        timeout_s: float = 3.0,
        language: str = "zh",
    ) -> None:
        super().__init__()
        self.server_url = server_url
        self.counter_number = counter_number
        self.language = language
        self.bridge = bridge
        self.api = BranchApi(server_url, timeout_s=timeout_s)
        self.board = Board(counter_number)
        self.desk: CounterDesk | None = None
        self.desk_read_at = time.monotonic()
        self.today: TellerToday | None = None
        self.current: DeskTicket | None = None
        self.teller: str | None = None
        self.username = ""
        self.online = False
        self.busy: str | None = None  # the action on its way
        self.last_notice: Bilingual | None = None
        self._pending: Pending | None = None  # sent, no answer: resend with the same key
        self._after_sign_in: tuple[str, BaseModel | None, str] | None = None
        self._sign_in_credentials: tuple[str, str] | None = None  # retried while unreachable
        self._sign_in_attempt = 0
        self._desk_reading = False
        self._desk_again = False
        self._today_stale = True
        self._reads_started = 0
        self.actions_sent = 0  # requests that acted (tests, diagnostics)
        bridge.message_received.connect(self._on_message)
        bridge.connection_changed.connect(self._on_connection)

    # --- state for the view ---------------------------------------------------------------
    def enabled(self, action: str) -> bool:
        if not self.online or self.teller is None or self.busy is not None:
            return False
        if self._after_sign_in is not None:  # the session expired: sign in first
            return False
        return self.desk is not None and action in self.desk.allowed

    def waited_now(self, item: DeskTicket) -> int:
        """Seconds waited so far for a waiting ticket (the server's figure plus time since)."""
        return item.waited_s + int(time.monotonic() - self.desk_read_at)

    # --- signing in -----------------------------------------------------------------------
    def sign_in(self, username: str, password: str, *, attempt: int = 0) -> None:
        """Log in and open the counter; ``sign_in_required`` says why when it fails.

        While the server cannot be reached (starting, restarting, overloaded) the same sign-in is
        retried with a growing pause, saying so on screen; a refusal asks the teller.
        """
        self.username = username
        self._sign_in_attempt = attempt
        self._sign_in_credentials = (username, password)
        self.bridge.call(
            lambda: self._sign_in(username, password),
            on_result=self._signed_in,
            on_error=self._sign_in_failed,
        )

    async def _sign_in(self, username: str, password: str) -> str:
        login = await self.api.login(username, password)
        me = await self.api.me()
        if self._after_sign_in is None:  # a fresh start opens the counter; a re-login resumes
            counters = {c.counter_number: c for c in await self.api.counters()}
            mine = counters.get(self.counter_number)
            if mine is not None and mine.teller not in (None, me.name):
                self.api.token = None
                raise HeldByAnother(mine.teller)
            if mine is None or mine.teller != me.name or mine.state.value != "OPEN":
                await self.api.counter_action(
                    self.counter_number, "open", idempotency_key=uuid.uuid4().hex
                )
        self.bridge.start_stream(self.server_url, login.token, min_backoff_s=0.1, max_backoff_s=2)
        return me.name

    def _signed_in(self, name: str) -> None:
        self._sign_in_credentials = None
        self.teller = name
        self.signed_in.emit(name)
        self._say(None)
        again = self._after_sign_in
        self._after_sign_in = None
        self.refresh()
        if again is not None and again[0]:
            action, body, key = again
            self._send(action, body, key)

    def _sign_in_failed(self, error: BaseException) -> None:
        credentials = self._sign_in_credentials
        if isinstance(error, ServerUnreachable) and credentials is not None:
            pause_s = SIGN_IN_RETRY_S[min(self._sign_in_attempt, len(SIGN_IN_RETRY_S) - 1)]
            log.warning("sign-in: %s; retrying in %.1f s", error.text.en, pause_s)
            self._say(texts.sign_in_retrying(error.text))
            attempt = self._sign_in_attempt + 1
            QTimer.singleShot(
                int(pause_s * 1000), lambda: self.sign_in(*credentials, attempt=attempt)
            )
            return
        self._sign_in_credentials = None
        if isinstance(error, ClientError):
            text = error.text
        else:
            text = Bilingual(zh="登录失败", en=f"sign-in failed: {error!r}")
        self.sign_in_required.emit(text)

    # --- actions --------------------------------------------------------------------------
    def press(self, action: str, body: BaseModel | None = None) -> bool:
        """One key press or button; False when it was ignored (disabled or one on its way)."""
        if not self.enabled(action):
            return False
        serial = _serial(body)
        pending = self._pending
        if pending is not None and (pending.action, pending.body) == (action, serial):
            key = pending.key  # the retry of a request that got no answer
        else:
            key = uuid.uuid4().hex
        self._pending = Pending(action, serial, key)
        self._send(action, body, key)
        return True

    def call_ticket(self, number: str) -> bool:
        return self.press("call", CallChosen(number=number))

    def cancel_ticket(self, number: str) -> bool:
        return self.press("cancel", CallChosen(number=number))

    def unpark(self, number: str) -> bool:
        return self.press("unpark", UnparkRequest(number=number))

    def transfer(self, *, to_service: str | None = None, to_counter: int | None = None) -> bool:
        return self.press("transfer", TransferRequest(to_service=to_service, to_counter=to_counter))

    def _send(self, action: str, body: BaseModel | None, key: str) -> None:
        self.busy = action
        self.changed.emit()
        n = self.counter_number
        self.bridge.call(
            lambda: self.api.counter_action(n, action, body, idempotency_key=key),
            on_result=lambda result: self._acted(action, result),
            on_error=lambda error: self._failed(action, body, key, error),
        )

    def _acted(self, action: str, result: CounterActionResult) -> None:
        self._pending = None
        self.actions_sent += 1
        self.busy = None
        held = result.counter.current
        previous = self.current
        if held is None:
            self.current = None
        else:
            same = previous is not None and previous.ticket.public_id == held.public_id
            self.current = DeskTicket(
                ticket=held,
                waited_s=previous.waited_s if same and previous else 0,  # the desk read fills it
                recall_count=result.recall_count if result.ticket is not None else 0,
                reason=result.reason or (previous.reason if same and previous else None),
            )
        self.current_changed.emit(self.current)
        if action == "call-next" and result.ticket is None:
            self._say(texts.CALLED_NOBODY)
        else:
            self._say(None)
        if action == "close":  # the counter is closed: the teller is signed out
            self.teller = None
            self.bridge.call(self.api.logout, on_error=lambda _e: None)
            self.sign_in_required.emit(None)
        self.board.counters[self.counter_number] = result.counter
        self.changed.emit()
        self.refresh(today=action in ("finish", "no-show"))

    def _failed(self, action: str, body: BaseModel | None, key: str, error: BaseException) -> None:
        self.busy = None
        if isinstance(error, ApiError) and error.unauthorized:
            self._after_sign_in = (action, body, key)
            self.sign_in_required.emit(texts.SESSION_EXPIRED)
        elif isinstance(error, ServerUnreachable):
            self._say(texts.RETRY_SAFE)  # the key stays: the same press resends it
            self._pending = Pending(action, _serial(body), key, reads_before=self._reads_started)
            self.refresh(today=False)  # when it answers, the screen shows what was done
        elif isinstance(error, ClientError):
            self._pending = None  # refused: nothing was done; a new press is a new action
            self._say(error.text)
            self.refresh(today=False)
        else:
            self._pending = None
            log.exception("counter action %s failed", action, exc_info=error)
            self._say(Bilingual(zh="操作失败", en=f"the action failed: {error!r}"))
        self.changed.emit()

    # --- live state -----------------------------------------------------------------------
    def refresh(self, *, today: bool = True) -> None:
        """Re-read the desk, and the teller's figures when ``today`` (coalesced: one read at a
        time; asks made meanwhile are merged into one more read)."""
        if self.teller is None or self.api.token is None:
            return
        self._today_stale = self._today_stale or today
        if self._desk_reading:
            self._desk_again = True
            return
        self._desk_reading = True
        with_today, self._today_stale = self._today_stale, False
        n = self.counter_number
        self._reads_started += 1
        read_number = self._reads_started

        async def read() -> tuple[CounterDesk, TellerToday | None]:
            desk = await self.api.counter_desk(n)
            return desk, (await self.api.teller_today()) if with_today else None

        self.bridge.call(
            read,
            on_result=lambda result: self._desk_read(result, read_number),
            on_error=self._desk_failed,
        )

    def _desk_read(self, result: tuple[CounterDesk, TellerToday | None], read_number: int) -> None:
        self.desk, today = result
        pending = self._pending
        if pending is not None and read_number > pending.reads_before and self.busy is None:
            self._pending = None  # the screen shows what the lost request did (or did not do)
        if today is not None:
            self.today = today
        self.desk_read_at = time.monotonic()
        self.current = self.desk.current
        self.board.counters[self.counter_number] = self.desk.counter
        self._desk_done()
        self.current_changed.emit(self.current)
        self.changed.emit()

    def _desk_failed(self, error: BaseException) -> None:
        self._desk_done()
        if isinstance(error, ApiError) and error.unauthorized and self._after_sign_in is None:
            self._after_sign_in = ("", None, "")
            self.sign_in_required.emit(texts.SESSION_EXPIRED)

    def _desk_done(self) -> None:
        self._desk_reading = False
        if self._desk_again:
            self._desk_again = False
            self.refresh(today=False)

    def _on_message(self, message: ServerMessage) -> None:
        if isinstance(message, RatingGiven):
            if message.rating.counter_number == self.counter_number:
                self.refresh(today=True)  # a customer rated this counter: the teller's average
            return
        changed = self.board.apply(message)
        if "desk" in changed and not self._apply_to_desk(message):
            self.refresh(today=False)  # the teller's figures change only by their own actions
        if changed:
            self.changed.emit()

    def _apply_to_desk(self, message: ServerMessage) -> bool:
        """Apply a message about other counters' tickets to the desk without re-reading it;
        False when only the server can say (this counter's own tickets, transfers, a list
        that becomes empty or not, which changes the allowed actions)."""
        desk = self.desk
        if desk is None or self.busy is not None or self._desk_reading:
            return False
        if isinstance(message, TicketIssued):
            if message.ticket.service_code not in desk.services or not desk.waiting:
                return False
            if desk.waiting_total > len(desk.waiting):  # the list is cut: the new one is not shown
                self.desk = desk.model_copy(update={"waiting_total": desk.waiting_total + 1})
                return True
            item = DeskTicket(ticket=message.ticket, waited_s=-self._since_read())
            self.desk = desk.model_copy(
                update={"waiting": [*desk.waiting, item], "waiting_total": desk.waiting_total + 1}
            )
            return True
        gone: str | None = None
        if isinstance(message, TicketCalled) and message.call.counter_number != self.counter_number:
            gone = message.call.ticket.public_id
        elif (
            isinstance(message, TicketChanged)
            and message.counter_number != self.counter_number
            and message.action != "unparked"
        ):
            gone = message.ticket.public_id
        if gone is None:
            return False
        left = [w for w in desk.waiting if w.ticket.public_id != gone]
        if len(left) == len(desk.waiting):
            return True  # not one of ours: nothing to change
        if not left or desk.waiting_total > len(desk.waiting):
            return False  # empty now, or a cut list: ask the server
        self.desk = desk.model_copy(update={"waiting": left, "waiting_total": len(left)})
        return True

    def _since_read(self) -> int:
        return int(time.monotonic() - self.desk_read_at)

    def _on_connection(self, connected: bool) -> None:
        self.online = connected
        self.online_changed.emit(connected)
        if connected:
            self.refresh()
        self.changed.emit()

    def _say(self, text: Bilingual | None) -> None:
        self.last_notice = text
        self.notice.emit(text)

    def set_language(self, language: str) -> None:
        self.language = language
        self.changed.emit()

    # --- shutting down --------------------------------------------------------------------
    def shutdown(self) -> None:
        try:
            self.bridge.run_sync(self.api.aclose())
        except Exception as exc:  # the loop is gone already
            log.debug("closing the client: %r", exc)


def _serial(body: BaseModel | None) -> str:
    return body.model_dump_json() if body is not None else ""
