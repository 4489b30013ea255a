"""`branchq complaints ...`: work the customers' complaints through the running server.

    branchq complaints list [--open]             overdue first, then open by due time
    branchq complaints take ID [--owner NAME]    take it yourself, or assign it
    branchq complaints resolve ID --note TEXT    close it with what was done

Signs in as an admin or a manager: --server (default $BRANCHQ_SERVER_URL, else
http://127.0.0.1:8000), --username (default $BRANCHQ_ADMIN_USER), the password from
--password-env VAR, --password-stdin, or asked. Phone numbers are shown masked, whole only to
the complaint's owner.
"""

from __future__ import annotations

import argparse
from typing import Any

from branchq_cli._login import add_login_options, run_signed_in

COMMAND = "branchq complaints"


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "complaints", help="customers' complaints: list, take, resolve (admin or manager)"
    )
    parser.set_defaults(handler=lambda _args: (parser.print_help(), 2)[1])
    sub = parser.add_subparsers(dest="complaints_command", metavar="ACTION")

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = sub.add_parser(name, help=help_text)
        add_login_options(p, who="admin or manager user")
        p.set_defaults(handler=lambda args: _run(name, args))
        return p

    p = add("list", "overdue complaints first, then open ones by due time, then resolved")
    p.add_argument("--open", action="store_true", help="only the unresolved ones")
    p = add("take", "take a complaint (in progress, yours) or assign it with --owner")
    p.add_argument("id", type=int)
    p.add_argument("--owner", help="assign it to this admin or manager")
    p = add("resolve", "close a complaint with a note of what was done")
    p.add_argument("id", type=int)
    p.add_argument("--note", required=True, help="what was done (up to 1000 characters)")


def _run(action: str, args: argparse.Namespace) -> int:
    return run_signed_in(args, COMMAND, lambda secret: _act(action, args, secret))


async def _act(action: str, args: argparse.Namespace, secret: str) -> int:
    from branchq_client.rest import BranchApi

    async with BranchApi(args.server, timeout_s=10.0) as api:
        await api.login(args.username, secret)
        if action == "list":
            found = await api.complaints(include_resolved=not args.open)
            if not found:
                print("no complaints")
            for c in found:
                print(_line(c))
        elif action == "take":
            print(_line(await api.take_complaint(args.id, args.owner)))
        else:
            print(_line(await api.resolve_complaint(args.id, args.note)))
    return 0


def _line(c: Any) -> str:
    """``TS-0003  OVERDUE  open         due 2026-11-30 10:00  A012 counter 3 (alice) ...``"""
    flag = "OVERDUE" if c.overdue else "       "
    about = f"{c.ticket_number or '-'} counter {c.counter_number or '-'} ({c.teller or '-'})"
    parts = [
        f"{c.reference}  {flag}  {c.state.value:<11}  due {c.due_at:%Y-%m-%d %H:%M}Z",
        f"{about}  {c.category_label.en}",
    ]
    if c.rating_score is not None:
        parts.append(f"rated {c.rating_score}/5")
    if c.owner:
        parts.append(f"owner {c.owner}")
    if c.phone or c.phone_masked:
        parts.append(f"phone {c.phone or c.phone_masked}")
    text = f"\n    {c.text}" if c.text else ""
    note = f"\n    resolved: {c.resolution_note}" if c.resolution_note else ""
    return "  ".join(parts) + text + note
