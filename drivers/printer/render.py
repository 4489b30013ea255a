"""Ticket renderer: ``TicketLayout`` + ``PrinterProfile`` -> ESC/POS bytes. Pure: no I/O.

The bytes are built with python-escpos' ``Dummy`` printer (styles, QR, cut). Chinese text is
encoded here, not by python-escpos' ``text()``, because its encoder neither switches the printer
into Chinese mode nor handles CJK punctuation: every line with non-ASCII characters is encoded
with the profile's encoding and, if the profile says so, wrapped in ``FS &`` / ``FS .``. With
``raster_cjk`` such lines are drawn with a CJK font and sent as ``GS v 0`` raster images.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from escpos.capabilities import CAPABILITIES
from escpos.image import EscposImage
from escpos.printer import Dummy

from drivers.printer.errors import TicketRenderError
from drivers.printer.raster import render_line_image

ESC_INIT = b"\x1b@"
FS_CHINESE_ON = b"\x1c&"
FS_CHINESE_OFF = b"\x1c."
SUPPORTED_ENCODINGS = ("gb18030", "gbk")
SUPPORTED_PAPER_MM = {58: (32, 384), 80: (48, 576)}  # mm -> (chars per line, dots per line)
MAX_NUMBER_SIZE = {58: 4, 80: 6}
ESCPOS_MODELS = frozenset(CAPABILITIES["profiles"])


@dataclass(frozen=True)
class TicketLayout:
    """Everything printed on one queue ticket."""

    branch_name_zh: str
    branch_name_en: str
    service_name_zh: str
    service_name_en: str
    number: str
    people_ahead: int
    estimated_wait_s: int | None
    issued_at: datetime
    status_url: str = ""
    footer_zh: str = ""
    footer_en: str = ""
    category_zh: str = ""  # printed large when the ticket is not a normal one: "优先客户"
    category_en: str = ""
    language: str = "zh"  # the customer's language ("zh" or "en"): printed first, the other second
    note_zh: str = ""  # one more line under the service, e.g. "预约时段 09:00-09:30"
    note_en: str = ""


@dataclass(frozen=True)
class PrinterProfile:
    """Per-printer settings that change the bytes of a ticket.

    paper_mm: paper width in millimetres (58 or 80).
    encoding: how the printer's Chinese font is addressed ("gb18030" or "gbk").
    chinese_mode_bytes: wrap Chinese lines in FS & (enter) / FS . (leave Chinese mode).
    raster_cjk: the printer has no Chinese font: draw Chinese lines as images.
    number_size: GS ! magnification (1..8) of the ticket number; 0 = as large as fits.
    qr_module_dots: QR module size in dots (1..16).
    confirm_print: after a job, wait for the answer to GS r 1, which the printer sends only
        after it has processed the job (turn off for printers without GS r).
    model: python-escpos capability profile of the printer model ("default", "TM-T88V", ...):
        which cut commands it has.
    """

    paper_mm: int = 80
    encoding: str = "gb18030"
    chinese_mode_bytes: bool = True
    raster_cjk: bool = False
    number_size: int = 0
    qr_module_dots: int = 6
    confirm_print: bool = True
    model: str = "default"

    def __post_init__(self) -> None:
        if self.model not in ESCPOS_MODELS:
            raise TicketRenderError(
                f"model {self.model!r} is not a python-escpos printer profile; expected one of "
                f"{sorted(ESCPOS_MODELS)}"
            )
        if self.paper_mm not in SUPPORTED_PAPER_MM:
            raise TicketRenderError(
                f"paper width {self.paper_mm!r} mm; expected one of {sorted(SUPPORTED_PAPER_MM)}"
            )
        if self.encoding.lower() not in SUPPORTED_ENCODINGS:
            raise TicketRenderError(
                f"encoding {self.encoding!r}; expected one of {list(SUPPORTED_ENCODINGS)}"
            )
        if not 0 <= self.number_size <= 8:
            raise TicketRenderError(f"number_size {self.number_size}; expected 0 (auto) or 1..8")
        if not 1 <= self.qr_module_dots <= 16:
            raise TicketRenderError(f"qr_module_dots {self.qr_module_dots}; expected 1..16")

    @property
    def chars_per_line(self) -> int:
        return SUPPORTED_PAPER_MM[self.paper_mm][0]

    @property
    def width_dots(self) -> int:
        return SUPPORTED_PAPER_MM[self.paper_mm][1]


def char_width(ch: str) -> int:
    """Printed columns of one character: 2 for CJK (wide/full-width), else 1."""
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def text_width(text: str) -> int:
    return sum(char_width(ch) for ch in text)


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_TOKEN = re.compile(r"\s+|[^\s\u1100-\uffff]+|.", re.DOTALL)


def wrap_text(text: str, columns: int) -> list[str]:
    """Wrap at word boundaries (any CJK character is its own word) to ``columns`` columns."""
    lines: list[str] = []
    line = ""
    for token in _TOKEN.findall(text):
        if token.isspace():
            if line and text_width(line) + 1 <= columns:
                line += " "
            continue
        if text_width(line) + text_width(token) <= columns:
            line += token
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = ""
        for ch in token:  # a word longer than the line is broken where it must be
            if text_width(line) + char_width(ch) > columns:
                lines.append(line)
                line = ""
            line += ch
    if line.strip():
        lines.append(line.rstrip())
    return lines


def people_ahead_text(n: int) -> tuple[str, str]:
    if n < 0:
        raise TicketRenderError(f"people_ahead {n}; expected 0 or more")
    if n == 0:
        return ("您是下一位", "you are next")
    return (f"前面还有 {n} 人", f"{n} {'person' if n == 1 else 'people'} ahead")


def wait_text(wait_s: int | None) -> tuple[str, str] | None:
    if wait_s is None:
        return None
    if wait_s < 0:
        raise TicketRenderError(f"estimated_wait_s {wait_s}; expected 0 or more")
    if wait_s == 0:
        return ("无需等待", "no wait")
    minutes = max(1, math.ceil(wait_s / 60))
    return (f"预计等待约 {minutes} 分钟", f"about {minutes} min")


class _Writer:
    def __init__(self, profile: PrinterProfile, language: str = "zh") -> None:
        if language not in ("zh", "en"):
            raise TicketRenderError(f"language {language!r}; expected 'zh' or 'en'")
        self.english_first = language == "en"
        self.profile = profile
        self.out = Dummy(profile=profile.model)
        self.align = "left"
        self.size = (1, 1)

    def raw(self, data: bytes) -> None:
        self.out._raw(data)

    def set_align(self, align: str) -> None:
        self.align = align
        self.out.set(align=align)

    def set_size(self, width: int, height: int) -> None:
        self.size = (width, height)
        self.out.set(custom_size=True, width=width, height=height)

    def set_bold(self, on: bool) -> None:
        self.out.set(bold=on)

    def columns(self) -> int:
        return self.profile.chars_per_line // self.size[0]

    def line(self, text: str) -> None:
        text = _CONTROL.sub(" ", text)  # never let layout text smuggle in printer commands
        if text.isascii():
            self.raw(text.encode("ascii") + b"\n")
        elif self.profile.raster_cjk:
            self._raster_line(text)
        else:
            self.raw(self._encode_cjk(text) + b"\n")

    def wrapped(self, text: str) -> None:
        for part in wrap_text(_CONTROL.sub(" ", text), self.columns()):
            self.line(part)

    def ordered(self, zh: str, en: str) -> tuple[str, str]:
        """The customer's language first."""
        return (en, zh) if self.english_first else (zh, en)

    def bilingual(self, pair: tuple[str, str]) -> None:
        first, second = self.ordered(*pair)
        joined = f"{first} / {second}"
        if text_width(joined) <= self.columns():
            self.line(joined)
        else:
            self.wrapped(first)
            self.wrapped(second)

    def both(self, zh: str, en: str) -> None:
        """Two lines, the customer's language first."""
        for text in self.ordered(zh, en):
            self.wrapped(text)

    def _encode_cjk(self, text: str) -> bytes:
        try:
            data = text.encode(self.profile.encoding)
        except UnicodeEncodeError as exc:
            bad = text[exc.start : exc.end]
            raise TicketRenderError(
                f"text {text!r} has {bad!r}, which {self.profile.encoding} cannot encode; "
                "expected characters of the printer's Chinese font"
            ) from exc
        if self.profile.chinese_mode_bytes:
            return FS_CHINESE_ON + data + FS_CHINESE_OFF
        return data

    def _raster_line(self, text: str) -> None:
        image = render_line_image(
            text,
            width_dots=self.profile.width_dots,
            align=self.align,
            scale_y=self.size[1],
        )
        escpos_image = EscposImage(image)
        header = (
            b"\x1dv0\x00"
            + Dummy._int_low_high(escpos_image.width_bytes, 2)
            + Dummy._int_low_high(escpos_image.height, 2)
        )
        self.raw(header + escpos_image.to_raster_format())


def number_size(profile: PrinterProfile, number: str) -> int:
    if not number or not number.isascii() or not number.isalnum():
        raise TicketRenderError(f"ticket number {number!r}; expected ASCII letters and digits")
    fits = profile.chars_per_line // len(number)
    if fits < 1:
        raise TicketRenderError(
            f"ticket number {number!r} is {len(number)} characters; a {profile.paper_mm} mm "
            f"line holds {profile.chars_per_line}"
        )
    wanted = profile.number_size or MAX_NUMBER_SIZE[profile.paper_mm]
    return min(wanted, fits, 8)


def render_ticket(layout: TicketLayout, profile: PrinterProfile) -> bytes:
    """The complete ESC/POS job for one ticket, ending with a cut."""
    size = number_size(profile, layout.number)
    w = _Writer(profile, layout.language)
    w.raw(ESC_INIT)
    w.set_align("center")
    w.set_bold(True)
    w.both(layout.branch_name_zh, layout.branch_name_en)
    w.set_bold(False)
    if layout.category_zh or layout.category_en:
        w.set_size(2, 2)
        w.bilingual((layout.category_zh, layout.category_en))
        w.set_size(1, 1)
    w.set_size(1, 2)
    w.both(layout.service_name_zh, layout.service_name_en)
    if layout.note_zh or layout.note_en:
        w.set_size(1, 1)
        w.set_bold(True)
        w.bilingual((layout.note_zh, layout.note_en))
        w.set_bold(False)
    w.set_size(size, size)
    w.set_bold(True)
    w.line(layout.number)
    w.set_bold(False)
    w.set_size(1, 1)
    w.bilingual(people_ahead_text(layout.people_ahead))
    wait = wait_text(layout.estimated_wait_s)
    if wait is not None:
        w.bilingual(wait)
    w.line(layout.issued_at.strftime("%Y-%m-%d %H:%M"))
    if layout.status_url:
        w.out.qr(layout.status_url, size=profile.qr_module_dots, native=True)
        w.line("")
    w.both(layout.footer_zh, layout.footer_en)
    w.out.cut()
    job: bytes = w.out.output
    return job
