"""kiosk.toml: the example loads, the printer comes from the site file, bad input is refused
with the file, the key and what was expected."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from branchq_cli.main import main
from kiosk_app.config import KioskConfigError, load_kiosk_config
from server.contract.common import Language

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


@pytest.fixture
def deploy_copy(tmp_path: Path) -> Path:
    for name in ("kiosk-example.toml", "site-demo.toml"):
        shutil.copy(DEPLOY / name, tmp_path / name)
    return tmp_path / "kiosk-example.toml"


def test_example_loads_with_the_site_files_printer(
    deploy_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRANCHQ_DEVICE_TOKEN", "tok-123")
    config = load_kiosk_config(deploy_copy)
    assert config.token == "tok-123"
    assert config.screen.language is Language.ZH
    assert config.screen.orientation == "portrait"
    settings = config.printer.settings()
    assert settings.url == "tcp://127.0.0.1:9100"
    assert settings.profile.paper_mm == 80
    assert settings.profile.chinese_mode_bytes is True


def test_token_from_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BRANCHQ_DEVICE_TOKEN", raising=False)
    (tmp_path / "kiosk.token").write_text("secret-token\n")
    path = tmp_path / "kiosk.toml"
    path.write_text(
        '[server]\ntoken_file = "kiosk.token"\n[printer]\nurl = "tcp://127.0.0.1:9100?paper=58"\n'
    )
    config = load_kiosk_config(path)
    assert config.token == "secret-token"
    assert config.printer.settings().profile.paper_mm == 58


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[screen]\nlanguage = 'fr'\n[printer]\nurl='mem://'", "screen.language"),
        ("[screen]\nidle_timeout_s = -1\n[printer]\nurl='mem://'", "screen.idle_timeout_s"),
        ("[screen]\norientation = 'sideways'\n[printer]\nurl='mem://'", "screen.orientation"),
        ("[screen]\nidel_timeout_s = 5\n[printer]\nurl='mem://'", "screen.idel_timeout_s"),
        ("[server]\nurl = 'x'\n", "printer: missing"),
        ("[printer]\nsite = 'nope.toml'\nid = 'p'\n", "nope.toml"),
        ("[printer]\nsite = 'site.toml'\nid = 'other'\n", "no printer 'other'"),
        ("[printer]\nsite = 'site.toml'\nid = 'p'\npaper_mm = 58\n", "give only id"),
        ("[printer]\nurl = 'tcp://h:9100?paper=58'\npaper_mm = 80\n", "contradicts"),
        ("[printer]\nurl = 'tpc://h'\n", "unknown scheme"),
        ("[server\n", "not valid TOML"),
    ],
)
def test_bad_files_are_refused_naming_the_key(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "site.toml").write_text('[[printers]]\nid = "p"\nurl = "tcp://127.0.0.1:9100"\n')
    path = tmp_path / "kiosk.toml"
    path.write_text(text)
    with pytest.raises(KioskConfigError) as err:
        load_kiosk_config(path)
    assert str(path) in str(err.value)
    assert message in str(err.value)


def test_run_without_a_token_says_how_to_get_one(
    deploy_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("BRANCHQ_DEVICE_TOKEN", raising=False)
    assert main(["kiosk", "run", "--config", str(deploy_copy), "--windowed"]) == 2
    err = capsys.readouterr().err
    assert "$BRANCHQ_DEVICE_TOKEN" in err and "create-device" in err


def test_run_with_a_bad_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kiosk", "run", "--config", str(tmp_path / "missing.toml")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_kiosk_run_opens_the_window_heartbeats_and_stops_on_sigint(tmp_path: Path) -> None:
    """`branchq kiosk run` as its own process (offscreen): it reaches the server, reports its
    printer, and a SIGINT ends it cleanly."""
    from hardware_mocks.printer.emulator import PrinterEmulator
    from server.contract.common import Role
    from tests.e2e.live import LiveBranch, wait_until

    live = LiveBranch(data_dir=tmp_path / "data").start()
    emulator = PrinterEmulator().start()
    try:
        token = live.device_token("kiosk-1", Role.KIOSK)
        config = tmp_path / "kiosk.toml"
        config.write_text(
            f'[server]\nurl = "{live.url}"\n[printer]\nurl = "tcp://127.0.0.1:{emulator.port}"\n'
        )
        env = {**os.environ, "BRANCHQ_DEVICE_TOKEN": token, "QT_QPA_PLATFORM": "offscreen"}
        proc = subprocess.Popen(
            [sys.executable, "-m", "branchq_cli", "kiosk", "run", "--config", str(config)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        tech = live.auth("tech-1", Role.TECHNICIAN)

        def reported() -> bool:
            with live.client() as client:
                devices = {d["name"]: d for d in client.get("/api/v1/devices", headers=tech).json()}
            return devices["kiosk-1"]["status"] == "OK"

        try:
            wait_until(reported, timeout_s=30, what="the kiosk's first heartbeat")
        finally:
            proc.send_signal(signal.SIGINT)
            out, _ = proc.communicate(timeout=20)
        assert proc.returncode == 0, out.decode(errors="replace")
    finally:
        emulator.stop()
        live.stop()
