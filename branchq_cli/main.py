"""`branchq` entry point.

Each subcommand lives in its own module under ``branchq_cli`` and exposes
``register(subparsers)``; modules are imported only when listed here, and each
module imports its heavy dependencies inside its handlers so `branchq --help`
stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# subcommand module names, in the order they appear in --help
_COMMAND_MODULES = (
    "demo",
    "serve",
    "admin",
    "kiosk",
    "counter",
    "emulate",
    "diag",
    "bridge",
    "lobby",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="branchq",
        description="branchq: queue ticketing for bank branches",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(f"branchq_cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"branchq_cli.{name}":
                continue  # not built yet
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    result = handler(args)
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
