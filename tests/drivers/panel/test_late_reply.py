"""A panel slower than the timeout: its late reply must not be taken for a garbled line."""

from __future__ import annotations

import pytest

from drivers.panel import HealthStatus, PanelBus, PanelCrcError, PanelLateReplyError, check_panel
from hardware_mocks.panel import PanelEmulator


def test_slow_panel_is_diagnosed_as_slow_not_garbled(emulator: PanelEmulator) -> None:
    emulator.set_fault(3, "slow", 0.6)
    health = check_panel(f"socket://127.0.0.1:{emulator.port}", "modbus", 3, timeout_s=0.3)
    assert health.status is HealthStatus.UNHEALTHY
    assert health.advice == PanelLateReplyError.advice
    assert "slower than the timeout" in (health.last_error or "")


def test_a_reply_error_without_an_earlier_silence_stays_a_reply_error(
    emulator: PanelEmulator,
) -> None:
    emulator.set_fault(2, "wrong_crc")
    with PanelBus(f"socket://127.0.0.1:{emulator.port}", timeout_s=0.3, retries=0) as bus:
        with pytest.raises(PanelCrcError) as err:
            bus.panel(2).show("A023", 2)
        assert not isinstance(err.value, PanelLateReplyError)
        assert bus.health(2).status is HealthStatus.UNHEALTHY
