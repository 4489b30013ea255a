"""The panel bridge against the real server and the real panel emulator (loopback only)."""

from __future__ import annotations

from typing import Any

import httpx

from drivers.panel import open_panel
from hardware_mocks.panel import PanelEmulator
from panel_bridge.bridge import PanelBridge
from server.contract.common import Role
from tests.e2e.live import LiveBranch, wait_until

BLANK = " " * 8


def post(branch: LiveBranch, path: str, headers: dict[str, str], json: Any = None) -> Any:
    with branch.client() as client:
        r = client.post(f"/api/v1{path}", json=json, headers=headers)
    assert r.status_code in (200, 201), r.text
    return r.json()


def issue(branch: LiveBranch, service: str = "A") -> str:
    kiosk = {"Authorization": f"Bearer {branch.device_token('kiosk-1', Role.KIOSK)}"}
    body = post(branch, "/tickets", kiosk, {"service_code": service})
    number: str = body["number"]
    return number


def teller(branch: LiveBranch, counter: int) -> dict[str, str]:
    return branch.auth(f"teller{counter}")


def call_next(branch: LiveBranch, counter: int) -> str:
    body = post(branch, f"/counters/{counter}/call-next", teller(branch, counter))
    number: str = body["ticket"]["number"]
    return number


def shown(panels: PanelEmulator, address: int) -> str:
    return panels.displays[address].text


def devices(branch: LiveBranch) -> dict[str, Any]:
    tech = branch.auth("tech", Role.TECHNICIAN)
    with branch.client() as client:
        r = client.get("/api/v1/devices", headers=tech)
    assert r.status_code == 200, r.text
    return {d["name"]: d for d in r.json()}


def components(branch: LiveBranch) -> dict[str, dict[str, Any]]:
    device = devices(branch).get("panel-bridge-1")
    return {} if device is None else {c["id"]: c for c in device["components"]}


def test_call_blinks_then_steady_recall_blinks_again_close_clears(
    branch: LiveBranch, panels: PanelEmulator, bridge: PanelBridge
) -> None:
    post(branch, "/counters/1/open", teller(branch, 1))
    number = issue(branch)
    assert call_next(branch, 1) == number
    # blink_s 0.5 in the site file: 1 s on the wire
    wait_until(
        lambda: (shown(panels, 1), panels.displays[1].blink_s) == (f"{number}  01", 1),
        what=f"panel 1 to show {number}, blinking",
    )
    wait_until(lambda: panels.displays[1].blink_s == 0, what="the call to turn steady")
    assert shown(panels, 2) == BLANK and shown(panels, 3) == BLANK

    post(branch, "/counters/1/recall", teller(branch, 1))
    wait_until(lambda: panels.displays[1].blink_s == 1, what="the recall to blink again")
    assert shown(panels, 1) == f"{number}  01"

    post(branch, "/counters/1/start", teller(branch, 1))
    post(branch, "/counters/1/finish", teller(branch, 1))
    post(branch, "/counters/1/close", teller(branch, 1))
    wait_until(
        lambda: (shown(panels, 1), panels.displays[1].blink_s) == (BLANK, 0),
        what="the closed counter's panel to clear and stop blinking",
    )


def test_after_a_server_restart_the_snapshot_restores_every_panel(
    branch: LiveBranch, panels: PanelEmulator, bridge: PanelBridge
) -> None:
    for counter in (1, 3):
        post(branch, f"/counters/{counter}/open", teller(branch, counter))
    first, second = issue(branch), issue(branch)
    assert call_next(branch, 1) == first
    assert call_next(branch, 3) == second
    wait_until(lambda: shown(panels, 3) == f"{second}  03", what="panel 3 to show the call")

    branch.stop()
    wait_until(lambda: not bridge.stream.connected, what="the bridge to notice the server is gone")
    # while the server is down, panels 1 and 3 lose their text (power cut on the bus)
    for address in (1, 3):
        url = f"socket://127.0.0.1:{panels.port}"
        with open_panel(url, address=address, blink_register=5) as panel:
            panel.clear()
    assert shown(panels, 1) == BLANK and shown(panels, 3) == BLANK

    branch.start()
    wait_until(lambda: bridge.stream.connections >= 2, what="the bridge to reconnect")
    wait_until(lambda: shown(panels, 1) == f"{first}  01", what="panel 1 restored")
    wait_until(lambda: shown(panels, 3) == f"{second}  03", what="panel 3 restored")
    assert shown(panels, 2) == BLANK
    # restored, not a new call: steady
    assert panels.displays[1].blink_s == 0 and panels.displays[3].blink_s == 0

    # and it keeps following events on the new connection
    post(branch, "/counters/3/start", teller(branch, 3))
    post(branch, "/counters/3/finish", teller(branch, 3))
    post(branch, "/counters/3/close", teller(branch, 3))
    wait_until(lambda: shown(panels, 3) == BLANK, what="panel 3 cleared after reconnect")


def test_a_dead_panel_does_not_stop_the_others_and_is_reported_as_error(
    branch: LiveBranch, panels: PanelEmulator, bridge: PanelBridge
) -> None:
    wait_until(
        lambda: components(branch).get("panel-2", {}).get("status") == "OK",
        what="a first heartbeat with panel 2 OK",
    )
    panels.set_fault(2, "no_answer")
    for counter in (1, 2):
        post(branch, f"/counters/{counter}/open", teller(branch, counter))
    first, second = issue(branch), issue(branch)
    assert call_next(branch, 2) == first  # the dead panel's call goes first
    assert call_next(branch, 1) == second
    wait_until(lambda: shown(panels, 1) == f"{second}  01", what="panel 1 to show its call")
    assert shown(panels, 2) == BLANK

    wait_until(
        lambda: components(branch).get("panel-2", {}).get("status") == "ERROR",
        what="the server to list panel 2 as ERROR",
    )
    comps = components(branch)
    assert "did not answer" in comps["panel-2"]["detail"]
    assert "RS-485" in comps["panel-2"]["detail"]
    assert comps["panel-1"]["status"] == "OK"
    device = devices(branch)["panel-bridge-1"]
    assert device["status"] == "WARNING"
    assert "panel-2" in device["detail"]

    panels.set_fault(2, "ok")  # repaired: the bridge shows the call it could not show
    wait_until(lambda: shown(panels, 2) == f"{first}  02", what="panel 2 to catch up")
    wait_until(
        lambda: components(branch).get("panel-2", {}).get("status") == "OK",
        what="panel 2 back to OK on the server",
    )


def test_a_refused_token_keeps_the_bridge_retrying_without_panels_changing(
    branch: LiveBranch, panels: PanelEmulator, site: Any, caplog: Any
) -> None:
    from tests.panel_bridge.conftest import BridgeRunner

    runner = BridgeRunner(PanelBridge(site, token="not-a-token", probe_s=60)).start()
    try:
        wait_until(lambda: "unauthorized" in caplog.text, what="the refusal to be logged")
        assert not runner.bridge.stream.connected
        assert runner.bridge.heartbeats_sent == 0
        assert all(d.text == BLANK for d in panels.displays.values())
    finally:
        runner.stop()
    with httpx.Client() as client:  # the server is still fine
        assert client.get(f"{branch.url}/healthz").status_code == 200


def test_an_idle_panel_that_lost_its_text_is_shown_again_by_the_probe(
    branch: LiveBranch, panels: PanelEmulator, site: Any
) -> None:
    from tests.panel_bridge.conftest import BridgeRunner

    token = branch.device_token("panel-bridge-1", Role.PANEL_BRIDGE)
    runner = BridgeRunner(PanelBridge(site, token=token, probe_s=0.2)).start()
    try:
        post(branch, "/counters/2/open", teller(branch, 2))
        number = issue(branch)
        assert call_next(branch, 2) == number
        wait_until(lambda: shown(panels, 2) == f"{number}  02", what="panel 2 to show the call")
        with open_panel(f"socket://127.0.0.1:{panels.port}", address=2, blink_register=5) as panel:
            panel.clear()  # the panel was power-cycled: blank and steady
        wait_until(lambda: shown(panels, 2) == f"{number}  02", what="the probe to restore it")
        assert panels.displays[2].blink_s == 0  # restored steady, not as a new call
        assert shown(panels, 1) == BLANK
    finally:
        runner.stop()


def test_the_first_heartbeat_of_a_start_reports_the_events_connected(
    branch: LiveBranch, bridge: PanelBridge
) -> None:
    """The panels answer before the event stream does: a beat sent then said ERROR "events
    disconnected", and the device list kept it as the bridge's last error at every start."""
    wait_until(lambda: bridge.heartbeats_sent >= 1, what="the first heartbeat")
    device = devices(branch)["panel-bridge-1"]
    assert device["last_error"] is None, device
    assert device["status"] == "OK" and "events connected" in device["detail"], device
