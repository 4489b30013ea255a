"""Registers a group of subcommands whose modules each expose add_arguments() and run()."""

from __future__ import annotations

import argparse
from types import ModuleType
from typing import Any


def register_group(
    subparsers: Any, name: str, help_text: str, members: dict[str, tuple[ModuleType, str]]
) -> None:
    """Add ``branchq NAME MEMBER ...``; members maps a subcommand to (module, help)."""
    group = subparsers.add_parser(name, help=help_text, description=help_text)
    group_sub = group.add_subparsers(dest=f"{name}_command", metavar="DEVICE")
    group.set_defaults(handler=lambda _args: _usage(group))
    for member, (module, member_help) in members.items():
        parser = group_sub.add_parser(member, help=member_help, description=member_help)
        module.add_arguments(parser)
        parser.set_defaults(handler=module.run)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2
