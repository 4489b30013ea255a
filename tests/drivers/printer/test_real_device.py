"""The driver against a real printer, when one is named:

    BRANCHQ_TEST_PRINTER_URL=tcp://192.168.1.50:9100 .venv/bin/python -m pytest \
        tests/drivers/printer/test_real_device.py -q

Without the variable the same checks run against the emulator (its URL is just another address).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace

import pytest

from drivers.printer import EscposTicketPrinter, PrinterState, PrintReason, TicketLayout

REAL_URL = os.environ.get("BRANCHQ_TEST_PRINTER_URL", "")


@pytest.fixture
def device_url(request: pytest.FixtureRequest) -> str:
    if REAL_URL:
        return REAL_URL
    url: str = request.getfixturevalue("url")  # the emulator on an ephemeral port
    return url


def test_device_answers_status(
    device_url: str, make_printer: Callable[..., EscposTicketPrinter]
) -> None:
    status = make_printer(device_url, timeout_s=2.0).status()
    assert status.state != PrinterState.UNKNOWN, status.describe()
    assert all(b is not None and b & 0b1001_0011 == 0b0001_0010 for b in status.raw)


def test_device_prints_and_confirms_a_ticket(
    device_url: str, make_printer: Callable[..., EscposTicketPrinter], layout: TicketLayout
) -> None:
    printer = make_printer(device_url, timeout_s=2.0, confirm_timeout_s=10.0)
    result = printer.print_ticket(replace(layout, footer_en="branchq driver test"))
    if result.status_before.printable:
        assert result.ok and result.reason_code == PrintReason.PRINTED, result
    else:
        assert result.reason_code == PrintReason.PRINTER_NOT_READY and result.bytes_sent == 0
