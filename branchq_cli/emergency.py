"""`branchq admin emergency ...`: stop and resume the whole branch through its server.

    branchq admin emergency on --zh TEXT --en TEXT [--pause] [--drill]
    branchq admin emergency off
    branchq admin emergency status
    branchq admin emergency log [--limit 20]

Unlike the other admin commands (straight on the database), these go through the running
server (``POST /api/v1/admin/emergency/on|off``) so every kiosk, counter terminal, lobby
display and phone page is told at once, and the switch is logged under the name of the admin
or manager who made it.
Options: --server (default $BRANCHQ_SERVER_URL, else http://127.0.0.1:8000), --username
(default $BRANCHQ_ADMIN_USER), the password from --password-env VAR, --password-stdin, or asked.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from branchq_cli._login import add_login_options, fill_defaults, password


def register(admin_sub: Any) -> None:
    parser: argparse.ArgumentParser = admin_sub.add_parser(
        "emergency", help="emergency mode / service pause: stop and resume issuing tickets"
    )
    parser.set_defaults(handler=lambda _args: _usage(parser))
    sub = parser.add_subparsers(dest="emergency_command", metavar="ACTION")

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = sub.add_parser(name, help=help_text)
        add_login_options(p, who="admin or manager user")
        p.set_defaults(handler=lambda args: _run(name, args))
        return p

    p = add("on", "stop issuing tickets with a notice on every screen (again: new notice)")
    p.add_argument("--zh", required=True, help="the notice in Simplified Chinese")
    p.add_argument("--en", required=True, help="the notice in English")
    p.add_argument("--pause", action="store_true", help="a service pause, not an emergency")
    p.add_argument("--drill", action="store_true", help="a practice run (kept in the log)")
    add("off", "resume issuing tickets")
    add("status", "show whether the branch is stopped, since when, by whom")
    p = add("log", "every switch on and off, newest first")
    p.add_argument("--limit", type=int, default=20)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _run(action: str, args: argparse.Namespace) -> int:
    from branchq_client.errors import ClientError

    fill_defaults(args)
    if not args.username:
        print("branchq admin emergency: give --username (or $BRANCHQ_ADMIN_USER)", file=sys.stderr)
        return 2
    try:
        return asyncio.run(_act(action, args, password(args, "branchq admin emergency")))
    except ClientError as exc:
        print(f"branchq admin emergency: {exc}", file=sys.stderr)
        return 1


async def _act(action: str, args: argparse.Namespace, password: str) -> int:
    from pydantic import ValidationError

    from branchq_client.rest import BranchApi
    from server.contract.common import Bilingual
    from server.contract.emergency import (
        EmergencyKind,
        EmergencyOn,
        EmergencyStatus,
        EmergencySwitchOut,
    )

    async with BranchApi(args.server, timeout_s=10.0) as api:
        await api.login(args.username, password)
        if action == "on":
            try:
                body = EmergencyOn(
                    notice=Bilingual(zh=args.zh, en=args.en),
                    kind=EmergencyKind.PAUSE if args.pause else EmergencyKind.EMERGENCY,
                    drill=args.drill,
                )
            except ValidationError as exc:
                problems = "; ".join(e["msg"] for e in exc.errors())
                print(f"branchq admin emergency: {problems}", file=sys.stderr)
                return 2
            _print_status(await api.post_model("/admin/emergency/on", body, EmergencyStatus))
        elif action == "off":
            _print_status(await api.post_model("/admin/emergency/off", None, EmergencyStatus))
        elif action == "status":
            _print_status(await api.get_model("/admin/emergency", EmergencyStatus))
        else:
            limit = max(1, min(args.limit, 500))
            entries = await api.get_model(
                f"/admin/emergency/log?limit={limit}", list[EmergencySwitchOut]
            )
            for e in entries:
                notice = f"  {e.notice.zh} / {e.notice.en}" if e.notice else ""
                drill = " drill" if e.drill else ""
                print(f"{e.at.isoformat()}  {e.action:<3}  {e.kind}{drill}  by {e.by}{notice}")
    return 0


def _print_status(status: Any) -> None:
    if not status.active:
        print("issuing: normal")
        return
    drill = " (drill)" if status.drill else ""
    print(f"issuing: STOPPED ({status.kind}{drill}) since {status.since} by {status.by}")
    print(f"notice zh: {status.notice.zh}")
    print(f"notice en: {status.notice.en}")
