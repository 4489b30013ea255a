"""`branchq emulate panel --control ... --state / --fault`: a technician's control commands."""

from __future__ import annotations

import json

import pytest

from branchq_cli.main import main
from hardware_mocks.panel import PanelEmulator


def test_state_prints_what_every_panel_shows(
    emu: PanelEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    rc = main(["emulate", "panel", "--control", f"127.0.0.1:{emu.control_port}", "--state"])
    assert rc == 0
    state = json.loads(capsys.readouterr().out)
    assert sorted(state) == ["1", "2", "3"]
    assert state["2"]["fault"] == "ok"


def test_fault_is_set_and_a_bad_fault_exits_non_zero(
    emu: PanelEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    control = f"127.0.0.1:{emu.control_port}"
    assert main(["emulate", "panel", "--control", control, "--fault", "2", "no_answer"]) == 0
    main(["emulate", "panel", "--control", control, "--state"])
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["2"]["fault"] == "no_answer"
    assert main(["emulate", "panel", "--control", control, "--fault", "2", "bogus"]) == 2
    assert "bogus" in capsys.readouterr().out


def test_control_without_address_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["emulate", "panel", "--state"]) == 2
    assert "--control HOST:PORT" in capsys.readouterr().err
