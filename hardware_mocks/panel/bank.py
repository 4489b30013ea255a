"""What the emulated panels hold, and the faults injected per address (or for all)."""

from __future__ import annotations

import logging
import threading
from collections import deque
from dataclasses import dataclass
from enum import StrEnum

from hardware_mocks.panel import ascii_slave, modbus_slave

log = logging.getLogger("branchq.emulator.panel")

ALL = 0  # set_fault(ALL, ...) applies to every address without a fault of its own


class FaultKind(StrEnum):
    OK = "ok"
    NO_ANSWER = "no_answer"  # the panel is dead: frames are ignored, nothing changes
    WRONG_CRC = "wrong_crc"  # the reply's last two bytes (CRC / checksum) are corrupted
    GARBLED = "garbled"  # every reply byte is scrambled (noise, wrong baud rate)
    SLOW = "slow"  # the reply is sent after delay_s


@dataclass(frozen=True)
class Fault:
    kind: FaultKind = FaultKind.OK
    delay_s: float = 0.0


@dataclass(frozen=True)
class PanelDisplay:
    address: int
    text: str
    blink_s: int  # 0 steady, 65535 blinking until stopped, else seconds
    fault: str = "ok"


class PanelBank:
    """All panels behind one emulated line, for one protocol."""

    def __init__(
        self,
        protocol: str,
        addresses: list[int],
        characters: int,
        blink_register: int | None = modbus_slave.BLINK_REG,
    ) -> None:
        if protocol == "modbus":
            self._slaves: modbus_slave.ModbusPanels | ascii_slave.AsciiSigns = (
                modbus_slave.ModbusPanels(addresses, characters, blink_register)
            )
            self._take = modbus_slave.take_frame
        elif protocol == "ascii":
            self._slaves = ascii_slave.AsciiSigns(addresses, characters)
            self._take = ascii_slave.take_frame
        else:
            raise ValueError(f"emulated protocol {protocol!r}; expected 'modbus' or 'ascii'")
        self.protocol = protocol
        self.addresses = sorted(addresses)
        self.frames: deque[bytes] = deque(maxlen=10_000)  # every request received, in order
        self._faults: dict[int, Fault] = {}
        self._lock = threading.Lock()

    def set_fault(self, address: int, kind: FaultKind | str, delay_s: float = 0.0) -> None:
        """Inject a fault at one address, or at every address with ``address`` 0 (ALL)."""
        kinds = [k.value for k in FaultKind]
        if kind not in kinds:
            raise ValueError(f"unknown fault {str(kind)!r}; expected one of {kinds}")
        fault = Fault(FaultKind(kind), delay_s)
        if address != ALL and address not in self.addresses:
            raise ValueError(f"no emulated panel at address {address}; have {self.addresses}")
        with self._lock:
            if address == ALL:
                self._faults = {ALL: fault}
            else:
                self._faults[address] = fault
        log.info("fault %s -> %s (delay %.2f s)", address or "all", fault.kind.value, fault.delay_s)

    def fault_for(self, address: int) -> Fault:
        with self._lock:
            return self._faults.get(address) or self._faults.get(ALL) or Fault()

    def displays(self) -> dict[int, PanelDisplay]:
        with self._lock:
            return {a: self._display(a) for a in self.addresses}

    def _display(self, address: int) -> PanelDisplay:
        fault = self._faults.get(address) or self._faults.get(ALL) or Fault()
        return PanelDisplay(
            address,
            self._slaves.text(address),
            self._slaves.blink_s(address),
            fault.kind.value,
        )

    def feed(self, buffer: bytearray) -> list[tuple[bytes, float]]:
        """Consume complete frames from ``buffer``; return (reply, delay_s) pairs to send."""
        out: list[tuple[bytes, float]] = []
        while (frame := self._take(buffer)) is not None:
            self.frames.append(frame)
            address = frame[0] if self.protocol == "modbus" else _ascii_address(frame)
            fault = self.fault_for(address) if address else Fault()
            if fault.kind is FaultKind.NO_ANSWER:
                log.info("panel %s: frame %s ignored (no_answer)", address, frame.hex(" "))
                continue
            with self._lock:
                before = {a: self._display(a) for a in self.addresses}
                touched, reply = self._slaves.handle(frame)
                changed = [a for a in touched if self._display(a) != before[a]]
                for a in changed:
                    shown = self._display(a)
                    log.info("panel %d shows %r blink=%d", a, shown.text, shown.blink_s)
            if reply is None:
                continue
            if fault.kind is FaultKind.WRONG_CRC:
                reply = reply[:-2] + bytes(b ^ 0x01 for b in reply[-2:])
            elif fault.kind is FaultKind.GARBLED:
                reply = bytes(b ^ 0xA5 for b in reply)
            out.append((reply, fault.delay_s if fault.kind is FaultKind.SLOW else 0.0))
        return out


def _ascii_address(frame: bytes) -> int:
    try:
        return int(frame[1:3].decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        return 0
