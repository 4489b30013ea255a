"""Panel emulator fixtures and a raw-socket client (no driver code: bytes written by hand)."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from hardware_mocks.panel import PanelEmulator


@pytest.fixture
def emu() -> Iterator[PanelEmulator]:
    emulator = PanelEmulator(protocol="modbus", addresses=[1, 2, 3], characters=8).start()
    yield emulator
    emulator.stop()


@pytest.fixture
def emu_ascii() -> Iterator[PanelEmulator]:
    emulator = PanelEmulator(protocol="ascii", addresses=[1, 2], characters=16).start()
    yield emulator
    emulator.stop()


class RawLine:
    """A TCP client that sends frames and reads exactly what comes back."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=2)

    def ask(self, frame: bytes, size: int, timeout_s: float = 1.0) -> bytes:
        self.sock.sendall(frame)
        return self.read(size, timeout_s)

    def read(self, size: int, timeout_s: float = 1.0) -> bytes:
        data = b""
        deadline = time.monotonic() + timeout_s
        while len(data) < size:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            self.sock.settimeout(remaining)
            try:
                chunk = self.sock.recv(size - len(data))
            except TimeoutError:
                break
            if not chunk:
                break
            data += chunk
        return data

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def line(emu: PanelEmulator) -> Iterator[RawLine]:
    client = RawLine(emu.port)
    yield client
    client.close()


@pytest.fixture
def ascii_line(emu_ascii: PanelEmulator) -> Iterator[RawLine]:
    client = RawLine(emu_ascii.port)
    yield client
    client.close()
