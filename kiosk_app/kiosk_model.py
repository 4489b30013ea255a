"""``KioskModel``: everything the kiosk shows and does, without a widget.

Screens: STARTING -> HOME <-> GROUP (second menu level) -> CONFIRM (priority / VIP) -> ISSUING
-> TICKET, or NOTICE (the server refused: closed, daily cap) or UNAVAILABLE (server
unreachable: retried on a timer with the tap's idempotency key, so one tap is one ticket).
HOME -> CHECKIN (a booking code typed or scanned, ``kiosk_app.checkin``) -> TICKET.

The network runs on the shared ``ClientBridge`` loop, the printer on ``PrinterWorker``'s thread:
no method here waits on either. The ticket screen appears as soon as the server answers; the
print runs at the same time and its result (printed, or "please note your number" with a
reprint once the printer is back) updates the screen and is reported to the server.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import replace

from PyQt6.QtCore import QObject, QTimer, pyqtSignal

from branchq_client.errors import ApiError, ServerUnreachable
from branchq_client.qt import ClientBridge
from branchq_client.rest import BranchApi
from drivers.printer import PrinterStatus, PrintResult
from kiosk_app import menu, texts
from kiosk_app.checkin import Checkin
from kiosk_app.config import KioskConfig
from kiosk_app.printer_worker import PrinterWorker
from kiosk_app.screens import PendingTap, PrintState, Screen, TicketView
from kiosk_app.tickets import heartbeat, print_report, ticket_layout
from server.contract.common import Bilingual, Category, Language
from server.contract.events import (
    EmergencyChanged,
    QueueInfo,
    QueuesChanged,
    ServerMessage,
    Snapshot,
    TicketCalled,
    TicketChanged,
    TicketIssued,
    TicketTransferred,
)
from server.contract.rest import BranchInfo, MenuItem, TicketCreate, TicketIssuedOut

__all__ = ["KioskModel", "PrintState", "Screen", "TicketView"]

ISSUING_SCREEN_AFTER_S = 0.15  # no answer yet: show "getting your number, please wait"

log = logging.getLogger("branchq.kiosk")


class KioskModel(QObject):
    """Signals: ``changed`` (anything on screen), ``screen_changed(str)``,
    ``ticket_shown(str number)`` and ``print_finished(bool ok)`` (for tests and benchmarks)."""

    changed = pyqtSignal()
    screen_changed = pyqtSignal(str)
    ticket_shown = pyqtSignal(str)
    print_finished = pyqtSignal(bool)

    def __init__(
        self,
        config: KioskConfig,
        *,
        bridge: ClientBridge,
        api: BranchApi,
        printer: PrinterWorker,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.config = config
        self._bridge, self._api, self._printer = bridge, api, printer
        self.language: Language = config.screen.language
        self.screen = Screen.STARTING
        self.branch: BranchInfo | None = None
        self.queues: dict[str, QueueInfo] = {}
        self.emergency: Bilingual | None = None
        self.online = False
        self.printer_status: PrinterStatus | None = None
        self.group_key: str | None = None
        self.confirm_key: str | None = None
        self.ticket: TicketView | None = None
        self.notice: Bilingual | None = None
        self._pending: PendingTap | None = None
        self._issuing = False
        self._unreported: dict[str, PrintResult] = {}  # public_id -> result not yet reported
        self._jobs: dict[int, str] = {}  # print job -> its ticket's public_id
        self.checkin = Checkin(self, bridge, api)  # "I have an appointment"

        timing, screen = config.timing, config.screen
        self._idle = _timer(self, screen.idle_timeout_s, self._idle_timeout, single=True)
        self._leave = _timer(self, screen.ticket_screen_s, self.go_home, single=True)
        self._retry = _timer(self, timing.retry_s, self._retry_now, single=True)
        self._poll = _timer(self, timing.printer_poll_s, self._poll_printer)
        self._beat = _timer(self, float(timing.heartbeat_interval_s), self._send_heartbeat)
        self._notice_index = 0
        self._rotate = _timer(self, screen.notice_rotate_s, self._next_notice)
        # "getting your number" only when the answer is slow: a fast answer goes straight to
        # the ticket, with no screen drawn in between
        self._slow_answer = _timer(self, ISSUING_SCREEN_AFTER_S, self._show_issuing, single=True)
        printer.status_read.connect(self._status_read)
        printer.print_done.connect(self._print_done)
        bridge.message_received.connect(self.apply)
        bridge.connection_changed.connect(self._connection_changed)
        bridge.stream_refused.connect(self._stream_refused)

    # --- life cycle ------------------------------------------------------------------------
    def start(self, **stream_options: float) -> None:
        """Load the branch, subscribe to events, start polling the printer and heartbeats.

        ``stream_options``: the event stream's reconnect settings (``min_backoff_s``...)."""
        self._bridge.start_stream(self.config.server.url, self.config.token, **stream_options)
        self._load_branch()
        self._poll.start()
        self._beat.start()
        self._rotate.start()
        self._printer.poll_status()

    def stop(self) -> None:
        timers = (self._idle, self._leave, self._retry, self._poll, self._beat, self._rotate)
        for timer in (*timers, self._slow_answer):
            timer.stop()

    # --- what the views read ----------------------------------------------------------------
    def text(self, value: Bilingual) -> str:
        return texts.pick(value, self.language)

    def subtext(self, value: Bilingual) -> str:
        return texts.other(value, self.language)

    def items(self) -> list[MenuItem]:
        return menu.menu_items(self.branch.menu if self.branch else [], self.queues)

    def home_tiles(self) -> list[menu.Tile]:
        return menu.tiles(self.items(), self.queues, emergency=self.emergency)

    def group_tiles(self) -> list[menu.Tile]:
        group = menu.find(self.items(), self.group_key or "")
        if group is None:
            return []
        return menu.tiles(
            group.children, self.queues, prefix=f"{self.group_key}.", emergency=self.emergency
        )

    def tile(self, key: str) -> menu.Tile | None:
        parent, _, _ = key.rpartition(".")
        found = self.group_tiles() if parent else self.home_tiles()
        return next((t for t in found if t.key == key), None)

    def current_notice(self) -> Bilingual | None:
        """The branch's notices are shown one at a time, in turn (safety tips, instructions)."""
        notices = self.branch.notices if self.branch else []
        return notices[self._notice_index % len(notices)] if notices else None

    def _next_notice(self) -> None:
        self._notice_index += 1
        if self.screen is Screen.HOME:
            self.changed.emit()

    @property
    def pending_key(self) -> str | None:
        """The idempotency key of a tap the server has not answered yet (it is retried)."""
        return self._pending.key if self._pending else None

    @property
    def printer_ready(self) -> bool:
        return self.printer_status is None or self.printer_status.printable

    # --- what the customer does ---------------------------------------------------------------
    def touched(self) -> None:
        """Any touch: the customer is still here."""
        self._idle.start()

    def set_language(self, language: Language) -> None:
        self.touched()
        if language is not self.language:
            self.language = language
            self.changed.emit()

    def toggle_language(self) -> None:
        self.set_language(Language.EN if self.language is Language.ZH else Language.ZH)

    def choose(self, key: str) -> None:
        """A button of the home screen or of a group."""
        self.touched()
        tile = self.tile(key)
        if tile is None or not tile.enabled or self._issuing or self.emergency is not None:
            return
        if tile.has_children:
            self.group_key = key
            self._show(Screen.GROUP)
        elif tile.category in texts.CONFIRM_QUESTION:
            self.confirm_key = key
            self._show(Screen.CONFIRM)
        elif tile.service_code:
            self._issue(tile.service_code, tile.category)

    def confirm(self) -> None:
        self.touched()
        tile = self.tile(self.confirm_key or "")
        if tile is None or not tile.enabled or not tile.service_code or self.emergency:
            self.go_home()
            return
        self._issue(tile.service_code, tile.category)

    def back(self) -> None:
        self.touched()
        if self.screen is Screen.CONFIRM and self.group_key and "." in (self.confirm_key or ""):
            self._show(Screen.GROUP)
        else:
            self.go_home()

    def go_home(self) -> None:
        self._leave.stop()
        self.group_key = self.confirm_key = None
        self.notice = None
        self.checkin.reset()
        if self.screen is Screen.TICKET:
            self.ticket = None
        self._show(self._home_screen())

    def _home_screen(self) -> Screen:
        if self.branch is None:
            return Screen.STARTING
        if not self.online:
            return Screen.UNAVAILABLE
        return Screen.EMERGENCY if self.emergency is not None else Screen.HOME

    def reprint(self) -> None:
        self.touched()
        view = self.ticket
        if view is None or not view.reprint_ready:
            return
        job = self._printer.print_ticket(view.layout)
        self._jobs[job] = view.ticket.public_id
        self.ticket = replace(view, job=job, print_state=PrintState.PRINTING, reprint_ready=False)
        self._leave.stop()
        self.changed.emit()

    # --- issuing ----------------------------------------------------------------------------
    def _issue(self, service_code: str, category: Category) -> None:
        pending = self._pending
        fresh = time.monotonic() - pending.since < self.config.timing.retry_for_s if pending else 0
        if not (
            pending
            and fresh
            and (pending.service_code, pending.category) == (service_code, category)
        ):
            pending = PendingTap(service_code, category, uuid.uuid4().hex, time.monotonic())
        self._pending = pending
        self._send_issue()

    def _send_issue(self) -> None:
        pending = self._pending
        if pending is None or self._issuing:
            return
        self._issuing = True
        body = TicketCreate(
            service_code=pending.service_code,
            category=pending.category,
            language=self.language,
            idempotency_key=pending.key,
        )
        self._bridge.call(
            lambda: self._api.issue_ticket(body), on_result=self._issued, on_error=self._refused
        )
        self._slow_answer.start()

    def _show_issuing(self) -> None:
        if self._issuing:
            self._show(Screen.ISSUING)

    def _issued(self, ticket: TicketIssuedOut) -> None:
        self._issuing = False
        self._pending = None
        self._retry.stop()
        self.show_ticket(ticket)

    def show_ticket(
        self,
        ticket: TicketIssuedOut,
        *,
        note: Bilingual | None = None,
        printed_note: Bilingual | None = None,
    ) -> None:
        """Show a ticket the server issued and print it (``note``: on screen, e.g. why a
        checked-in appointment got this ticket; ``printed_note``: its line on the ticket)."""
        assert self.branch is not None  # a tap needs the home screen, which needs the branch
        layout = ticket_layout(
            ticket,
            branch_name=self.branch.name,
            timezone=self.branch.timezone,
            note=printed_note,
        )
        job = self._printer.print_ticket(layout)
        self._jobs[job] = ticket.public_id
        self.ticket = TicketView(ticket=ticket, layout=layout, job=job, note=note)
        self._show(Screen.TICKET)
        self.ticket_shown.emit(ticket.number)

    def _refused(self, error: BaseException) -> None:
        self._issuing = False
        if isinstance(error, ServerUnreachable):
            log.warning("no answer to a tap, retrying with the same key: %s", error)
            self._show(Screen.UNAVAILABLE)  # the pending tap keeps its key for the retry
            self._retry.start()
            return
        pending, self._pending = self._pending, None  # the server answered: a retry would too
        reason = error.text if isinstance(error, ApiError) else texts.NO_TICKET
        queue = self.queues.get(pending.service_code) if pending else None
        self.notice = (
            Bilingual(zh=f"{queue.name.zh}：{reason.zh}", en=f"{queue.name.en}: {reason.en}")
            if queue is not None
            else reason
        )
        self._show(Screen.NOTICE)
        self._leave.start(_ms(self.config.screen.notice_screen_s))

    def _retry_now(self) -> None:
        if self._pending is not None and self.screen is Screen.UNAVAILABLE:
            self._send_issue()
        elif self.branch is None:
            self._load_branch()

    # --- printing ---------------------------------------------------------------------------
    def _print_done(self, job: int, result: PrintResult) -> None:
        view = self.ticket
        public_id = self._jobs.pop(job, None)
        if public_id is not None:
            self._report_print(public_id, result)
        if not result.ok:
            log.warning("ticket %s not printed: %s", result.ticket.number, result.message_en)
        if view is None or view.job != job:
            return  # the customer has gone; the report above keeps the server right
        state = PrintState.PRINTED if result.ok else PrintState.FAILED
        self.ticket = replace(view, print_state=state, reprint_ready=False)
        screen = self.config.screen
        self._leave.start(_ms(screen.ticket_screen_s if result.ok else screen.unprinted_screen_s))
        if not result.ok:
            self._poll.setInterval(_ms(self.config.timing.printer_poll_fault_s))
        self.changed.emit()
        self.print_finished.emit(result.ok)

    def _report_print(self, public_id: str, result: PrintResult) -> None:
        self._unreported[public_id] = result

        def reported(_out: object) -> None:
            if self._unreported.get(public_id) is result:
                del self._unreported[public_id]

        self._bridge.call(
            lambda: self._api.report_print(public_id, print_report(result)),
            on_result=reported,
            on_error=lambda _e: None,  # kept in _unreported; sent again with the heartbeat
        )

    def _poll_printer(self) -> None:
        if not self._issuing:  # the tap's print reads the status itself in a moment
            self._printer.poll_status()

    def _status_read(self, status: PrinterStatus) -> None:
        changed_state = self.printer_status is None or status.state != self.printer_status.state
        self.printer_status = status
        view = self.ticket
        if view and view.print_state is PrintState.FAILED and status.printable:
            self.ticket = replace(view, reprint_ready=True)
        if view is None or view.print_state is not PrintState.FAILED:
            self._poll.setInterval(_ms(self.config.timing.printer_poll_s))
        if changed_state:
            self._send_heartbeat()  # the server hears of a fault at once, not at the next beat
        self.changed.emit()

    def _send_heartbeat(self) -> None:
        if self.printer_status is not None:
            beat = heartbeat(
                self.printer_status, interval_s=self.config.timing.heartbeat_interval_s
            )
            self._bridge.call(lambda: self._api.heartbeat(beat), on_error=lambda _e: None)
        for public_id, result in list(self._unreported.items()):
            self._unreported.pop(public_id)
            self._report_print(public_id, result)

    # --- the server -------------------------------------------------------------------------
    def _load_branch(self) -> None:
        self._bridge.call(self._api.branch, on_result=self._branch_loaded, on_error=self._no_branch)

    def _branch_loaded(self, info: BranchInfo) -> None:
        self.branch = info
        if self.screen in (Screen.STARTING, Screen.UNAVAILABLE) and self._pending is None:
            self.go_home()
        else:
            self.changed.emit()

    def _no_branch(self, _error: BaseException) -> None:
        if self.branch is None:
            self._retry.start()

    def _connection_changed(self, online: bool) -> None:
        self.online = online
        if online:
            self._load_branch()  # the menu or the names may have changed while we were away
            if self._pending is not None and self.screen is Screen.UNAVAILABLE:
                self._send_issue()
                return
        if self.screen in _FOLLOWS_CONNECTION and (
            self._pending is None or self.screen is not Screen.UNAVAILABLE
        ):
            self._show(self._home_screen())
        else:
            self.changed.emit()

    def _stream_refused(self, error: BaseException) -> None:
        # customers see "temporarily unavailable"; staff find why in the log
        log.error("the server refused this kiosk's device token: %s", error)

    def apply(self, message: ServerMessage) -> None:
        """One message of the event stream: keep the queues (and the emergency) current."""
        if isinstance(message, Snapshot):
            self.queues = {q.service_code: q for q in message.queues}
            self.emergency = message.emergency
        elif isinstance(message, TicketIssued | TicketCalled | TicketChanged):
            self.queues[message.queue.service_code] = message.queue
        elif isinstance(message, TicketTransferred | QueuesChanged):
            self.queues.update({q.service_code: q for q in message.queues})
        elif isinstance(message, EmergencyChanged):
            self.emergency = message.notice
        else:
            return
        if isinstance(message, Snapshot | EmergencyChanged):
            self._cover_or_uncover()
        self.changed.emit()

    def _cover_or_uncover(self) -> None:
        """The notice covers the menu at once (a ticket on screen, or a tap being answered,
        finishes first); when it is lifted the menu comes back."""
        covered = self.screen is Screen.EMERGENCY
        if self.emergency is not None and not covered and self.screen in _COVERABLE:
            self.group_key = self.confirm_key = None
            self.notice = None
            self._show(self._home_screen())
        elif self.emergency is None and covered:
            self._show(self._home_screen())

    # --- helpers ----------------------------------------------------------------------------
    def _idle_timeout(self) -> None:
        if self._issuing:
            self._idle.start()
            return
        self.language = self.config.screen.language
        if self.branch is not None:
            self._retry.stop()  # the customer has gone: a new tap reuses the key, if in time
        self.go_home()

    def show_screen(self, screen: Screen) -> None:
        self._show(screen)

    def _show(self, screen: Screen) -> None:
        if screen is not self.screen:
            self.screen = screen
            self.screen_changed.emit(screen.value)
        self.changed.emit()


_COVERABLE = (Screen.HOME, Screen.GROUP, Screen.CONFIRM, Screen.NOTICE, Screen.CHECKIN)
_FOLLOWS_CONNECTION = (
    Screen.HOME,
    Screen.GROUP,
    Screen.CONFIRM,
    Screen.UNAVAILABLE,
    Screen.EMERGENCY,
)


def _ms(seconds: float) -> int:
    return max(1, round(seconds * 1000))


def _timer(parent: QObject, seconds: float, slot: object, *, single: bool = False) -> QTimer:
    timer = QTimer(parent)
    timer.setInterval(_ms(seconds))
    timer.setSingleShot(single)
    timer.timeout.connect(slot)  # type: ignore[arg-type]
    return timer
