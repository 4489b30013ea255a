"""Printer status: DLE EOT answers decoded into a ``PrinterStatus`` (pure, no I/O).

Each real-time status answer (``DLE EOT n``, n = 1..4) is one byte with the fixed bit pattern
``0xx1xx10``. A missing answer means the printer is off, unplugged or hung: that is
``UNKNOWN``, never "ok" and never "no paper". A byte that breaks the fixed pattern is also
``UNKNOWN`` (we are probably not talking to an ESC/POS printer, or reading stale data).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

FIXED_MASK = 0b1001_0011
FIXED_VALUE = 0b0001_0010


class PrinterState(StrEnum):
    OK = "ok"
    PAPER_NEAR_END = "paper_near_end"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    CUTTER_ERROR = "cutter_error"
    OFFLINE = "offline"
    UNKNOWN = "unknown"


# states in which a ticket may be sent to the printer
PRINTABLE_STATES = frozenset({PrinterState.OK, PrinterState.PAPER_NEAR_END})
# states a technician must fix before the printer is usable again
ERROR_STATES = frozenset(
    {
        PrinterState.PAPER_OUT,
        PrinterState.COVER_OPEN,
        PrinterState.CUTTER_ERROR,
        PrinterState.OFFLINE,
        PrinterState.UNKNOWN,
    }
)

# state -> (message zh, message en, what to do)
_TEXTS: dict[PrinterState, tuple[str, str, str]] = {
    PrinterState.OK: ("打印机正常", "printer ready", "nothing to do"),
    PrinterState.PAPER_NEAR_END: (
        "纸卷快用完了",
        "paper near end",
        "paper near end: have a new roll ready and replace it soon",
    ),
    PrinterState.PAPER_OUT: ("打印机缺纸", "paper out", "paper out: load a roll"),
    PrinterState.COVER_OPEN: (
        "打印机盖未关好",
        "cover open",
        "cover open: close the printer cover until it clicks",
    ),
    PrinterState.CUTTER_ERROR: (
        "切纸刀故障",
        "cutter error",
        "cutter error: open the cover, clear jammed paper, close it; power-cycle if it stays",
    ),
    PrinterState.OFFLINE: (
        "打印机离线",
        "printer offline",
        "offline: check the error light, cover and paper; power-cycle the printer",
    ),
    PrinterState.UNKNOWN: (
        "无法读取打印机状态",
        "printer status unknown",
        "no status: check power, cable or network, and the printer address",
    ),
}


@dataclass(frozen=True)
class PrinterStatus:
    """What the printer told us (or that it told us nothing)."""

    state: PrinterState
    flags: frozenset[str] = field(default_factory=frozenset)
    detail: str = ""
    raw: tuple[int | None, int | None, int | None, int | None] = (None, None, None, None)

    @property
    def printable(self) -> bool:
        return self.state in PRINTABLE_STATES

    @property
    def message_zh(self) -> str:
        return _TEXTS[self.state][0]

    @property
    def message_en(self) -> str:
        return _TEXTS[self.state][1]

    @property
    def what_to_do(self) -> str:
        return _TEXTS[self.state][2]

    def describe(self) -> str:
        """One line for people: ``paper out / 打印机缺纸 (paper out: load a roll)``."""
        text = f"{self.message_en} / {self.message_zh}"
        if self.detail:
            text += f" [{self.detail}]"
        return f"{text} ({self.what_to_do})"


def unknown_status(detail: str) -> PrinterStatus:
    return PrinterStatus(PrinterState.UNKNOWN, detail=detail)


# (DLE EOT n, bit mask of its answer, flag): the Epson ESC/POS real-time status bits
_FLAG_BITS: tuple[tuple[int, int, str], ...] = (
    (1, 0x08, "offline"),
    (2, 0x04, "cover_open"),
    (2, 0x08, "feed_button"),
    (2, 0x20, "stopped_by_paper_end"),
    (2, 0x40, "error"),
    (3, 0x08, "cutter_error"),
    (3, 0x20, "unrecoverable_error"),
    (3, 0x40, "auto_recoverable_error"),
    (4, 0x0C, "paper_near_end"),
    (4, 0x60, "paper_end"),
)


def decode_status(answers: Mapping[int, int | None]) -> PrinterStatus:
    """Map the answers to DLE EOT 1..4 (``None`` = no answer) to a ``PrinterStatus``."""
    raw4 = (answers.get(1), answers.get(2), answers.get(3), answers.get(4))
    missing = [n for n in (1, 2, 3, 4) if answers.get(n) is None]
    if missing:
        return PrinterStatus(
            PrinterState.UNKNOWN,
            detail=f"no answer to DLE EOT {missing} within the timeout",
            raw=raw4,
        )
    b1, b2, b3, b4 = (int(answers[n] or 0) for n in (1, 2, 3, 4))
    for n, value in zip((1, 2, 3, 4), (b1, b2, b3, b4), strict=True):
        if not 0 <= value <= 0xFF or value & FIXED_MASK != FIXED_VALUE:
            return PrinterStatus(
                PrinterState.UNKNOWN,
                detail=(
                    f"answer to DLE EOT {n} was 0x{value:02X}; "
                    "expected the fixed bit pattern 0xx1xx10"
                ),
                raw=raw4,
            )
    byte_of = {1: b1, 2: b2, 3: b3, 4: b4}
    flags = {name for n, mask, name in _FLAG_BITS if byte_of[n] & mask}

    if flags & {"paper_end", "stopped_by_paper_end"}:
        state = PrinterState.PAPER_OUT
    elif "cover_open" in flags:
        state = PrinterState.COVER_OPEN
    elif "cutter_error" in flags:
        state = PrinterState.CUTTER_ERROR
    elif flags & {"offline", "error", "unrecoverable_error", "auto_recoverable_error"}:
        state = PrinterState.OFFLINE
    elif "paper_near_end" in flags:
        state = PrinterState.PAPER_NEAR_END
    else:
        state = PrinterState.OK
    return PrinterStatus(state, flags=frozenset(flags), raw=raw4)
