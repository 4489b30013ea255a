"""`branchq demo`: run a whole demo branch on this machine, with no hardware.

Starts, as child processes on 127.0.0.1: the ESC/POS printer emulator, the RS-485 panel
emulator (six panels, Modbus), the branch server on SQLite with the demo branch, and the panel
bridge; with a display (or --gui), the kiosk, the counter terminal of counter 3 (teller3
signed in) and a speaking lobby display. On first start in a data directory it creates a
clearly-labelled DEMO setup: an admin, six tellers and a technician with random passwords,
and kiosk / display / panel-bridge device tokens, all written to DATA_DIR/DEMO-ACCOUNTS.txt.
Ctrl-C stops everything.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ACCOUNTS_FILE = "DEMO-ACCOUNTS.txt"
_USERS = [("demo-admin", "admin"), ("demo-manager", "manager"), ("demo-tech", "technician")] + [
    (f"teller{n}", "teller") for n in range(1, 7)
]
_DEVICES = [
    ("kiosk-1", "kiosk"),
    ("lobby-display", "display"),
    ("panel-bridge", "panel_bridge"),
    ("rating-3", "rating_pad"),
]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="run a demo branch: server on SQLite, printer and panel emulators, panel bridge, and "
        "the kiosk, counter 3 and lobby windows when there is a display",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--data-dir", type=Path, default=Path("var/demo"), help="default var/demo")
    parser.add_argument("--port", type=int, default=8000, help="server port (default 8000)")
    parser.add_argument("--printer-port", type=int, default=9100, help="default 9100")
    parser.add_argument("--panel-port", type=int, default=7001, help="default 7001")
    parser.add_argument(
        "--exit-after", type=float, default=None, help="stop after this many seconds (for tests)"
    )
    gui = parser.add_mutually_exclusive_group()
    gui.add_argument(
        "--no-gui",
        dest="gui",
        action="store_false",
        default=None,
        help="headless: no kiosk, counter terminal or lobby window even when there is a display",
    )
    gui.add_argument(
        "--gui",
        dest="gui",
        action="store_true",
        help="open the windows even when no display is detected (e.g. QT_QPA_PLATFORM=offscreen)",
    )
    parser.set_defaults(handler=run)


def _ports(port: int, printer: int, panel: int) -> dict[str, int]:
    return {
        "the server": port,
        "the printer emulator": printer,
        "the printer emulator's control channel": printer + 1,
        "the panel emulator": panel,
        "the panel emulator's control channel": panel + 1,
    }


def _check_ports(args: argparse.Namespace) -> bool:
    """Every port the demo needs is free, or say which is not and what to do (nothing started)."""
    from branchq_cli.ports import all_free, check_ports

    problems = check_ports(_ports(args.port, args.printer_port, args.panel_port))
    if not problems:
        return True
    print("branchq demo: cannot start, nothing was started:", file=sys.stderr)
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    print(
        "  Another demo (deploy/dev.sh run, branchq demo) or another program holds it: stop "
        "that one (Ctrl-C in its terminal; `ss -ltnp` shows which process listens where), or "
        "run this demo on other ports:",
        file=sys.stderr,
    )
    for shift in range(10, 200, 10):
        ports = (args.port + shift, args.printer_port + shift, args.panel_port + shift)
        if not check_ports(_ports(*ports)) and all_free(list(_ports(*ports).values())):
            options = (
                f"--port {ports[0]} --printer-port {ports[1]} --panel-port {ports[2]} "
                f"--data-dir {args.data_dir}-{ports[0]}"
            )
            print(f"    deploy/dev.sh run {options}", file=sys.stderr)
            print(f"    (or: branchq demo {options})", file=sys.stderr)
            break
    return False


def run(args: argparse.Namespace) -> int:
    if not _check_ports(args):
        return 2
    data_dir: Path = args.data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    accounts = _ensure_accounts(data_dir)
    site_file = _write_site_file(data_dir, args)
    base_url = f"http://127.0.0.1:{args.port}"
    branchq = [sys.executable, "-m", "branchq_cli"]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    children: list[subprocess.Popen[bytes]] = []
    windows: list[subprocess.Popen[bytes]] = []

    def start(name: str, argv: list[str], extra_env: dict[str, str] | None = None) -> None:
        log = open(data_dir / f"{name}.log", "ab")  # noqa: SIM115 - kept open for the child
        proc = subprocess.Popen(
            argv, stdout=log, stderr=subprocess.STDOUT, env={**env, **(extra_env or {})}
        )
        children.append(proc)
        print(f"  started {name} (pid {proc.pid}, log {data_dir / (name + '.log')})")

    stop_requested = False

    def on_signal(_sig: int, _frame: Any) -> None:
        nonlocal stop_requested
        stop_requested = True

    # SIGINT too: a demo started in the background by a script ignores it by default
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, on_signal)
    try:
        print("branchq demo branch - DEMO SETUP, not for production")
        start(
            "printer-emulator",
            [
                *branchq,
                "emulate",
                "printer",
                "--port",
                str(args.printer_port),
                "--control-port",
                str(args.printer_port + 1),
                "--out-dir",
                str(data_dir / "receipts"),
            ],
        )
        start(
            "panel-emulator",
            [
                *branchq,
                "emulate",
                "panel",
                "--port",
                str(args.panel_port),
                "--control-port",
                str(args.panel_port + 1),
                "--addresses",
                "1-6",
            ],
        )
        start(
            "server",
            [
                *branchq,
                "serve",
                "--port",
                str(args.port),
                "--data-dir",
                str(data_dir),
                "--public-base-url",
                base_url,
            ],
        )
        if not _wait_healthy(base_url, timeout_s=30, children=children):
            print("the server did not become healthy; see the logs above", file=sys.stderr)
            return 1
        if _has_command("panel-bridge"):
            start(
                "panel-bridge",
                [*branchq, "panel-bridge", "--config", str(site_file)],
                {"BRANCHQ_DEVICE_TOKEN": accounts["panel-bridge"]},
            )
        _print_walkthrough(base_url, data_dir, args)
        windows = _start_windows(args, data_dir, base_url, site_file, accounts, env)
        deadline = None if args.exit_after is None else time.monotonic() + args.exit_after
        while not stop_requested:
            if deadline is not None and time.monotonic() >= deadline:
                break
            dead = [p for p in children if p.poll() is not None]
            if dead:
                print(f"a demo process exited (pid {dead[0].pid}); stopping", file=sys.stderr)
                return 1
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass
    finally:
        _stop(children + windows)  # windows first
    return 0


def _start_windows(
    args: argparse.Namespace,
    data_dir: Path,
    base_url: str,
    site_file: Path,
    accounts: dict[str, str],
    env: dict[str, str],
) -> list[subprocess.Popen[bytes]]:
    """Open the kiosk, counter 3 and the lobby display (a closed window leaves the demo up)."""
    from branchq_cli import demo_gui

    configs = demo_gui.write_configs(data_dir, server_url=base_url, site_file=site_file)
    wins = demo_gui.windows(configs, accounts, data_dir / ACCOUNTS_FILE)
    show = demo_gui.display_available() if args.gui is None else args.gui
    if not show:
        why = "--no-gui" if args.gui is False else "no display on this machine"
        print(
            f"\nwindows not opened ({why}); from the repository root, open them with:\n"
            + demo_gui.how_to_open(wins),
            flush=True,
        )
        return []
    if not (demo_gui.VOICE_PACK / "manifest.toml").exists():
        print(f"  generating the lobby's voice pack in {demo_gui.VOICE_PACK} (espeak-ng)...")
        subprocess.run(
            [sys.executable, "-m", "branchq_cli", "lobby", "make-voice-pack", demo_gui.VOICE_PACK],
            check=False,
            stdout=subprocess.DEVNULL,
        )
    started = []
    for win in wins:
        log = open(data_dir / f"{win.name}.log", "ab")  # noqa: SIM115 - kept open for the child
        proc = subprocess.Popen(
            win.argv, stdout=log, stderr=subprocess.STDOUT, env={**env, **win.env}
        )
        started.append(proc)
        print(f"  opened {win.name} window (pid {proc.pid}, log {data_dir / (win.name + '.log')})")
    return started


def _ensure_accounts(data_dir: Path) -> dict[str, str]:
    """Create the demo users and device tokens once; return name -> password or token.

    A data directory from an older demo gains the accounts it lacks (a manager, a rating pad).
    """
    path = data_dir / ACCOUNTS_FILE
    known = _read_accounts(path) if path.exists() else {}
    users = [(name, role) for name, role in _USERS if name not in known]
    devices = [(name, role) for name, role in _DEVICES if name not in known]
    if not users and not devices:
        return known
    from datetime import UTC, datetime

    from server.config import Settings
    from server.services.devices import register_device
    from server.services.users import create_user
    from server.store.db import make_engine, migrate, write_session

    settings = Settings(data_dir=data_dir)
    engine = make_engine(settings.resolved_database_url)
    migrate(engine)
    now = datetime.now(UTC)
    secrets_by_name = dict(known)
    lines = (
        path.read_text(encoding="utf-8").splitlines()
        if path.exists()
        else [
            "# branchq DEMO accounts - created by `branchq demo`, for trying the demo only.",
            "# name  role  password-or-token",
        ]
    )
    with write_session(engine) as session:
        for username, role in users:
            password = secrets.token_urlsafe(9)
            create_user(
                session,
                username=username,
                password=password,
                role=role,
                now=now,
                display_name=f"Demo {username}",
            )
            secrets_by_name[username] = password
            lines.append(f"{username}  {role}  {password}")
        for name, role in devices:
            _device, token = register_device(session, name=name, role=role, now=now)
            secrets_by_name[name] = token
            lines.append(f"{name}  {role}  {token}")
    engine.dispose()
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o600)
    return secrets_by_name


def _read_accounts(path: Path) -> dict[str, str]:
    result: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name, _role, secret = line.split()
        result[name] = secret
    return result


def _write_site_file(data_dir: Path, args: argparse.Namespace) -> Path:
    template = Path(__file__).resolve().parents[1] / "deploy" / "site-demo.toml"
    text = template.read_text(encoding="utf-8")
    text = text.replace("127.0.0.1:8000", f"127.0.0.1:{args.port}")
    text = text.replace("127.0.0.1:9100", f"127.0.0.1:{args.printer_port}")
    text = text.replace("127.0.0.1:7001", f"127.0.0.1:{args.panel_port}")
    path = data_dir / "site.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _has_command(name: str) -> bool:
    """True when the `branchq` subcommand module for ``name`` is present."""
    import importlib.util

    module = {"panel-bridge": "branchq_cli.bridge"}[name]
    return importlib.util.find_spec(module) is not None


def _wait_healthy(
    base_url: str, *, timeout_s: float, children: list[subprocess.Popen[bytes]]
) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in children):
            return False
        try:
            with urllib.request.urlopen(f"{base_url}/api/v1/healthz", timeout=1) as resp:
                if resp.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def _stop(children: list[subprocess.Popen[bytes]]) -> None:
    for proc in reversed(children):
        if proc.poll() is None:
            proc.terminate()
    for proc in reversed(children):
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    print("demo stopped")


def _print_walkthrough(base_url: str, data_dir: Path, args: argparse.Namespace) -> None:
    accounts = data_dir / ACCOUNTS_FILE
    print(
        f"""
ready: server {base_url} (API docs {base_url}/docs)
  printer emulator tcp://127.0.0.1:{args.printer_port} (faults: port {args.printer_port + 1}),
    receipts in {data_dir / "receipts"}
  panel emulator socket://127.0.0.1:{args.panel_port} (state and faults: port {args.panel_port + 1})
  DEMO accounts and device tokens: {accounts}
  manager's console {base_url}/console (user demo-manager, password in the accounts file)
  book an appointment (phone page) {base_url}/api/v1/appointments/book
Try it (see README.md "Walk through a ticket"). Ctrl-C stops the demo.""",
        flush=True,
    )
