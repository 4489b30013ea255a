"""Fixtures of the bridge tests: the real server, the real panel emulator, the bridge in a
thread of its own (its own event loop), all on ephemeral loopback ports."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.site import SiteConfig, load_site
from hardware_mocks.panel import PanelEmulator
from panel_bridge.bridge import PanelBridge
from server.contract.common import Role
from tests.e2e.live import LiveBranch, branch, wait_until

__all__ = ["branch"]  # the live-server fixture, used by name

COUNTERS = (1, 2, 3)


def write_site(
    path: Path,
    *,
    server_url: str,
    panel_port: int,
    blink_s: float = 0.5,
    blink_register: int | None = 5,
    timeout_s: float = 0.1,
) -> Path:
    text = f"""
[server]
url = "{server_url}"
token_env = "BRANCHQ_TEST_BRIDGE_TOKEN_UNSET"
heartbeat_interval_s = 1.0

[[buses]]
id = "bus-1"
url = "socket://127.0.0.1:{panel_port}"
protocol = "modbus"
timeout_s = {timeout_s}
"""
    for n in COUNTERS:
        text += f"""
[[panels]]
id = "panel-{n}"
bus = "bus-1"
address = {n}
counter = {n}
blink_s = {blink_s}
"""
        if blink_register is not None:
            text += f"blink_register = {blink_register}\n"
    path.write_text(text, encoding="utf-8")
    return path


class BridgeRunner:
    """Runs ``PanelBridge.run`` on its own thread and event loop until ``stop()``."""

    def __init__(self, bridge: PanelBridge) -> None:
        self.bridge = bridge
        self._loop = asyncio.new_event_loop()
        self._stop = asyncio.Event()
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._main, name="bridge", daemon=True)

    def _main(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self.bridge.run(self._stop))
        except BaseException as exc:  # reported by stop()
            self.error = exc
        finally:
            self._loop.close()

    def start(self) -> BridgeRunner:
        self._thread.start()
        return self

    def stop(self) -> None:
        if not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=15)
        assert not self._thread.is_alive(), "the bridge did not stop within 15 s"
        assert self.error is None, f"the bridge failed: {self.error!r}"


@pytest.fixture
def panels() -> Iterator[PanelEmulator]:
    with PanelEmulator(protocol="modbus", addresses=list(COUNTERS)) as emulator:
        yield emulator


@pytest.fixture
def site(tmp_path: Path, branch: LiveBranch, panels: PanelEmulator) -> SiteConfig:
    return load_site(
        write_site(tmp_path / "site.toml", server_url=branch.url, panel_port=panels.port)
    )


@pytest.fixture
def bridge(site: SiteConfig, branch: LiveBranch) -> Iterator[PanelBridge]:
    token = branch.device_token("panel-bridge-1", Role.PANEL_BRIDGE)
    runner = BridgeRunner(PanelBridge(site, token=token, probe_s=60, recheck_s=0.5)).start()
    wait_until(lambda: runner.bridge.stream.connected, what="the bridge to subscribe")
    try:
        yield runner.bridge
    finally:
        runner.stop()
