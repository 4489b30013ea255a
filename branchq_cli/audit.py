"""`branchq audit ...`: read and check the audit trail, straight on the branch database.

    branchq audit verify [--anchor SEQ:HASH ...]   exit 0 intact, 1 broken (names the entry)
    branchq audit log [--since 2026-11-30] [--actor teller3] [--action ticket] [--limit 50]
    branchq audit head                              prints SEQ:HASH, to keep somewhere else

Every command takes --data-dir and --database-url like ``branchq admin``. ``--anchor`` is a
head printed earlier (by ``branchq audit head``, or the server's log line at each rollover):
the chain must still hold that entry with that hash, which a rewrite of the whole chain by
someone with write access to the database cannot fake.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from branchq_cli import admin

if TYPE_CHECKING:
    from sqlalchemy import Engine


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "audit", help="the audit trail: verify its hash chain, list entries"
    )
    parser.set_defaults(handler=lambda _args: _usage(parser))
    sub = parser.add_subparsers(dest="audit_command", metavar="ACTION")

    def add(name: str, help_text: str, handler: Any) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = sub.add_parser(name, help=help_text)
        p.add_argument("--data-dir", help="the server's data directory (as branchq serve)")
        p.add_argument("--database-url", help="SQLAlchemy URL (default: SQLite in data dir)")
        p.set_defaults(handler=lambda args: _run(handler, args))
        return p

    p = add("verify", "check the hash chain; exit 1 and the first broken entry if broken", _verify)
    p.add_argument(
        "--anchor",
        action="append",
        default=[],
        metavar="SEQ:HASH",
        help="a head kept elsewhere (branchq audit head); may be given several times",
    )
    p = add("log", "list entries (the newest, oldest first)", _log)
    p.add_argument("--since", help="from this UTC time or date (2026-11-30 or ISO 8601)")
    p.add_argument("--actor", help="only this actor (username, device or OS account)")
    p.add_argument("--action", help="only this action (ticket.finish) or group (ticket)")
    p.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    add("head", "print the chain's head as SEQ:HASH (keep it to detect a rewrite later)", _head)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _run(handler: Any, args: argparse.Namespace) -> int:
    from server.auth.errors import AuthError
    from server.store.errors import StoreError

    try:
        engine, _ = admin._engine(args)
        try:
            result: int = handler(engine, args)
        finally:
            engine.dispose()
    except (AuthError, StoreError, admin.AdminCommandError, ValueError) as exc:
        print(f"branchq audit: {exc}", file=sys.stderr)
        return 2
    return result


def _verify(engine: Engine, args: argparse.Namespace) -> int:
    from server.domain.audit import Anchor
    from server.services.audit import verify

    anchors = [Anchor.parse(text) for text in args.anchor]
    report = verify(engine, anchors=anchors)
    if report.intact:
        anchored = f"; {len(anchors)} anchor(s) match" if anchors else ""
        print(
            f"audit chain intact: {report.entries} entries, head "
            f"{report.head_seq}:{report.head_hash}{anchored}"
        )
        return 0
    print(f"audit chain BROKEN at entry {report.broken_seq}: {report.problem}")
    print(
        f"entries 1-{report.head_seq} check out; nothing from entry {report.broken_seq} on "
        "can be trusted"
        if report.head_seq
        else f"nothing from entry {report.broken_seq} on can be trusted"
    )
    return 1


def _since(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        when = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(
            f"--since {text!r}: expected a date (2026-11-30) or an ISO time (2026-11-30T08:00:00Z)"
        ) from exc
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _log(engine: Engine, args: argparse.Namespace) -> int:
    from server.domain.audit import details_json
    from server.services.audit import list_entries

    if not 1 <= args.limit <= 500:
        raise ValueError(f"--limit {args.limit}: expected 1 to 500")
    entries = list_entries(
        engine, limit=args.limit, since=_since(args.since), actor=args.actor, action=args.action
    )
    rows = [
        (
            str(e.seq),
            e.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            e.business_day.isoformat(),
            f"{e.actor.name} ({e.actor.role or e.actor.kind})",
            e.action,
            e.subject,
            details_json(e.details),
        )
        for e in reversed(entries)
    ]
    admin._table(("SEQ", "TIME (UTC)", "DAY", "ACTOR", "ACTION", "SUBJECT", "DETAILS"), rows)
    return 0


def _head(engine: Engine, args: argparse.Namespace) -> int:
    from server.services.audit import current_head

    print(current_head(engine))
    return 0
