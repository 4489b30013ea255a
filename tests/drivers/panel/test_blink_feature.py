"""Blink is optional: a panel without its register refuses once and is never asked again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from drivers.panel import (
    HealthStatus,
    PanelConfigError,
    PanelFeatureUnsupportedError,
    check_panel,
    open_panel,
    verdict,
)
from hardware_mocks.panel import PanelEmulator


@pytest.fixture
def plain() -> Iterator[PanelEmulator]:
    """Panels with the documented register map only (no blink register)."""
    with PanelEmulator(protocol="modbus", addresses=[1, 2], blink_register=None) as emu:
        yield emu


def _writes_to(emu: PanelEmulator, register: int) -> int:
    return sum(1 for f in emu.bank.frames if f[1] == 6 and int.from_bytes(f[2:4]) == register)


def test_refused_blink_is_recorded_once_and_not_sent_again(plain: PanelEmulator) -> None:
    url = f"socket://127.0.0.1:{plain.port}"
    with open_panel(url, address=1, blink_register=5, retries=3) as panel:
        panel.show("A023", 1)
        assert panel.capabilities.can_blink
        with pytest.raises(PanelFeatureUnsupportedError, match="illegal data address"):
            panel.blink(5)
        assert _writes_to(plain, 5) == 1  # a refusal is not retried
        health = panel.health()
        assert health.status is HealthStatus.OK  # the panel works; it lacks a feature
        assert health.unsupported == (
            "blink not supported at register 0x0005: panel 1 answered blink 5 (register "
            "0x0005) with modbus exception 2 (illegal data address); expected a normal reply",
        )
        assert panel.capabilities.can_blink is False
        with pytest.raises(PanelFeatureUnsupportedError):
            panel.blink(False)
        panel.clear()  # clears the text, does not try the blink register again
        panel.show("A024", 1)  # a later success keeps what was learnt
        assert _writes_to(plain, 5) == 1
        assert panel.health().unsupported == health.unsupported
        assert plain.displays[1].text == "A024  01"


def test_check_features_reads_without_writing(plain: PanelEmulator) -> None:
    url = f"socket://127.0.0.1:{plain.port}"
    with open_panel(url, address=2, blink_register=5) as panel:
        assert panel.check_features() == panel.health().unsupported != ()
    assert _writes_to(plain, 5) == 0
    with PanelEmulator(protocol="modbus", addresses=[2]) as blinking:  # the model has it
        url = f"socket://127.0.0.1:{blinking.port}"
        with open_panel(url, address=2, blink_register=5) as panel:
            assert panel.check_features() == ()
            assert panel.capabilities.can_blink


def test_diag_check_panel_reports_the_missing_register(plain: PanelEmulator) -> None:
    health = check_panel(f"socket://127.0.0.1:{plain.port}", "modbus", 1, blink_register=5)
    assert health.status is HealthStatus.OK and health.unsupported
    text = verdict(health)
    assert text.startswith("panel 1: WARNING, answers in ")
    assert "blink not supported at register 0x0005" in text and "blink_register" in text


def test_without_a_blink_register_a_modbus_panel_does_not_blink(plain: PanelEmulator) -> None:
    with open_panel(f"socket://127.0.0.1:{plain.port}", address=1) as panel:
        assert panel.capabilities.can_blink is False
        with pytest.raises(PanelConfigError, match="no blink register set"):
            panel.blink(5)
        panel.clear()
    assert not any(f[1] == 6 for f in plain.bank.frames)


def test_blink_register_on_an_ascii_sign_is_a_config_error() -> None:
    with pytest.raises(PanelConfigError, match="ascii panels blink by command"):
        open_panel("loop://", protocol="ascii", address=1, blink_register=5)
