"""`branchq demo` (the README's first command) as a new user meets it: it starts, a ticket can
be issued, printed and called to a panel, and Ctrl-C stops every process it started."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

from branchq_cli._control import send_control
from tests.e2e.live import wait_until


def _free_pair() -> int:
    """A port P with P+1 free too (device emulators put their control channel on P+1)."""
    for _ in range(50):
        with socket.socket() as a:
            a.bind(("127.0.0.1", 0))
            port = a.getsockname()[1]
            try:
                with socket.socket() as b:
                    b.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return int(port)
    raise AssertionError("no two adjacent free ports on 127.0.0.1")


def _accounts(path: Path) -> dict[str, str]:
    rows = [line.split() for line in path.read_text(encoding="utf-8").splitlines()]
    return {row[0]: row[2] for row in rows if row and not row[0].startswith("#")}


def test_demo_runs_a_whole_branch_and_stops_cleanly(tmp_path: Path) -> None:
    port, printer, panel = _free_pair(), _free_pair(), _free_pair()
    data = tmp_path / "demo"
    branchq = [sys.executable, "-m", "branchq_cli"]
    ports = ["--port", str(port), "--printer-port", str(printer), "--panel-port", str(panel)]
    demo = subprocess.Popen(
        [*branchq, "demo", "--data-dir", str(data), *ports, "--exit-after", "120"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    output: list[str] = []
    assert demo.stdout is not None
    reader = threading.Thread(target=lambda: output.extend(demo.stdout or []), daemon=True)
    reader.start()
    try:
        wait_until(
            lambda: any(line.startswith("ready:") for line in output),
            timeout_s=60,
            what="the demo's ready line",
        )
        assert "DEMO SETUP" in output[0]
        accounts = _accounts(data / "DEMO-ACCOUNTS.txt")
        assert set(accounts) >= {"demo-admin", "teller3", "kiosk-1", "panel-bridge"}
        assert len(set(accounts.values())) == len(accounts), "every secret is its own"

        # the kiosk's tap, through the CLI the README shows
        where = ["--server", f"http://127.0.0.1:{port}", "--printer", f"tcp://127.0.0.1:{printer}"]
        tap = subprocess.run(
            [*branchq, "kiosk", "issue", "A", *where],
            env={**os.environ, "BRANCHQ_DEVICE_TOKEN": accounts["kiosk-1"]},
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert tap.returncode == 0, tap.stdout + tap.stderr
        assert "A001" in tap.stdout
        receipt = data / "receipts" / "receipt-0001.txt"
        wait_until(receipt.exists, what="the printed receipt")
        assert "A001" in receipt.read_text(encoding="utf-8")

        base = f"http://127.0.0.1:{port}/api/v1"
        with httpx.Client(base_url=base, timeout=10) as client:
            login = client.post(
                "/auth/login", json={"username": "teller3", "password": accounts["teller3"]}
            )
            assert login.status_code == 200, login.text
            auth = {"Authorization": f"Bearer {login.json()['token']}"}
            assert client.post("/counters/3/open", headers=auth).status_code == 200
            called = client.post("/counters/3/call-next", headers=auth).json()
        assert called["ticket"]["number"] == "A001"

        def panel_3_shows_a001() -> bool:
            state = json.loads(send_control(f"127.0.0.1:{panel + 1}", "state"))
            return bool(state["3"]["text"].startswith("A001"))

        wait_until(panel_3_shows_a001, timeout_s=20, what="panel 3 to show A001")
    finally:
        demo.send_signal(signal.SIGINT)
        code = demo.wait(timeout=30)
        reader.join(timeout=5)
        demo.stdout.close()
    assert code == 0, "".join(output)
    assert output[-1].strip() == "demo stopped"
    for p in (port, printer, panel):  # nothing it started still listens
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", p)) != 0, f"port {p} still open"


def test_a_taken_port_is_named_before_anything_starts(tmp_path: Path) -> None:
    port, printer, panel = _free_pair(), _free_pair(), _free_pair()
    data = tmp_path / "demo"
    with socket.socket() as holder:  # another program listens on the panel control port
        holder.bind(("127.0.0.1", panel + 1))
        holder.listen()
        ports = ["--port", str(port), "--printer-port", str(printer), "--panel-port", str(panel)]
        result = subprocess.run(
            [sys.executable, "-m", "branchq_cli", "demo", "--data-dir", str(data), *ports],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2
    assert "ready:" not in result.stdout and "started" not in result.stdout
    err = result.stderr
    assert f"port {panel + 1} (the panel emulator's control channel) is already in use" in err
    assert "nothing was started" in err and "Ctrl-C in its terminal" in err
    assert "deploy/dev.sh run --port " in err  # a set of free ports to use instead
    assert not data.exists()  # not even the data directory


def test_two_roles_on_one_port_are_refused(tmp_path: Path) -> None:
    port = _free_pair()
    ports = ["--port", str(port), "--printer-port", str(port - 1), "--panel-port", str(port + 5)]
    result = subprocess.run(
        [sys.executable, "-m", "branchq_cli", "demo", "--data-dir", str(tmp_path / "d"), *ports],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert f"port {port} is given to the server and the printer emulator's control" in result.stderr


def test_demo_opens_the_kiosk_counter_rating_pad_and_lobby_windows(tmp_path: Path) -> None:
    """With a display (here Qt's offscreen platform and --gui) the demo opens the four windows:
    the counter terminal signs teller3 in at counter 3, the kiosk, counter 3's rating pad and the
    lobby subscribe; the manager reaches the console; closing the demo closes them."""
    port, printer, panel = _free_pair(), _free_pair(), _free_pair()
    data = tmp_path / "demo"
    ports = ["--port", str(port), "--printer-port", str(printer), "--panel-port", str(panel)]
    demo = subprocess.Popen(
        [sys.executable, "-m", "branchq_cli", "demo", "--data-dir", str(data), *ports, "--gui"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "QT_QPA_PLATFORM": "offscreen"},
    )
    output: list[str] = []
    assert demo.stdout is not None
    reader = threading.Thread(target=lambda: output.extend(demo.stdout or []), daemon=True)
    reader.start()
    try:
        wait_until(
            lambda: sum("window (pid" in line for line in output) == 4,
            timeout_s=90,
            what="four windows opened",
        )
        accounts = _accounts(data / "DEMO-ACCOUNTS.txt")
        base = f"http://127.0.0.1:{port}/api/v1"
        with httpx.Client(base_url=base, timeout=10) as client:
            login = client.post(
                "/auth/login", json={"username": "demo-admin", "password": accounts["demo-admin"]}
            )
            auth = {"Authorization": f"Bearer {login.json()['token']}"}

            def counter_3() -> dict[str, object]:
                rows = client.get("/counters", headers=auth).json()
                return next(row for row in rows if row["counter_number"] == 3)

            wait_until(
                lambda: counter_3()["state"] == "OPEN", timeout_s=60, what="counter 3 opened"
            )
            assert counter_3()["teller"], "the terminal signed a teller in"
            tech = client.post(
                "/auth/login", json={"username": "demo-tech", "password": accounts["demo-tech"]}
            )
            tech_auth = {"Authorization": f"Bearer {tech.json()['token']}"}

            def kiosk_reported() -> bool:
                devices = client.get("/devices", headers=tech_auth).json()
                kiosk = next(d for d in devices if d["name"] == "kiosk-1")
                return kiosk["last_heartbeat_at"] is not None and kiosk["status"] == "OK"

            wait_until(kiosk_reported, timeout_s=60, what="the kiosk's heartbeat, printer OK")
            manager = client.post(
                "/auth/login",
                json={"username": "demo-manager", "password": accounts["demo-manager"]},
            )
            assert manager.status_code == 200, manager.text
            assert manager.json()["role"] == "manager"
        for name in ("lobby", "rating-3"):
            log = data / f"{name}.log"
            wait_until(
                lambda log=log: log.exists() and "subscribed" in log.read_text(errors="replace"),
                timeout_s=60,
                what=f"the {name} window subscribed to the event stream",
            )
        assert "windows not opened" not in "".join(output)
    finally:
        demo.send_signal(signal.SIGINT)
        code = demo.wait(timeout=60)
        reader.join(timeout=5)
        demo.stdout.close()
    assert code == 0, "".join(output)
    assert output[-1].strip() == "demo stopped"


def test_demo_without_a_display_says_how_to_open_the_windows(tmp_path: Path) -> None:
    port, printer, panel = _free_pair(), _free_pair(), _free_pair()
    ports = ["--port", str(port), "--printer-port", str(printer), "--panel-port", str(panel)]
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    demo = [sys.executable, "-m", "branchq_cli", "demo", "--data-dir", str(tmp_path / "d")]
    run = subprocess.run(
        [*demo, *ports, "--exit-after", "0.5"],
        capture_output=True,
        text=True,
        timeout=90,
        env={**env, "PYTHONUNBUFFERED": "1"},
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "windows not opened (no display on this machine)" in run.stdout
    for command in (
        "kiosk run --config",
        "counter run --config",
        "rate run --config",
        "lobby run --config",
    ):
        assert command in run.stdout
    assert f"http://127.0.0.1:{port}/console" in run.stdout
    assert f"http://127.0.0.1:{port}/api/v1/appointments/book" in run.stdout
    assert "BRANCHQ_COUNTER_PASSWORD=$(awk" in run.stdout, "no secret printed, only where it is"
    assert (tmp_path / "d" / "counter-3.toml").read_text().count("counter = 3") == 1


def test_an_older_demo_directory_gains_the_accounts_it_lacks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A data directory made before the manager and the rating pad existed keeps its secrets and
    gains the new accounts (the demo would otherwise stop on a missing token)."""
    from branchq_cli import demo as demo_cli

    older_users = [u for u in demo_cli._USERS if u[0] != "demo-manager"]
    older_devices = [d for d in demo_cli._DEVICES if d[0] != "rating-3"]
    with monkeypatch.context() as m:
        m.setattr(demo_cli, "_USERS", older_users)
        m.setattr(demo_cli, "_DEVICES", older_devices)
        before = demo_cli._ensure_accounts(tmp_path)
    assert "demo-manager" not in before and "rating-3" not in before
    after = demo_cli._ensure_accounts(tmp_path)
    assert {k: after[k] for k in before} == before, "old secrets kept"
    assert set(after) - set(before) == {"demo-manager", "rating-3"}
    assert _accounts(tmp_path / "DEMO-ACCOUNTS.txt") == after
    assert demo_cli._ensure_accounts(tmp_path) == after, "nothing created twice"
