"""`branchq panel-bridge`: bad configuration exits 2; a real process restores the panels from
the server's snapshot and stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from branchq_cli.main import main
from hardware_mocks.panel import PanelEmulator
from server.contract.common import Role
from tests.e2e.live import LiveBranch, wait_until
from tests.panel_bridge.conftest import write_site

ROOT = Path(__file__).resolve().parents[2]


def test_missing_site_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["panel-bridge", "--config", str(tmp_path / "nope.toml")]) == 2
    assert "nope.toml: no such file" in capsys.readouterr().err


def test_missing_token(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = write_site(tmp_path / "site.toml", server_url="http://127.0.0.1:9", panel_port=9)
    assert main(["panel-bridge", "--config", str(site)]) == 2
    err = capsys.readouterr().err
    assert "no device token" in err and "BRANCHQ_TEST_BRIDGE_TOKEN_UNSET" in err


def test_no_panels(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "site.toml"
    site.write_text('[server]\ntoken = "x"\n')
    assert main(["panel-bridge", "--config", str(site)]) == 2
    assert "no [[panels]]" in capsys.readouterr().err


def test_bad_bus_url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "site.toml"
    site.write_text(
        '[server]\ntoken = "x"\n[[buses]]\nid = "b"\nurl = "tpc://h:1"\n'
        '[[panels]]\nid = "p"\nbus = "b"\naddress = 1\ncounter = 1\n'
    )
    assert main(["panel-bridge", "--config", str(site)]) == 2
    err = capsys.readouterr().err
    assert "bus 'b'" in err and "unknown scheme 'tpc'" in err


def test_process_restores_panels_and_stops_on_sigterm(tmp_path: Path) -> None:
    branch = LiveBranch(data_dir=tmp_path / "var").start()
    log_path = tmp_path / "bridge.log"
    try:
        with PanelEmulator(addresses=[1, 2, 3]) as panels, log_path.open("wb") as log:
            teller = branch.auth("teller1")
            kiosk = {"Authorization": f"Bearer {branch.device_token('kiosk', Role.KIOSK)}"}
            with branch.client() as client:
                assert client.post("/api/v1/counters/1/open", headers=teller).status_code == 200
                r = client.post("/api/v1/tickets", json={"service_code": "A"}, headers=kiosk)
                number = r.json()["number"]
                assert client.post("/api/v1/counters/1/call-next", headers=teller).is_success
            site = write_site(tmp_path / "site.toml", server_url=branch.url, panel_port=panels.port)
            env = dict(os.environ)
            env["BRANCHQ_TEST_BRIDGE_TOKEN_UNSET"] = branch.device_token(
                "bridge", Role.PANEL_BRIDGE
            )
            proc = subprocess.Popen(
                [sys.executable, "-m", "branchq_cli.main", "panel-bridge", "--config", str(site)],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                wait_until(
                    lambda: panels.displays[1].text == f"{number}  01",
                    what="the bridge process to restore panel 1",
                )
                wait_until(lambda: b"heartbeat: OK" in log_path.read_bytes(), what="a heartbeat")
                proc.send_signal(signal.SIGTERM)
                assert proc.wait(timeout=10) == 0
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
    finally:
        branch.stop()
    out = log_path.read_text(encoding="utf-8")
    assert "event stream: subscribed" in out
    assert f"panel-1 (counter 1) shows {number}" in out
    assert out.rstrip().endswith("panel bridge stopped"), out[-500:]
    assert "Traceback" not in out
