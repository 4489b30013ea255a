"""A streaming ESC/POS decoder, written from the Epson command reference.

It deliberately shares no code with ``drivers/``: it is the independent reader that checks what
the driver wrote. ``feed(bytes)`` may be called with any split of the stream; it returns events:
``("dle_eot", n)`` and ``("gs_r", n)`` status requests, and ``("receipt", Receipt)`` at each cut.
Chinese text is decoded with the configured encoding while the printer is in Chinese mode
(``FS &`` enters it, ``FS .`` leaves it, or it is on from power-up); outside it, bytes above
0x7F are code page 437 characters, as on a printer that was never switched.
"""

from __future__ import annotations

import codecs
from typing import Any

from PIL import Image

from hardware_mocks.printer.receipt import Line, QrCode, RasterImage, Receipt, Span

LF, HT, CR, DLE, ESC, FS, GS = 0x0A, 0x09, 0x0D, 0x10, 0x1B, 0x1C, 0x1D
ALIGN = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center", 50: "right"}
# ESC commands with a fixed number of parameter bytes (after "ESC x")
ESC_FIXED = {
    "@": 0,
    "!": 1,
    "E": 1,
    "-": 1,
    "a": 1,
    "d": 1,
    "J": 1,
    "t": 1,
    "M": 1,
    "2": 0,
    "3": 1,
    "G": 1,
    "R": 1,
    "V": 1,
    "{": 1,
    " ": 1,
    "$": 2,
    "\\": 2,
    "r": 1,
    "U": 1,
    "T": 1,
    "L": 0,
    "S": 0,
    "c": 2,
    "p": 3,
    "i": 0,
    "m": 0,
    "e": 1,
    "K": 1,
    "=": 1,
    "W": 8,
    "%": 1,
}
GS_FIXED = {
    "!": 1,
    "B": 1,
    "L": 2,
    "W": 2,
    "H": 1,
    "h": 1,
    "w": 1,
    "f": 1,
    "b": 1,
    "P": 2,
    "a": 1,
    "r": 1,
    "I": 1,
    "$": 2,
    "\\": 2,
    "^": 3,
    ":": 0,
    "T": 1,
    "C": 3,
    "E": 1,
}
FS_FIXED = {"&": 0, ".": 0, "!": 1, "-": 1, "C": 1, "S": 2, "W": 1, "p": 2, "?": 1, "r": 1}


class _Need(Exception):
    """More bytes are needed to finish the command at the start of the buffer."""


class EscposDecoder:
    def __init__(self, *, encoding: str = "gb18030", chinese_mode_at_start: bool = False) -> None:
        self.encoding = encoding
        self.chinese_default = chinese_mode_at_start
        self._buf = bytearray()
        self._qr_data = b""
        self._qr_size = 3
        self._reset_styles()
        self.chinese = chinese_mode_at_start
        self._text_decoder = self._make_text_decoder()
        self.receipt = Receipt()
        self.line = Line()

    # -- state --------------------------------------------------------------------------------
    def _reset_styles(self) -> None:
        self.bold = False
        self.width = 1
        self.height = 1
        self.align = "left"

    def _make_text_decoder(self) -> Any:
        name = self.encoding if self.chinese else "cp437"
        return codecs.getincrementaldecoder(name)(errors="replace")

    def _set_chinese(self, on: bool) -> None:
        self._flush_text(final=True)
        self.chinese = on
        if on:
            self.receipt.chinese_mode_used = True
        self._text_decoder = self._make_text_decoder()

    @property
    def has_content(self) -> bool:
        return bool(self.receipt.items or self.line.spans)

    # -- output -------------------------------------------------------------------------------
    def _add_text(self, text: str) -> None:
        if not text:
            return
        span = Span(text, self.bold, self.width, self.height)
        last = self.line.spans[-1] if self.line.spans else None
        if last and (last.bold, last.width, last.height) == (span.bold, span.width, span.height):
            self.line.spans[-1] = Span(last.text + text, span.bold, span.width, span.height)
        else:
            self.line.spans.append(span)

    def _flush_text(self, final: bool = False) -> None:
        self._add_text(self._text_decoder.decode(b"", final=final))

    def _end_line(self) -> None:
        self._flush_text(final=True)
        self._text_decoder = self._make_text_decoder()
        self.line.align = self.align
        self.receipt.items.append(self.line)
        self.line = Line()

    def _end_line_if_any(self) -> None:
        self._flush_text(final=True)
        if self.line.spans:
            self._end_line()

    def flush_line(self) -> None:
        """Put a half-received line into the receipt (the connection ended)."""
        self._end_line_if_any()

    def _cut(self, kind: str) -> Receipt:
        self._end_line_if_any()
        done, self.receipt = self.receipt, Receipt()
        done.cut = kind
        return done

    # -- parsing ------------------------------------------------------------------------------
    def feed(self, data: bytes) -> list[tuple[str, Any]]:
        self._buf += data
        events: list[tuple[str, Any]] = []
        pos = 0
        while pos < len(self._buf):
            try:
                pos = self._step(pos, events)
            except _Need:
                break
        del self._buf[:pos]
        return events

    def _need(self, pos: int, count: int) -> bytes:
        if pos + count > len(self._buf):
            raise _Need
        return bytes(self._buf[pos : pos + count])

    def _step(self, pos: int, events: list[tuple[str, Any]]) -> int:
        b = self._buf[pos]
        if b >= 0x20:
            end = pos
            while end < len(self._buf) and self._buf[end] >= 0x20:
                end += 1
            self._add_text(self._text_decoder.decode(bytes(self._buf[pos:end])))
            return end
        if b == LF:
            self._end_line()
            return pos + 1
        if b == HT:
            self._add_text("    ")
            return pos + 1
        if b == DLE:
            return self._dle(pos, events)
        if b == ESC:
            return self._esc(pos, events)
        if b == GS:
            return self._gs(pos, events)
        if b == FS:
            return self._fs(pos)
        return pos + 1  # CR and other control bytes: nothing to print

    def _dle(self, pos: int, events: list[tuple[str, Any]]) -> int:
        cmd = self._need(pos, 2)[1]
        if cmd == 0x04:
            n = self._need(pos, 3)[2]
            events.append(("dle_eot", n))
            return pos + (4 if n in (7, 8, 18) else 3)  # n = 7, 8, 18 take one more byte
        if cmd == 0x14:
            return pos + len(self._need(pos, 5))
        return pos + 1

    def _esc(self, pos: int, events: list[tuple[str, Any]]) -> int:
        cmd = chr(self._need(pos, 2)[1])
        if cmd == "*":  # ESC * m nL nH d1..dk: column bit image (kept only as a note)
            m, nl, nh = self._need(pos, 5)[2:5]
            size = (nl + 256 * nh) * (3 if m in (32, 33) else 1)
            self._need(pos, 5 + size)
            self.receipt.notes.append("ESC * column image (not decoded)")
            return pos + 5 + size
        if cmd == "D":  # tab positions, NUL-terminated
            end = self._buf.find(0, pos + 2)
            if end < 0:
                raise _Need
            return end + 1
        if cmd not in ESC_FIXED:
            self.receipt.notes.append(f"unknown ESC 0x{ord(cmd):02X}")
            return pos + 2
        args = self._need(pos, 2 + ESC_FIXED[cmd])[2:]
        if cmd == "@":
            self._end_line_if_any()
            self._reset_styles()
            self._set_chinese(self.chinese_default)
        elif cmd == "!":
            self._flush_text()
            self.bold = bool(args[0] & 0x08)
            self.height = 2 if args[0] & 0x10 else 1
            self.width = 2 if args[0] & 0x20 else 1
        elif cmd == "E":
            self._flush_text()
            self.bold = bool(args[0] & 1)
        elif cmd == "a":
            self.align = ALIGN.get(args[0], self.align)
        elif cmd == "d":
            self._end_line_if_any()
            self.receipt.items.extend(Line(align=self.align) for _ in range(args[0]))
        elif cmd in ("i", "m"):
            events.append(("receipt", self._cut("full" if cmd == "i" else "partial")))
        return pos + 2 + len(args)

    def _gs(self, pos: int, events: list[tuple[str, Any]]) -> int:
        cmd = chr(self._need(pos, 2)[1])
        if cmd == "V":
            m = self._need(pos, 3)[2]
            length = 4 if m in (65, 66, 97, 98, 103, 104) else 3
            self._need(pos, length)
            kind = "full" if m in (0, 48, 65, 97, 103) else "partial"
            events.append(("receipt", self._cut(kind)))
            return pos + length
        if cmd == "v":  # GS v 0 m xL xH yL yH data: raster bit image
            head = self._need(pos, 8)
            width_bytes, rows = head[4] + 256 * head[5], head[6] + 256 * head[7]
            data = self._need(pos + 8, width_bytes * rows)
            self._end_line_if_any()
            image = Image.frombytes("1", (width_bytes * 8, rows), data)
            image = Image.eval(image.convert("L"), lambda v: 255 - v)  # ESC/POS: 1 = black
            self.receipt.items.append(RasterImage(image, self.align))
            return pos + 8 + len(data)
        if cmd in ("(", "8"):
            return self._gs_block(pos, cmd)
        if cmd == "k":  # barcode: m 0..6 NUL-terminated, m 65.. with a length byte
            m = self._need(pos, 3)[2]
            if m <= 6:
                end = self._buf.find(0, pos + 3)
                if end < 0:
                    raise _Need
                return end + 1
            n = self._need(pos, 4)[3]
            return pos + 4 + len(self._need(pos + 4, n))
        if cmd not in GS_FIXED:
            self.receipt.notes.append(f"unknown GS 0x{ord(cmd):02X}")
            return pos + 2
        args = self._need(pos, 2 + GS_FIXED[cmd])[2:]
        if cmd == "!":
            self._flush_text()
            self.width = (args[0] >> 4) + 1
            self.height = (args[0] & 0x0F) + 1
        elif cmd == "r":
            events.append(("gs_r", args[0]))
        return pos + 2 + len(args)

    def _gs_block(self, pos: int, cmd: str) -> int:
        if cmd == "8":  # GS 8 L p1 p2 p3 p4 m fn ...: large graphics data, skipped
            head = self._need(pos, 7)
            size = int.from_bytes(head[3:7], "little")
            self._need(pos, 7 + size)
            return pos + 7 + size
        head = self._need(pos, 5)
        sub = chr(head[2])
        size = head[3] + 256 * head[4]
        body = self._need(pos + 5, size)
        if sub == "k" and len(body) >= 2 and body[0] == 49:  # cn = 49: QR code
            fn = body[1]
            if fn == 67 and len(body) >= 3:
                self._qr_size = body[2]
            elif fn == 80:  # store data: m = 48, then the payload
                self._qr_data = body[3:]
            elif fn == 81:  # print the stored symbol
                self._end_line_if_any()
                text = self._qr_data.decode("utf-8", errors="replace")
                self.receipt.items.append(QrCode(text, self._qr_size, self.align))
        elif sub != "k":
            self.receipt.notes.append(f"GS ( {sub} block of {size} bytes (not decoded)")
        return pos + 5 + size

    def _fs(self, pos: int) -> int:
        cmd = chr(self._need(pos, 2)[1])
        if cmd not in FS_FIXED:
            self.receipt.notes.append(f"unknown FS 0x{ord(cmd):02X}")
            return pos + 2
        args = self._need(pos, 2 + FS_FIXED[cmd])[2:]
        if cmd == "&":
            self._set_chinese(True)
        elif cmd == ".":
            self._set_chinese(False)
        return pos + 2 + len(args)
