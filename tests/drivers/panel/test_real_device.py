"""The panel driver against a real panel, when one is named:

    BRANCHQ_TEST_PANEL_URL=/dev/ttyUSB0 BRANCHQ_TEST_PANEL_ADDRESS=3 \
        BRANCHQ_TEST_PANEL_PROTOCOL=modbus .venv/bin/python -m pytest \
        tests/drivers/panel/test_real_device.py -q

Without the variables the same checks run against the panel emulator (just another URL).
"""

from __future__ import annotations

import os

import pytest

from drivers.panel import HealthStatus, check_panel, open_panel
from hardware_mocks.panel import PanelEmulator

REAL_URL = os.environ.get("BRANCHQ_TEST_PANEL_URL", "")
REAL_ADDRESS = int(os.environ.get("BRANCHQ_TEST_PANEL_ADDRESS", "1"))
REAL_PROTOCOL = os.environ.get("BRANCHQ_TEST_PANEL_PROTOCOL", "modbus")


@pytest.fixture
def device(request: pytest.FixtureRequest) -> tuple[str, str, int]:
    if REAL_URL:
        return REAL_URL, REAL_PROTOCOL, REAL_ADDRESS
    emu: PanelEmulator = request.getfixturevalue("emulator")
    return f"socket://127.0.0.1:{emu.port}", "modbus", 3


def test_device_passes_the_self_test(device: tuple[str, str, int]) -> None:
    url, protocol, address = device
    health = check_panel(url, protocol, address, timeout_s=1.0)
    assert health.status is HealthStatus.OK, health
    assert health.last_round_trip_ms is not None and health.last_round_trip_ms < 1000


def test_device_shows_a_call_and_reads_it_back(device: tuple[str, str, int]) -> None:
    url, protocol, address = device
    with open_panel(url, protocol=protocol, address=address, timeout_s=1.0) as panel:
        panel.show("A023", 3)
        if panel.capabilities.can_read_back:
            shown = panel.read_text()
            assert shown is not None and shown.startswith("A023")
        panel.clear()
        assert panel.health().status is HealthStatus.OK
