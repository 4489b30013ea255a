"""Technician check of one panel: test pattern, read back, round trip, a verdict."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from drivers.panel.errors import PanelContentError, PanelError, PanelFeatureUnsupportedError
from drivers.panel.panel import SerialCallPanel, open_panel
from drivers.panel.values import HealthStatus, PanelHealth


def check_panel(
    url: str,
    protocol: str = "modbus",
    address: int = 1,
    *,
    blink_register: int | None = None,
    **bus_options: Any,
) -> PanelHealth:
    """Light the test pattern, read it back, then put back what the panel showed.

    With ``blink_register`` the panel's blink register is read too: a panel that lacks it
    comes back with it in ``unsupported``.

    Never raises a ``PanelError``: a failure comes back as an unhealthy ``PanelHealth`` whose
    ``last_error`` says what happened and ``advice`` what to check.
    """
    bus_options.setdefault("retries", 1)
    try:
        panel = open_panel(
            url, protocol=protocol, address=address, blink_register=blink_register, **bus_options
        )
    except PanelError as exc:
        return _failed(address, exc)
    with panel:
        try:
            before = panel.read_text() if panel.capabilities.can_read_back else None
            health = panel.self_test()
            panel.check_features()
            health = panel.health()
        except PanelError as exc:
            return (
                _failed(address, exc)
                if panel.health().status is not HealthStatus.UNHEALTHY
                else panel.health()
            )
        try:
            _restore(panel, before)
        except PanelError:
            return panel.health()
        return health


def _restore(panel: SerialCallPanel, before: str | None) -> None:
    """Put back the text the panel showed before the test, or clear it."""
    if before is not None and before.strip():
        try:
            panel.show_text(before.rstrip())
            return
        except PanelContentError:
            pass  # it showed something we cannot send back (e.g. a vendor pattern)
    panel.clear()


def _failed(address: int, exc: PanelError) -> PanelHealth:
    return replace(
        PanelHealth(address),
        status=HealthStatus.UNHEALTHY,
        last_error=str(exc),
        advice=exc.advice,
        consecutive_failures=1,
    )


def verdict(health: PanelHealth) -> str:
    """One line for a technician: status, round trip, and what to do."""
    if health.status is HealthStatus.OK:
        rtt = health.last_round_trip_ms
        took = f", answers in {rtt:.1f} ms" if rtt is not None else ""
        if health.unsupported:
            return (
                f"panel {health.address}: WARNING{took}; {'; '.join(health.unsupported)}\n"
                f"  what to do: {PanelFeatureUnsupportedError.advice}"
            )
        return f"panel {health.address}: OK{took}"
    if health.status is HealthStatus.UNKNOWN:
        return f"panel {health.address}: UNKNOWN (does not acknowledge; look at it)"
    return f"panel {health.address}: BAD - {health.last_error}\n  what to do: {health.advice}"
