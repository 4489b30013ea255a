"""Slave side of the ASCII framed sign: STX, 2-digit address, command, data, ETX, checksum.

Commands D (display), B (blink seconds), C (clear), T (test pattern '#'), R (read). Answers
``A`` + data or ``N`` + reason in the same framing; bad checksums are ignored; address 00 is
a broadcast that is obeyed and never answered.
"""

from __future__ import annotations

from hardware_mocks.panel.crc import sum_hex

STX, ETX = 0x02, 0x03


def take_frame(buffer: bytearray) -> bytes | None:
    start = buffer.find(STX)
    if start < 0:
        buffer.clear()
        return None
    del buffer[:start]
    end = buffer.find(ETX)
    if end < 0 or len(buffer) < end + 3:
        return None
    frame = bytes(buffer[: end + 3])
    del buffer[: end + 3]
    return frame


def _frame(address: int, kind: str, data: str) -> bytes:
    body = f"{address:02d}{kind}{data}".encode("ascii") + bytes([ETX])
    return bytes([STX]) + body + sum_hex(body)


class AsciiSigns:
    def __init__(self, addresses: list[int], characters: int) -> None:
        self.characters = characters
        self.texts = dict.fromkeys(addresses, " " * characters)
        self.blinks = dict.fromkeys(addresses, 0)

    def text(self, address: int) -> str:
        return self.texts[address]

    def blink_s(self, address: int) -> int:
        return self.blinks[address]

    def handle(self, frame: bytes) -> tuple[list[int], bytes | None]:
        body = frame[1:-2]
        if len(frame) < 7 or sum_hex(body) != frame[-2:]:
            return [], None
        try:
            address = int(frame[1:3].decode("ascii"))
            command = chr(frame[3])
            data = frame[4:-3].decode("ascii")
        except (UnicodeDecodeError, ValueError):
            return [], None
        if address != 0 and address not in self.texts:
            return [], None
        targets = list(self.texts) if address == 0 else [address]
        reply = None
        for target in targets:
            kind, answer = self._apply(target, command, data)
            reply = _frame(target, kind, answer)
        return targets, (None if address == 0 else reply)

    def _apply(self, address: int, command: str, data: str) -> tuple[str, str]:
        if command == "D":
            if len(data) > self.characters:
                return "N", f"text of {len(data)} characters; {self.characters} fit"
            self.texts[address] = data.ljust(self.characters)
        elif command == "B":
            if not data.isdigit() or int(data) > 0xFFFF:
                return "N", f"blink {data!r}; expected seconds 0..65535"
            self.blinks[address] = int(data)
        elif command == "C":
            self.texts[address] = " " * self.characters
            self.blinks[address] = 0
        elif command == "T":
            self.texts[address] = "#" * self.characters
        elif command == "R":
            return "A", self.texts[address]
        else:
            return "N", f"unknown command {command!r}; expected D B C T R"
        return "A", ""
