"""`branchq` entry point.

Each subcommand lives in its own module under ``branchq_cli`` and exposes
``register(subparsers)``; the list below names them (a new command adds its module here).
Each module imports its heavy dependencies inside its handlers so `branchq --help` stays
fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from branchq_cli import (
    admin,
    appointments,
    audit,
    bridge,
    complaints,
    counter,
    demo,
    diag,
    emulate,
    kiosk,
    lobby,
    rate,
    report,
    serve,
    simulate,
)

# subcommand modules, in the order they appear in --help
_COMMAND_MODULES = (
    demo,
    serve,
    admin,
    report,
    audit,
    kiosk,
    counter,
    rate,
    emulate,
    diag,
    bridge,
    lobby,
    complaints,
    appointments,
    simulate,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="branchq",
        description="branchq: queue ticketing for bank branches",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _COMMAND_MODULES:
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
