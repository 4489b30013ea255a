"""``TicketPrinter``: status before and after every ticket, and a result instead of a traceback."""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Protocol

from drivers.printer.errors import PrinterConnectionError, PrinterUrlError, TicketRenderError
from drivers.printer.links import DLE_EOT, GS_R, MEMORY_STATES, Link, MemoryLink, make_link
from drivers.printer.render import PrinterProfile, TicketLayout, render_ticket
from drivers.printer.settings import DEFAULT_TIMEOUT_S, PrinterSettings, printer_settings
from drivers.printer.status import PrinterState, PrinterStatus, decode_status, unknown_status

DEFAULT_CONFIRM_TIMEOUT_S = 8.0


class PrintReason(StrEnum):
    PRINTED = "printed"
    SENT_UNVERIFIED = "sent_unverified"  # write-only transport: sent, status unknowable
    PRINTER_NOT_READY = "printer_not_ready"  # refused before sending; see status_before
    CONNECTION_LOST = "connection_lost"
    PAPER_OUT_DURING_PRINT = "paper_out_during_print"
    NOT_CONFIRMED = "not_confirmed"  # sent, but the printer never confirmed the job
    RENDER_ERROR = "render_error"


@dataclass(frozen=True)
class PrintResult:
    """What happened to one ticket. On failure the kiosk shows ``ticket`` on screen instead."""

    ok: bool
    reason_code: PrintReason
    status_before: PrinterStatus
    status_after: PrinterStatus | None
    message_zh: str
    message_en: str
    bytes_sent: int
    ticket: TicketLayout


class TicketPrinter(Protocol):
    """A ticket printer, whatever the transport."""

    def status(self) -> PrinterStatus: ...
    def print_ticket(self, ticket: TicketLayout) -> PrintResult: ...
    def close(self) -> None: ...


class EscposTicketPrinter:
    """ESC/POS printer over any ``Link``; thread-safe, reconnects after a lost connection."""

    def __init__(
        self,
        link: Link,
        profile: PrinterProfile,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        confirm_timeout_s: float = DEFAULT_CONFIRM_TIMEOUT_S,
    ) -> None:
        self.link = link
        self.profile = profile
        self.timeout_s = timeout_s
        self.confirm_timeout_s = confirm_timeout_s
        self._lock = threading.Lock()
        self._open = False

    # -- status ---------------------------------------------------------------------------
    def status(self) -> PrinterStatus:
        with self._lock:
            try:
                return self._query_status()
            except PrinterConnectionError as exc:
                self._drop()
                return unknown_status(str(exc))

    def _ensure_open(self) -> None:
        if not self._open:
            self.link.open()
            self._open = True

    def _drop(self) -> None:
        self._open = False
        self.link.close()

    def _query_status(self) -> PrinterStatus:
        """DLE EOT 1..4; raises ``PrinterConnectionError`` when the link is gone."""
        if not self.link.readable:
            return unknown_status(f"{self.link.description} is write-only: status cannot be read")
        self._ensure_open()
        self.link.drain()
        answers: dict[int, int | None] = {}
        for n in (1, 2, 3, 4):
            self.link.write(DLE_EOT + bytes((n,)))
            answer = self.link.read_byte(self.timeout_s)
            if answer is None:
                self._drop()  # a late answer must not be read as the answer to the next query
                return unknown_status(
                    f"{self.link.description}: no answer to DLE EOT {n} within {self.timeout_s} s"
                )
            answers[n] = answer
        status = decode_status(answers)
        if status.detail:
            status = replace(status, detail=f"{self.link.description}: {status.detail}")
        return status

    # -- printing -------------------------------------------------------------------------
    def print_ticket(self, ticket: TicketLayout) -> PrintResult:
        with self._lock:
            return self._print_locked(ticket)

    def _print_locked(self, ticket: TicketLayout) -> PrintResult:
        try:
            job = render_ticket(ticket, self.profile)
        except TicketRenderError as exc:
            return _failed(
                ticket,
                PrintReason.RENDER_ERROR,
                unknown_status("not read: the ticket could not be rendered"),
                None,
                "票据内容无法打印",
                f"ticket cannot be rendered: {exc}",
            )
        try:
            before = self._query_status()
        except PrinterConnectionError as exc:
            self._drop()
            before = unknown_status(str(exc))
        if not self.link.readable:
            return self._send_unverified(ticket, job, before)
        if not before.printable:
            return _failed(
                ticket,
                PrintReason.PRINTER_NOT_READY,
                before,
                None,
                f"未打印：{before.message_zh}",
                f"not printed: {before.message_en} ({before.what_to_do})",
            )
        sent = 0
        try:
            self.link.write(job)
            sent = len(job)
            confirmed = None
            if self.profile.confirm_print:
                self.link.write(GS_R + b"\x01")
                confirmed = self.link.read_byte(self.confirm_timeout_s)
                if confirmed is None:
                    self._drop()  # start clean: a late GS r answer would pose as a status byte
            after = self._query_status()
        except PrinterConnectionError as exc:
            self._drop()
            return _failed(
                ticket,
                PrintReason.CONNECTION_LOST,
                before,
                unknown_status(str(exc)),
                "打印时连接中断，票据可能不完整",
                f"connection lost while printing: {exc}",
                sent,
            )
        return _judge(ticket, before, after, confirmed, self.profile.confirm_print, sent)

    def _send_unverified(
        self, ticket: TicketLayout, job: bytes, before: PrinterStatus
    ) -> PrintResult:
        try:
            self._ensure_open()
            self.link.write(job)
        except PrinterConnectionError as exc:
            self._drop()
            return _failed(
                ticket,
                PrintReason.CONNECTION_LOST,
                before,
                None,
                "无法发送到打印机",
                f"could not send to the printer: {exc}",
            )
        return PrintResult(
            True,
            PrintReason.SENT_UNVERIFIED,
            before,
            None,
            "已发送（无法确认打印）",
            "sent; the printer cannot confirm it printed",
            len(job),
            ticket,
        )

    def close(self) -> None:
        with self._lock:
            self._drop()


class MemoryPrinter(EscposTicketPrinter):
    """``mem://``: keeps every byte sent; the simulated state can be changed."""

    def __init__(self, profile: PrinterProfile, state: str = "ok") -> None:
        self.memory = MemoryLink(state)
        super().__init__(self.memory, profile, timeout_s=0.0, confirm_timeout_s=0.0)

    @property
    def output(self) -> bytes:
        data: bytes = self.memory.dummy.output
        return data

    def set_state(self, state: str) -> None:
        self.memory.set_state(state)


def _failed(
    ticket: TicketLayout,
    reason: PrintReason,
    before: PrinterStatus,
    after: PrinterStatus | None,
    message_zh: str,
    message_en: str,
    sent: int = 0,
) -> PrintResult:
    return PrintResult(False, reason, before, after, message_zh, message_en, sent, ticket)


def _judge(
    ticket: TicketLayout,
    before: PrinterStatus,
    after: PrinterStatus,
    confirmed: int | None,
    confirm_wanted: bool,
    sent: int,
) -> PrintResult:
    if confirmed is not None or (not confirm_wanted and after.printable):
        return PrintResult(
            True, PrintReason.PRINTED, before, after, "已打印", "printed", sent, ticket
        )
    if after.state == PrinterState.PAPER_OUT:
        return _failed(
            ticket,
            PrintReason.PAPER_OUT_DURING_PRINT,
            before,
            after,
            "打印时纸用完了，票据未完整打印",
            "paper ran out while printing; the ticket is incomplete",
            sent,
        )
    if confirm_wanted:
        return _failed(
            ticket,
            PrintReason.NOT_CONFIRMED,
            before,
            after,
            f"打印机未确认打印：{after.message_zh}",
            f"the printer did not confirm the ticket within the timeout; now: {after.message_en}",
            sent,
        )
    return _failed(
        ticket,
        PrintReason.NOT_CONFIRMED,
        before,
        after,
        f"打印后状态异常：{after.message_zh}",
        f"after printing: {after.message_en} ({after.what_to_do})",
        sent,
    )


def open_printer(
    target: str | PrinterSettings,
    *,
    profile: PrinterProfile | None = None,
    encoding: str | None = None,
    timeout_s: float | None = None,
    confirm_timeout_s: float = DEFAULT_CONFIRM_TIMEOUT_S,
) -> EscposTicketPrinter:
    """A printer for a URL (see ``drivers.printer.url``) or for ``PrinterSettings``.

    With a URL, ``encoding`` and ``timeout_s`` are settings given beside it: a contradiction
    with the URL's own options raises ``PrinterSettingsError``; ``profile`` supplies what
    neither sets. Settings (``drivers.site.load_printer_settings``) are used as they are.
    Connects on first use, not here.
    """
    if isinstance(target, PrinterSettings):
        if profile is not None or encoding is not None or timeout_s is not None:
            raise TypeError("open_printer(PrinterSettings) takes no profile, encoding or timeout")
        settings = target
    else:
        settings = printer_settings(
            target, {"encoding": encoding, "timeout_s": timeout_s}, base=profile
        )
    address = settings.address
    if address.scheme == "mem":
        state = address.options.get("state", "ok")
        if state not in MEMORY_STATES:
            raise PrinterUrlError(
                f"printer url {address.url!r}: state={state!r}; "
                f"expected one of {sorted(MEMORY_STATES)}"
            )
        return MemoryPrinter(settings.profile, state)
    return EscposTicketPrinter(
        make_link(address, settings.timeout_s),
        settings.profile,
        timeout_s=settings.timeout_s,
        confirm_timeout_s=confirm_timeout_s,
    )
