"""Panel health -> heartbeat (pure)."""

from __future__ import annotations

from drivers.panel import HealthStatus, PanelHealth
from drivers.site import PanelEntry
from panel_bridge.health import component, heartbeat
from server.contract.common import DeviceStatus

P1 = PanelEntry(id="panel-1", bus="bus-1", address=1, counter=1)
P2 = PanelEntry(id="panel-2", bus="bus-1", address=2, counter=2)
URL = "socket://127.0.0.1:7001"


def test_components_say_where_and_what_to_do() -> None:
    ok = component(P1, URL, PanelHealth(1, HealthStatus.OK, last_round_trip_ms=3.25))
    assert (ok.id, ok.kind, ok.status) == ("panel-1", "panel", DeviceStatus.OK)
    assert ok.detail == f"counter 1, bus-1 address 1 ({URL}): answers in 3.2 ms"
    dead = component(
        P2,
        URL,
        PanelHealth(2, HealthStatus.UNHEALTHY, last_error="no reply", advice="check A/B"),
        note="",
    )
    assert dead.status is DeviceStatus.ERROR
    assert dead.detail.endswith(": no reply; what to do: check A/B")
    fresh = component(P2, URL, PanelHealth(2), note="text 'A0001' too long")
    assert fresh.status is DeviceStatus.UNKNOWN
    assert fresh.detail.endswith("not confirmed yet; last call not shown: text 'A0001' too long")


def test_bridge_status_from_its_panels_and_link() -> None:
    ok = component(P1, URL, PanelHealth(1, HealthStatus.OK))
    dead = component(P2, URL, PanelHealth(2, HealthStatus.UNHEALTHY, last_error="x", advice="y"))
    unknown = component(P2, URL, PanelHealth(2))

    beat = heartbeat([ok, unknown], connected=True, last_seq=7, interval_s=0.5)
    assert (beat.status, beat.interval_s) == (DeviceStatus.OK, 1)
    assert beat.detail == "2/2 panels working; events connected, last seq 7"

    beat = heartbeat([ok, dead], connected=True, last_seq=7, interval_s=30)
    assert beat.status is DeviceStatus.WARNING
    assert beat.detail.endswith("; not answering: panel-2")
    assert [c.id for c in beat.components] == ["panel-1", "panel-2"]

    assert heartbeat([dead], connected=True, last_seq=1, interval_s=30).status is DeviceStatus.ERROR
    beat = heartbeat([ok], connected=False, last_seq=None, interval_s=30)
    assert beat.status is DeviceStatus.ERROR and "events disconnected" in beat.detail
