"""Panel health -> the heartbeat the bridge posts to the server (pure, no I/O).

One component per panel: OK when its last exchange was acknowledged, WARNING when it works but
refused an optional feature it is configured with (blink at a register its model lacks: said
once, never retried), ERROR when it stopped answering (or answers wrongly), UNKNOWN before the
first exchange or for panels that never acknowledge. The bridge itself is OK while every panel
is OK or UNKNOWN, WARNING when some panels fail or lack a feature, ERROR when none works or the
server's event stream is down.
"""

from __future__ import annotations

from collections.abc import Iterable

from drivers.panel import HealthStatus, PanelFeatureUnsupportedError, PanelHealth
from drivers.site import PanelEntry
from server.contract.auth import ComponentReport, Heartbeat
from server.contract.common import DeviceStatus

DETAIL_MAX = 1000
UNSUPPORTED_ADVICE = PanelFeatureUnsupportedError.advice

_STATUS = {
    HealthStatus.OK: DeviceStatus.OK,
    HealthStatus.UNHEALTHY: DeviceStatus.ERROR,
    HealthStatus.UNKNOWN: DeviceStatus.UNKNOWN,
}


def component(
    entry: PanelEntry, bus_url: str, health: PanelHealth, note: str = ""
) -> ComponentReport:
    where = f"counter {entry.counter}, {entry.bus} address {entry.address} ({bus_url})"
    status = _STATUS[health.status]
    if status is DeviceStatus.ERROR:
        detail = f"{where}: {health.last_error}; what to do: {health.advice}"
    elif status is DeviceStatus.OK:
        rtt = health.last_round_trip_ms
        detail = f"{where}: answers in {rtt:.1f} ms" if rtt is not None else where
    else:
        detail = f"{where}: not confirmed yet"
    if health.unsupported and status is not DeviceStatus.ERROR:
        status = DeviceStatus.WARNING
        detail += f"; {'; '.join(health.unsupported)}; what to do: {UNSUPPORTED_ADVICE}"
    if note:
        detail += f"; last call not shown: {note}"
    return ComponentReport(id=entry.id, kind="panel", status=status, detail=detail[:DETAIL_MAX])


def heartbeat(
    components: Iterable[ComponentReport],
    *,
    connected: bool,
    last_seq: int | None,
    interval_s: float,
) -> Heartbeat:
    parts = list(components)
    bad = [c.id for c in parts if c.status is DeviceStatus.ERROR]
    lacking = [c.id for c in parts if c.status is DeviceStatus.WARNING]
    ok = [c for c in parts if c.status is not DeviceStatus.ERROR]
    if not connected or (parts and not ok):
        status = DeviceStatus.ERROR
    elif bad or lacking:
        status = DeviceStatus.WARNING
    else:
        status = DeviceStatus.OK
    events = f"events connected, last seq {last_seq}" if connected else "events disconnected"
    detail = f"{len(ok)}/{len(parts)} panels working; {events}"
    if bad:
        detail += f"; not answering: {', '.join(bad)}"
    if lacking:
        detail += f"; a configured feature not supported (see each panel): {', '.join(lacking)}"
    return Heartbeat(
        status=status,
        detail=detail[:DETAIL_MAX],
        components=parts,
        interval_s=min(3600, max(1, round(interval_s))),
    )
