"""Fixtures for the printer driver tests: a fixed ticket and an emulator on an ephemeral port."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from drivers.printer import EscposTicketPrinter, TicketLayout, open_printer
from hardware_mocks.printer import PrinterEmulator

# short timeouts: every "no answer" case waits this long, so keep it small but safe on CI
TIMEOUT_S = 0.3


@pytest.fixture
def layout() -> TicketLayout:
    return TicketLayout(
        branch_name_zh="城南支行",
        branch_name_en="Chengnan Branch",
        service_name_zh="个人业务",
        service_name_en="Personal Banking",
        number="A023",
        people_ahead=4,
        estimated_wait_s=540,
        issued_at=datetime(2026, 11, 29, 9, 30),
        status_url="https://bq.example/t/A023",
        footer_zh="请留意叫号",
        footer_en="Please listen for your number",
    )


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[PrinterEmulator]:
    emu = PrinterEmulator(port=0, control_port=0, out_dir=tmp_path)
    emu.start()
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture
def url(emulator: PrinterEmulator) -> str:
    return f"tcp://127.0.0.1:{emulator.port}"


@pytest.fixture
def make_printer() -> Iterator[Callable[..., EscposTicketPrinter]]:
    """open_printer with the tests' short timeouts; every printer is closed afterwards."""
    opened: list[EscposTicketPrinter] = []

    def make(url: str, **kwargs: Any) -> EscposTicketPrinter:
        kwargs.setdefault("timeout_s", TIMEOUT_S)
        kwargs.setdefault("confirm_timeout_s", TIMEOUT_S)
        printer = open_printer(url, **kwargs)
        opened.append(printer)
        return printer

    yield make
    for printer in opened:
        printer.close()
