"""`branchq diag devices` against both emulators (and the server, with --server)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from branchq_cli.main import main
from hardware_mocks.panel import PanelEmulator
from hardware_mocks.printer import PrinterEmulator
from server.contract.common import Role
from tests.e2e.live import LiveBranch


@pytest.fixture
def printer() -> Iterator[PrinterEmulator]:
    with PrinterEmulator(control_port=None) as emulator:
        yield emulator


@pytest.fixture
def panels() -> Iterator[PanelEmulator]:
    with PanelEmulator(protocol="modbus", addresses=[1, 2, 3]) as emulator:
        yield emulator


def write_site(
    path: Path, printer_port: int, panel_port: int, server_url: str = "http://127.0.0.1:9"
) -> Path:
    text = f"""
[server]
url = "{server_url}"

[[printers]]
id = "kiosk-1-printer"
url = "tcp://127.0.0.1:{printer_port}"
timeout_s = 0.5

[[buses]]
id = "bus-1"
url = "socket://127.0.0.1:{panel_port}"
timeout_s = 0.1
"""
    for n in (1, 2, 3):
        text += f'\n[[panels]]\nid = "panel-{n}"\nbus = "bus-1"\naddress = {n}\ncounter = {n}\n'
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def site(tmp_path: Path, printer: PrinterEmulator, panels: PanelEmulator) -> Path:
    return write_site(tmp_path / "site.toml", printer.port, panels.port)


def lines_of(out: str) -> dict[str, str]:
    """Device id -> its line."""
    found = {}
    for line in out.splitlines():
        words = line.split()
        if len(words) > 2 and words[0] in ("printer", "panel"):
            found[words[1]] = line
    return found


def test_all_devices_ok(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["diag", "devices", "--config", str(site)])
    out = capsys.readouterr().out
    lines = lines_of(out)
    assert sorted(lines) == ["kiosk-1-printer", "panel-1", "panel-2", "panel-3"]
    assert all(" OK " in line for line in lines.values()), out
    assert "printer ready / 打印机正常" in lines["kiosk-1-printer"]
    assert "(counter 2)" in lines["panel-2"] and "#2" in lines["panel-2"]
    assert "4 devices checked, 0 need attention" in out
    assert code == 0


def test_paper_out_and_a_dead_panel_say_what_to_do(
    site: Path, printer: PrinterEmulator, panels: PanelEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    printer.set_fault("paper_out")
    panels.set_fault(3, "no_answer")
    code = main(["diag", "devices", "--config", str(site)])
    out = capsys.readouterr().out
    lines = lines_of(out)
    assert " ERROR " in lines["kiosk-1-printer"]
    assert "paper out: load a roll" in lines["kiosk-1-printer"]
    assert "打印机缺纸" in lines["kiosk-1-printer"]
    assert " ERROR " in lines["panel-3"]
    assert "panel 3 no answer: check RS-485 wiring A/B, address and baud" in lines["panel-3"]
    assert "无应答" in lines["panel-3"]
    assert " OK " in lines["panel-1"] and " OK " in lines["panel-2"]
    assert "4 devices checked, 2 need attention" in out
    assert code == 2


def test_near_end_is_a_warning_and_a_silent_printer_unknown(
    site: Path, printer: PrinterEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    printer.set_fault("paper_near_end")
    assert main(["diag", "devices", "--config", str(site)]) == 1
    assert "have a new roll ready" in lines_of(capsys.readouterr().out)["kiosk-1-printer"]
    printer.set_fault("no_answer")
    assert main(["diag", "devices", "--config", str(site)]) == 2
    line = lines_of(capsys.readouterr().out)["kiosk-1-printer"]
    assert " UNKNOWN " in line and "check power, cable or network" in line


def test_a_bad_site_file_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "site.toml"
    bad.write_text('[[panels]]\nid = "p"\nbus = "nope"\naddress = 1\ncounter = 1\n')
    assert main(["diag", "devices", "--config", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "site.toml" in err and "unknown bus 'nope'" in err


def test_with_server_lists_heartbeats(
    tmp_path: Path,
    printer: PrinterEmulator,
    panels: PanelEmulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    branch = LiveBranch(data_dir=tmp_path / "var").start()
    try:
        token = branch.device_token("panel-bridge-1", Role.PANEL_BRIDGE)
        with branch.client() as client:
            beat = {
                "status": "WARNING",
                "detail": "2/3 panels working",
                "components": [
                    {"id": "panel-1", "kind": "panel", "status": "OK"},
                    {"id": "panel-3", "kind": "panel", "status": "ERROR", "detail": "no answer"},
                ],
            }
            r = client.post(
                "/api/v1/devices/me/heartbeat",
                json=beat,
                headers={"Authorization": f"Bearer {token}"},
            )
            assert r.status_code == 200, r.text
        site = write_site(tmp_path / "site.toml", printer.port, panels.port, branch.url)
        monkeypatch.setenv("BRANCHQ_TECHNICIAN_TOKEN", branch.user_token("tech", Role.TECHNICIAN))
        code = main(["diag", "devices", "--config", str(site), "--server"])
    finally:
        branch.stop()
    out = capsys.readouterr().out
    server = [line for line in out.splitlines() if line.startswith("server")]
    assert len(server) == 1, out
    assert "panel-bridge-1" in server[0] and "WARNING" in server[0]
    assert "last heartbeat 2026-11-29T02:00:00" in server[0]
    assert any(
        "panel-3" in line and "ERROR" in line and "no answer" in line for line in out.splitlines()
    )
    assert code == 1  # the devices answer; the server reports a warning


def test_with_server_needs_a_token(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("BRANCHQ_TECHNICIAN_TOKEN", raising=False)
    assert main(["diag", "devices", "--config", str(site), "--server"]) == 2
    assert "$BRANCHQ_TECHNICIAN_TOKEN" in capsys.readouterr().err


def test_a_silent_bus_is_said_once(
    site: Path, panels: PanelEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    panels.set_fault(None, "no_answer")
    assert main(["diag", "devices", "--config", str(site)]) == 2
    out = capsys.readouterr().out
    assert out.count("the whole bus is silent") == 1
    assert out.count("check RS-485") == 0 and out.count("A/B wiring") == 1  # advice once
    bus_line = next(line for line in out.splitlines() if line.startswith("bus "))
    assert "bus-1" in bus_line and "ERROR" in bus_line and "none of its 3 panels" in bus_line
    lines = lines_of(out)
    assert all("no answer (bus bus-1 is silent)" in lines[f"panel-{n}"] for n in (1, 2, 3))
    assert "4 devices checked, 3 need attention" in out


def test_one_silent_panel_keeps_its_own_advice(
    site: Path, panels: PanelEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    panels.set_fault(2, "no_answer")
    main(["diag", "devices", "--config", str(site)])
    out = capsys.readouterr().out
    assert "the whole bus is silent" not in out
    assert "panel 2 no answer: check RS-485 wiring" in lines_of(out)["panel-2"]


def test_a_panel_lacking_its_configured_blink_register_is_a_warning(
    tmp_path: Path, printer: PrinterEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    with PanelEmulator(protocol="modbus", addresses=[1, 2, 3], blink_register=None) as plain:
        site = write_site(tmp_path / "site.toml", printer.port, plain.port)
        text = site.read_text(encoding="utf-8").replace(
            "counter = 1\n", "counter = 1\nblink_register = 0x0005\n"
        )
        site.write_text(text, encoding="utf-8")
        assert main(["diag", "devices", "--config", str(site)]) == 1
        frames = list(plain.bank.frames)
    lines = lines_of(capsys.readouterr().out)
    assert " WARNING " in lines["panel-1"]
    assert "blink not supported at register 0x0005" in lines["panel-1"]
    assert "illegal data address" in lines["panel-1"] and "blink_register" in lines["panel-1"]
    assert " OK " in lines["panel-2"]  # no blink register configured: nothing asked
    assert not any(f[1] == 6 for f in frames)  # diag only reads: nothing was written


def test_diag_panel_checks_the_blink_register(capsys: pytest.CaptureFixture[str]) -> None:
    with PanelEmulator(protocol="modbus", addresses=[3], blink_register=None) as plain:
        url = f"socket://127.0.0.1:{plain.port}"
        args = ["diag", "panel", url, "--address", "3", "--timeout", "0.3"]
        assert main(args) == 0
        assert "panel 3: OK" in capsys.readouterr().out
        assert main([*args, "--blink-register", "0x0005"]) == 1
    out = capsys.readouterr().out
    assert "panel 3: WARNING" in out and "blink not supported at register 0x0005" in out
    assert "what to do: this panel model lacks the feature" in out
