"""The demo's windows: a kiosk, counter 3's terminal and rating pad, and a speaking lobby display.

``branchq demo`` writes one config file per window into its data directory (pointing at the
demo's own ports and site file) and, when the machine has a display, starts each window as a
child process. Closing a window does not stop the demo. Without a display it prints the
commands that open the same windows later (or on a machine with a screen).
"""

from __future__ import annotations

import os
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VOICE_PACK = REPO / "var" / "voice" / "default"


@dataclass(frozen=True)
class Window:
    name: str  # also the log file's name
    argv: list[str]
    env: dict[str, str]  # secrets passed to the child by environment, never on its command line
    shown_env: str  # how the printed command gets the same secret


def display_available() -> bool:
    """A screen to open windows on (X11 or Wayland); ``--gui`` opens them regardless."""
    return any(os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY"))


def write_configs(data_dir: Path, *, server_url: str, site_file: Path) -> dict[str, Path]:
    """kiosk.toml, counter-3.toml, rating-3.toml and lobby.toml for this demo (rewritten at every
    start)."""
    files = {
        "kiosk": (
            data_dir / "kiosk.toml",
            f"""# written by `branchq demo` (see deploy/kiosk-example.toml for every key)
[server]
url = "{server_url}"
token_env = "BRANCHQ_DEVICE_TOKEN"

[screen]
language = "zh"
orientation = "portrait"

[printer]
site = "{site_file.name}"
id = "kiosk-1-printer"
""",
        ),
        "counter": (
            data_dir / "counter-3.toml",
            f"""# written by `branchq demo` (see deploy/counter-example.toml for every key)
server_url = "{server_url}"
counter = 3
language = "zh"
fullscreen = false
username = "teller3"
password_env = "BRANCHQ_COUNTER_PASSWORD"   # demo only: signs teller3 in without the dialog
""",
        ),
        "rating": (
            data_dir / "rating-3.toml",
            f"""# written by `branchq demo` (see deploy/rating-example.toml for every key)
counter = 3
name = "rating-3"

[server]
url = "{server_url}"
token_env = "BRANCHQ_DEVICE_TOKEN"

[screen]
language = "zh"
orientation = "landscape"
""",
        ),
        "lobby": (
            data_dir / "lobby.toml",
            f"""# written by `branchq demo` (see deploy/lobby-example.toml for every key)
name = "lobby-display"

[server]
url = "{server_url}"
token_env = "BRANCHQ_DEVICE_TOKEN"

[screen]
orientation = "landscape"

[voice]
speak = true
languages = ["zh", "en"]
output = "default://"
pack = "{VOICE_PACK.as_posix()}"
""",
        ),
    }
    for path, text in files.values():
        path.write_text(text, encoding="utf-8")
    return {name: path for name, (path, _text) in files.items()}


def windows(
    configs: dict[str, Path], accounts: dict[str, str], accounts_file: Path
) -> list[Window]:
    branchq = [sys.executable, "-m", "branchq_cli"]

    def from_accounts(name: str) -> str:
        return f"$(awk '$1==\"{name}\"{{print $3}}' {shlex.quote(str(accounts_file))})"

    return [
        Window(
            "kiosk",
            [*branchq, "kiosk", "run", "--config", str(configs["kiosk"]), "--windowed"],
            {"BRANCHQ_DEVICE_TOKEN": accounts["kiosk-1"]},
            f"BRANCHQ_DEVICE_TOKEN={from_accounts('kiosk-1')}",
        ),
        Window(
            "counter-3",
            [*branchq, "counter", "run", "--config", str(configs["counter"]), "--windowed"],
            {"BRANCHQ_COUNTER_PASSWORD": accounts["teller3"]},
            f"BRANCHQ_COUNTER_PASSWORD={from_accounts('teller3')}",
        ),
        Window(
            "rating-3",
            [*branchq, "rate", "run", "--config", str(configs["rating"]), "--windowed"],
            {"BRANCHQ_DEVICE_TOKEN": accounts["rating-3"]},
            f"BRANCHQ_DEVICE_TOKEN={from_accounts('rating-3')}",
        ),
        Window(
            "lobby",
            [*branchq, "lobby", "run", "--config", str(configs["lobby"]), "--windowed"],
            {"BRANCHQ_DEVICE_TOKEN": accounts["lobby-display"]},
            f"BRANCHQ_DEVICE_TOKEN={from_accounts('lobby-display')}",
        ),
    ]


def how_to_open(wins: list[Window]) -> str:
    """The commands that open the windows from a shell at the repository root."""
    lines = []
    for win in wins:
        argv = [".venv/bin/branchq", *win.argv[3:]]
        lines.append(f"    {win.shown_env} {shlex.join(argv)}")
    return "\n".join(lines)
