"""Blink as a per-panel setting: a panel without the register is told once, a call made while
the bus was down blinks when it is finally shown, no blink register means no blink frames."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from drivers.site import load_site
from hardware_mocks.panel import PanelEmulator
from panel_bridge.bridge import PanelBridge
from server.contract.common import Role
from tests.e2e.live import LiveBranch, wait_until
from tests.panel_bridge.conftest import COUNTERS, BridgeRunner, write_site
from tests.panel_bridge.test_bridge_live import call_next, components, issue, post, shown, teller


def _blink_writes(panels: PanelEmulator, address: int) -> list[bytes]:
    """Function 06 writes to register 0x0005 addressed to ``address``."""
    return [f for f in panels.bank.frames if f[:4] == bytes([address, 6, 0, 5])]


def _run(tmp_path: Path, branch: LiveBranch, panels: PanelEmulator, **site: object) -> BridgeRunner:
    options: dict[str, Any] = {"timeout_s": 0.5, **site}  # load must not fake a silent panel
    path = write_site(
        tmp_path / "site.toml", server_url=branch.url, panel_port=panels.port, **options
    )
    token = branch.device_token("panel-bridge-1", Role.PANEL_BRIDGE)
    bridge = PanelBridge(load_site(path), token=token, probe_s=60, recheck_s=0.3)
    runner = BridgeRunner(bridge).start()
    wait_until(lambda: runner.bridge.stream.connected, what="the bridge to subscribe")
    return runner


@pytest.fixture
def plain_panels() -> Iterator[PanelEmulator]:
    """Panels with only the documented register map: no blink register."""
    with PanelEmulator(
        protocol="modbus", addresses=list(COUNTERS), blink_register=None
    ) as emulator:
        yield emulator


def test_a_panel_without_the_blink_register_is_told_once_and_reported(
    tmp_path: Path, branch: LiveBranch, plain_panels: PanelEmulator
) -> None:
    runner = _run(tmp_path, branch, plain_panels, blink_register=5)
    try:
        post(branch, "/counters/1/open", teller(branch, 1))
        number = issue(branch)
        assert call_next(branch, 1) == number
        wait_until(lambda: shown(plain_panels, 1) == f"{number}  01", what="the call shown")
        wait_until(
            lambda: components(branch).get("panel-1", {}).get("status") == "WARNING",
            what="the heartbeat to report the missing blink register",
        )
        detail = components(branch)["panel-1"]["detail"]
        assert "blink not supported at register 0x0005" in detail
        assert "illegal data address" in detail and "blink_register" in detail
        beat = runner.bridge.current_heartbeat()
        assert beat.status.value == "WARNING"
        assert "a configured feature not supported (see each panel): panel-1" in beat.detail
        assert "3/3 panels working" in beat.detail

        # a recall blinks on a panel that can: this one is not asked again
        post(branch, "/counters/1/recall", teller(branch, 1))
        worker = runner.bridge.workers["bus-1"]
        wait_until(
            lambda: sum(1 for f in plain_panels.bank.frames if f[0] == 1 and f[1] == 16) >= 2,
            what="the recall shown again",
        )
        wait_until(lambda: worker.slots["panel-1"].applied, what="nothing left to retry")
        assert _blink_writes(plain_panels, 1) == []  # the start-up read found it: never written
    finally:
        runner.stop()


def test_no_blink_register_in_the_site_file_sends_no_blink(
    tmp_path: Path, branch: LiveBranch, plain_panels: PanelEmulator
) -> None:
    runner = _run(tmp_path, branch, plain_panels, blink_register=None)
    try:
        post(branch, "/counters/2/open", teller(branch, 2))
        number = issue(branch)
        assert call_next(branch, 2) == number
        wait_until(lambda: shown(plain_panels, 2) == f"{number}  02", what="the call shown")
        wait_until(
            lambda: components(branch).get("panel-2", {}).get("status") == "OK",
            what="panel 2 reported OK",
        )
        assert not any(f[1] == 6 for f in plain_panels.bank.frames)  # no register writes
        assert runner.bridge.current_heartbeat().status.value == "OK"
    finally:
        runner.stop()


def test_a_call_made_while_the_bus_was_down_blinks_when_finally_shown(
    tmp_path: Path, branch: LiveBranch, panels: PanelEmulator
) -> None:
    runner = _run(tmp_path, branch, panels, blink_s=30)
    try:
        post(branch, "/counters/3/open", teller(branch, 3))
        number = issue(branch)
        panels.set_fault(None, "no_answer")  # the whole line is down
        assert call_next(branch, 3) == number
        wait_until(
            lambda: components(branch).get("panel-3", {}).get("status") == "ERROR",
            what="panel 3 reported down",
        )
        assert shown(panels, 3).strip() == ""
        panels.set_fault(None, "ok")
        wait_until(
            lambda: (shown(panels, 3), panels.displays[3].blink_s) == (f"{number}  03", 30),
            what="the late call shown blinking",
        )
    finally:
        runner.stop()


def test_a_missing_blink_register_is_reported_before_the_first_call(
    tmp_path: Path, branch: LiveBranch, plain_panels: PanelEmulator
) -> None:
    runner = _run(tmp_path, branch, plain_panels, blink_register=5)
    try:
        wait_until(
            lambda: all(
                components(branch).get(f"panel-{n}", {}).get("status") == "WARNING"
                for n in COUNTERS
            ),
            what="every panel reported lacking its blink register",
        )
        assert not any(f[1] == 6 for f in plain_panels.bank.frames)  # only read, never written
    finally:
        runner.stop()
