"""`branchq counter run --config counter.toml`: the counter terminal (PyQt6)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    counter = subparsers.add_parser("counter", help="the teller's counter terminal (a window)")
    sub = counter.add_subparsers(dest="counter_command", metavar="ACTION")
    run = sub.add_parser(
        "run",
        help="open the counter terminal",
        description="Open the counter terminal described by a TOML file (see "
        "deploy/counter-example.toml). The teller signs in in the window; for an unattended "
        "demo, --username with --password-env or --password-file signs in without asking.",
    )
    run.add_argument("--config", required=True, type=Path, help="the terminal's TOML file")
    run.add_argument("--windowed", action="store_true", help="a 1280x800 window, not full screen")
    run.add_argument("--server", help="branch server URL (overrides server_url)")
    run.add_argument("--counter", type=int, help="counter number (overrides counter)")
    run.add_argument("--language", choices=["zh", "en"], help="screen language (overrides)")
    run.add_argument("--username", help="teller to sign in (overrides username)")
    run.add_argument(
        "--password-env", metavar="VAR", help="environment variable holding the password"
    )
    run.add_argument(
        "--password-file", metavar="PATH", help="file whose first line is the password"
    )
    run.set_defaults(handler=_run)
    counter.set_defaults(handler=lambda _a: (counter.print_help(), 2)[1])


def _run(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from counter_display.terminal.config import CounterConfigError, load_config

    try:
        config = load_config(args.config)
        overrides = {
            key: value
            for key, value in (
                ("server_url", args.server),
                ("counter", args.counter),
                ("language", args.language),
                ("username", args.username),
                ("password_env", args.password_env),
                ("password_file", args.password_file),
            )
            if value is not None
        }
        if overrides:
            config = config.model_validate({**config.model_dump(), **overrides})
        config.password()  # a password file that cannot be read is refused before the window
    except (CounterConfigError, ValidationError) as exc:
        print(f"counter terminal: {exc}", file=sys.stderr)
        return 2
    from counter_display.terminal.app import run

    return run(config, windowed=args.windowed)
