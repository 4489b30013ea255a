"""Panel driver fixtures: the panel emulator on ephemeral loopback ports."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest

from hardware_mocks.panel import PanelEmulator


@pytest.fixture
def emulator() -> Iterator[PanelEmulator]:
    emu = PanelEmulator(protocol="modbus", addresses=[1, 2, 3, 4, 5, 6]).start()
    yield emu
    emu.stop()


@pytest.fixture
def ascii_emulator() -> Iterator[PanelEmulator]:
    emu = PanelEmulator(protocol="ascii", addresses=[1, 2, 12]).start()
    yield emu
    emu.stop()


class FakeClock:
    """A monotonic clock the test moves by hand (for the unhealthy re-probe interval)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def wait_until(condition: Callable[[], bool], timeout_s: float = 3.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met before the deadline")
        time.sleep(0.01)
