"""`branchq` entry point.

Each subcommand lives in its own module under ``branchq_cli`` and exposes
``register(subparsers)``; the list below names them (a new command adds its module here).
Each module imports its heavy dependencies inside its handlers so `branchq --help` stays
fast.
"""

from __future__ import annotations

import argparse
import os
import select
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


# exit status when the reader of our output went away: what a shell shows for a command
# killed by SIGPIPE (128 + 13), as `yes | head` ends
CLOSED_PIPE_STATUS = 141


def main(argv: Sequence[str] | None = None) -> int:
    try:
        result = _run(argv)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's flush at exit
    except BrokenPipeError:
        if not _stdout_closed():
            raise  # a socket or another pipe of the command's own: a real error
        # `branchq simulate ... | head -3`: the reader has what it wanted. Stop quietly, and
        # point stdout at /dev/null so the interpreter's flush at exit fails no more (the
        # idiom of the Python docs' note on SIGPIPE)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return CLOSED_PIPE_STATUS
    return result


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    result = handler(args)
    return int(result or 0)


def _stdout_closed() -> bool:
    """Whether stdout is a pipe whose reading end is closed (Linux reports POLLERR then)."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return False
    poller = select.poll()
    poller.register(fd, select.POLLOUT)
    return any(events & select.POLLERR for _, events in poller.poll(0))


if __name__ == "__main__":
    sys.exit(main())
