"""`branchq appointments ...`: staff book, list and cancel appointments through the server.

    branchq appointments book SERVICE START --contact TEXT [--language zh|en]
                                                 START: the slot's local time, 2026-12-01T10:30
    branchq appointments list [--day 2026-12-01]  the day's bookings and their states
    branchq appointments cancel CODE              e.g. K7PX-3M9Q

Signs in as an admin, manager or teller: --server (default $BRANCHQ_SERVER_URL, else
http://127.0.0.1:8000), --username (default $BRANCHQ_ADMIN_USER), the password from
--password-env VAR, --password-stdin, or asked. Contacts are stored and shown masked.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from branchq_cli._login import add_login_options, run_signed_in

COMMAND = "branchq appointments"


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "appointments", help="appointments (预约): book, list, cancel (admin, manager or teller)"
    )
    parser.set_defaults(handler=lambda _args: (parser.print_help(), 2)[1])
    sub = parser.add_subparsers(dest="appointments_command", metavar="ACTION")

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = sub.add_parser(name, help=help_text)
        add_login_options(p, who="admin, manager or teller user")
        p.set_defaults(handler=lambda args: _run(name, args))
        return p

    p = add("book", "book a slot for a customer; prints the booking code and manage link")
    p.add_argument("service", help="service code, e.g. A")
    p.add_argument("start", help="the slot's start in the branch's local time, 2026-12-01T10:30")
    p.add_argument("--contact", required=True, help="the customer's name or phone (kept masked)")
    p.add_argument("--language", choices=["zh", "en"], default="zh")
    p = add("list", "a day's appointments with their states (default today)")
    p.add_argument("--day", help="local date, e.g. 2026-12-01")
    p = add("cancel", "cancel a booking by its code")
    p.add_argument("code", help="booking code, e.g. K7PX-3M9Q")


def _run(action: str, args: argparse.Namespace) -> int:
    return run_signed_in(args, COMMAND, lambda secret: _act(action, args, secret))


async def _act(action: str, args: argparse.Namespace, secret: str) -> int:
    from zoneinfo import ZoneInfo

    from branchq_client.rest import BranchApi
    from server.contract.appointments import BookingCreate

    async with BranchApi(args.server, timeout_s=10.0) as api:
        await api.login(args.username, secret)
        if action == "book":
            branch = await api.branch()
            start = _local(args.start, ZoneInfo(branch.timezone))
            created = await api.book_appointment(
                BookingCreate(
                    service_code=args.service,
                    start=start,
                    contact=args.contact,
                    language=args.language,
                )
            )
            print(_line(created.booking))
            print(f"manage link (cancel or move): {created.manage_url}")
        elif action == "list":
            day = await api.appointments_on(args.day)
            counts = ", ".join(f"{s.value} {n}" for s, n in day.counts.items())
            print(f"{day.day}: {counts}")
            for booking in day.appointments:
                print(_line(booking))
        else:
            print(_line(await api.cancel_appointment(args.code)))
    return 0


def _local(text: str, zone: Any) -> datetime:
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"start {text!r}: expected a local time like 2026-12-01T10:30") from None
    return at if at.tzinfo is not None else at.replace(tzinfo=zone)


def _line(b: Any) -> str:
    """``K7PX-3M9Q  2026-12-01 10:30-11:00  A Personal  BOOKED  138****5678  phone``"""
    ticket = f"  ticket {b.ticket_number}" if b.ticket_number else ""
    return (
        f"{b.code_display}  {b.label}  {b.service_code} {b.service_name.en}  "
        f"{b.state.value:<10}  {b.contact}  {b.booked_by}{ticket}"
    )
