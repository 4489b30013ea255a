"""Signing in to the running server from a command (``branchq admin emergency``,
``branchq complaints``): the options and the password, asked or read, never on the command line.

Options: --server (default $BRANCHQ_SERVER_URL, else http://127.0.0.1:8000), --username
(default $BRANCHQ_ADMIN_USER), the password from --password-env VAR, --password-stdin, or asked.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Awaitable, Callable

DEFAULT_SERVER = "http://127.0.0.1:8000"


def add_login_options(parser: argparse.ArgumentParser, *, who: str = "admin user") -> None:
    parser.add_argument("--server", help=f"branch server URL (default {DEFAULT_SERVER})")
    parser.add_argument("--username", help=f"{who} (default $BRANCHQ_ADMIN_USER)")
    parser.add_argument("--password-env", metavar="VAR", help="environment variable with it")
    parser.add_argument("--password-stdin", action="store_true", help="read it from stdin")


def fill_defaults(args: argparse.Namespace) -> None:
    """--server and --username from the environment when not given."""
    args.server = args.server or os.environ.get("BRANCHQ_SERVER_URL") or DEFAULT_SERVER
    args.username = args.username or os.environ.get("BRANCHQ_ADMIN_USER")


def password(args: argparse.Namespace, command: str) -> str:
    if args.password_env:
        value = os.environ.get(args.password_env)
        if not value:
            raise SystemExit(f"{command}: ${args.password_env} is not set")
        return value
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    return getpass.getpass(f"password for {args.username}: ")


def run_signed_in(
    args: argparse.Namespace, command: str, act: Callable[[str], Awaitable[int]]
) -> int:
    """Fill the defaults, ask for the password, run ``act(password)``; a refusal of the server
    is printed in its words with exit code 1, a bad argument (ValueError) with 2."""
    from branchq_client.errors import ClientError

    fill_defaults(args)
    if not args.username:
        print(f"{command}: give --username (or $BRANCHQ_ADMIN_USER)", file=sys.stderr)
        return 2
    try:
        return asyncio.run(act(password(args, command)))
    except ClientError as exc:
        print(f"{command}: {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"{command}: {exc}", file=sys.stderr)
        return 2
