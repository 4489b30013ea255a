"""An ASCII framed LED sign protocol (STX, address, command, data, ETX, checksum), pure.

Frame, both directions::

    STX(02)  address as 2 decimal digits ("00" = broadcast, no reply)  command  data
    ETX(03)  checksum: 2 upper-case hex digits of the byte sum of address..ETX, modulo 256

Commands: ``D`` display text (data = the full padded line), ``B`` blink (data = seconds in
decimal, 0 off, 65535 until stopped), ``C`` clear, ``T`` test pattern (every cell lit, read
back as '#'), ``R`` read the shown text. The sign answers ``A`` (acknowledge, data = the text
for ``R``) or ``N`` (refused, data = reason). 9600 baud 8N1.
"""

from __future__ import annotations

from drivers.panel.errors import (
    PanelCrcError,
    PanelGarbledError,
    PanelRejectedError,
)
from drivers.panel.protocol import PanelProtocol
from drivers.panel.values import Exchange, PanelCapabilities

STX = 0x02
ETX = 0x03
ASCII_CHARSET = frozenset(chr(c) for c in range(0x20, 0x7F))


def checksum(body: bytes) -> bytes:
    """Two hex digits of the byte sum of ``body`` (address through ETX)."""
    return f"{sum(body) & 0xFF:02X}".encode("ascii")


def build_frame(address: int, command: str, data: str = "") -> bytes:
    body = f"{address:02d}{command}{data}".encode("ascii") + bytes([ETX])
    return bytes([STX]) + body + checksum(body)


class AsciiSignProtocol(PanelProtocol):
    name = "ascii"

    def __init__(self, *, characters: int = 16, acknowledges: bool = True) -> None:
        # signs wired receive-only (no return pair) cannot answer: send and do not wait
        self.capabilities = PanelCapabilities(
            characters=characters,
            charset=ASCII_CHARSET,
            acknowledges=acknowledges,
            can_read_back=acknowledges,
            can_blink=True,
            upper_only=False,
            min_address=1,
            max_address=99,
            broadcast_address=0,
        )

    def _exchange(self, address: int, command: str, data: str, what: str) -> Exchange:
        self.check_address(address, allow_broadcast=command != "R")
        frame = build_frame(address, command, data)
        return Exchange(address, frame, expects_reply=address != 0, what=what)

    def encode_show(self, address: int, text: str) -> list[Exchange]:
        return [self._exchange(address, "D", self.fit_text(text), f"show {text!r}")]

    def encode_blink(
        self, address: int, seconds: int, register: int | None = None
    ) -> list[Exchange]:
        return [self._exchange(address, "B", str(seconds), f"blink {seconds}")]

    def encode_clear(self, address: int) -> list[Exchange]:
        return [self._exchange(address, "C", "", "clear")]

    def test_pattern_text(self) -> str:
        return "#" * self.capabilities.characters

    def encode_test_pattern(self, address: int) -> list[Exchange]:
        return [self._exchange(address, "T", "", "test pattern")]

    def encode_read_back(self, address: int) -> Exchange | None:
        if not self.capabilities.can_read_back:
            return None
        return self._exchange(address, "R", "", "read text")

    def reply_length(self, exchange: Exchange, received: bytes) -> int | None:
        end = received.find(bytes([ETX]))
        return None if end < 0 else end + 3

    def parse_reply(self, exchange: Exchange, reply: bytes) -> str | None:
        got = reply.hex(" ")
        head = f"{exchange.address:02d}".encode("ascii")
        if len(reply) < 7 or reply[0] != STX or reply[1:3] != head or reply[-3] != ETX:
            raise PanelGarbledError(
                f"reply {got!r} to {exchange.what}: expected STX {head.decode()} ... ETX checksum"
            )
        body = reply[1:-2]
        expected = checksum(body)
        if reply[-2:] != expected:
            raise PanelCrcError(
                f"reply {got!r} to {exchange.what} from address {exchange.address}: checksum "
                f"{reply[-2:]!r}, expected {expected!r}"
            )
        kind = chr(reply[3])
        data = reply[4:-3].decode("ascii", errors="replace")
        if kind == "N":
            raise PanelRejectedError(
                f"sign {exchange.address} refused {exchange.what}: {data!r}; expected 'A'"
            )
        if kind != "A":
            raise PanelGarbledError(
                f"reply {got!r} to {exchange.what}: answer {kind!r}, expected 'A' or 'N'"
            )
        return data if exchange.read_registers or exchange.request[3:4] == b"R" else None
