"""`branchq admin ...`: users and device tokens, straight on the branch database.

    branchq admin create-user USERNAME --role admin|manager|teller|technician [--password-stdin]
    branchq admin reset-password USERNAME [--password-stdin]
    branchq admin list-users
    branchq admin create-device NAME --role kiosk|display|panel_bridge   (prints the token once)
    branchq admin rotate-device NAME [--grace-s 3600]   (prints the new token once)
    branchq admin revoke-device NAME
    branchq admin list-devices
    branchq admin emergency on|off|status|log   (through the server: see branchq_cli/emergency)

Every command takes --data-dir and --database-url (else BRANCHQ_* environment variables, else
the defaults of the server's settings) and brings the schema up to date first, as the server
does. There is no default password: the first admin is made with create-user.

Pointed at a data directory that does not exist, every command refuses (a typo or a missing
--data-dir would otherwise make an empty database the server never reads). In an existing
directory without a database, create-user and create-device make one (and say so: the first
admin of a new branch); the other commands refuse, as there is nothing to list or change.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from branchq_cli import emergency

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from server.domain.audit import Acting

USER_ROLES = ("admin", "manager", "teller", "technician")
DEVICE_ROLES = ("kiosk", "display", "panel_bridge", "rating_pad")


class AdminCommandError(Exception):
    """A command that cannot be carried out; the message is printed, exit code 1."""


def register(subparsers: Any) -> None:
    admin = subparsers.add_parser("admin", help="manage users and device tokens")
    admin.set_defaults(handler=lambda _args: _usage(admin))
    sub = admin.add_subparsers(dest="admin_command", metavar="ACTION")

    def add(
        name: str, help_text: str, handler: Any, *, creates: bool = False
    ) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = sub.add_parser(name, help=help_text)
        parser.add_argument(
            "--data-dir",
            help="the server's data directory, as given to branchq serve (default: "
            "$BRANCHQ_DATA_DIR, else ./var); it must exist",
        )
        parser.add_argument("--database-url", help="SQLAlchemy URL (default: SQLite in data dir)")
        parser.set_defaults(handler=lambda args: _run(handler, args, creates=creates))
        return parser

    p = add(
        "create-user",
        "create a user (admin, manager, teller, technician)",
        _create_user,
        creates=True,
    )
    p.add_argument("username")
    p.add_argument("--role", required=True, choices=USER_ROLES)
    p.add_argument("--display-name", default="")
    p.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    p = add("reset-password", "set a new password (ends the user's sessions)", _reset_password)
    p.add_argument("username")
    p.add_argument("--password-stdin", action="store_true")
    add("list-users", "list users", _list_users)
    p = add(
        "create-device",
        "register a device and print its token (shown once)",
        _create_device,
        creates=True,
    )
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=DEVICE_ROLES)
    p.add_argument("--heartbeat-interval", type=int, default=30, help="seconds (default 30)")
    p = add(
        "rotate-device",
        "give a device a new token (printed once); the old one works for a grace period",
        _rotate_device,
    )
    p.add_argument("name")
    p.add_argument(
        "--grace-s",
        type=int,
        default=3600,
        help="seconds the old token keeps working (default 3600; 0 = ends now)",
    )
    p = add("revoke-device", "revoke a device's token", _revoke_device)
    p.add_argument("name")
    add("list-devices", "list devices and their health", _list_devices)
    emergency.register(sub)  # through the running server, not the database


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _run(handler: Any, args: argparse.Namespace, *, creates: bool = False) -> int:
    from server.auth.errors import AuthError
    from server.store.errors import StoreError

    try:
        engine, new_database = _engine(args, creates=creates)
        try:
            result: int = handler(engine, args)
        finally:
            engine.dispose()
    except (AuthError, StoreError, AdminCommandError) as exc:
        print(f"branchq admin: {exc}", file=sys.stderr)
        return 1
    if new_database is not None:
        print(
            f"branchq admin: created a new branch database {new_database}; start the server "
            f"with --data-dir {new_database.parent}",
            file=sys.stderr,
        )
    return result


def branch_engine(args: argparse.Namespace) -> Engine:
    """The engine on an existing branch database (``--data-dir`` / ``--database-url``, as
    the admin commands take them); AdminCommandError when there is none."""
    return _engine(args)[0]


def _engine(args: argparse.Namespace, *, creates: bool = False) -> tuple[Engine, Path | None]:
    """The engine on the branch database, and the database file when this made it."""
    from pydantic import ValidationError
    from sqlalchemy.engine import make_url

    from server.config import Settings
    from server.store.db import make_engine, migrate

    overrides: dict[str, Any] = {}
    if args.data_dir:
        overrides["data_dir"] = args.data_dir
    if args.database_url:
        overrides["database_url"] = args.database_url
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        raise AdminCommandError(f"settings are not valid: {exc}") from exc
    new_database = None
    if not settings.database_url:  # the SQLite file in the data directory
        database = Path(make_url(settings.resolved_database_url).database or "")
        _check_data_dir(settings.data_dir, database, args, creates=creates)
        new_database = None if database.exists() else database
    engine = make_engine(
        settings.resolved_database_url, busy_timeout_ms=settings.db_busy_timeout_ms
    )
    migrate(engine)
    return engine, new_database


def _check_data_dir(
    data_dir: Path, database: Path, args: argparse.Namespace, *, creates: bool
) -> None:
    """Refuse a data directory that does not exist; say when a new database is made."""
    import os

    if args.data_dir:
        source = "--data-dir"
    elif os.environ.get("BRANCHQ_DATA_DIR"):
        source = "BRANCHQ_DATA_DIR"
    else:
        source = "the default data directory (no --data-dir given)"
    where = f"{data_dir} ({data_dir.resolve()})" if not data_dir.is_absolute() else str(data_dir)
    if not data_dir.is_dir():
        raise AdminCommandError(
            f"data directory {where}, from {source}, does not exist. Give --data-dir the "
            "directory the server runs with (branchq serve --data-dir ...), e.g. "
            "--data-dir /var/lib/branchq; for a new branch create it first "
            "(install -d -o branchq /var/lib/branchq). Nothing was created."
        )
    if not database.exists() and not creates:
        raise AdminCommandError(
            f"no branch database in {where} (from {source}): there is nothing to list or "
            "change. Is it the directory the server runs with (branchq serve --data-dir ...)?"
        )


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


def _acting(args: argparse.Namespace) -> Acting:
    """The operator at this machine (by OS account) acting now, for the audit trail; the
    business day from the branch file the server runs with (BRANCHQ_BRANCH_FILE)."""
    from pydantic import ValidationError

    from server.branchfile import load_branch
    from server.config import Settings
    from server.domain.audit import Acting
    from server.domain.errors import ConfigError
    from server.domain.numbering import business_day
    from server.services.audit import cli_actor

    now = _now()
    try:
        config = load_branch(Settings().branch_file)
    except (ConfigError, ValidationError) as exc:
        raise AdminCommandError(f"branch file: {exc}") from exc
    return Acting(cli_actor(), now, business_day(now, config.rollover, config.timezone))


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise AdminCommandError("no password on standard input; expected one line")
        return password
    first = getpass.getpass("password: ")
    second = getpass.getpass("password again: ")
    if first != second:
        raise AdminCommandError("the two passwords differ; nothing was changed")
    return first


def _create_user(engine: Engine, args: argparse.Namespace) -> int:
    from server.services.users import create_user, new_password_hash
    from server.store.db import write_session

    password = _read_password(args.password_stdin)
    password_hash = new_password_hash(password, username=args.username)
    by = _acting(args)
    with write_session(engine) as session:
        user = create_user(
            session,
            username=args.username,
            password_hash=password_hash,
            role=args.role,
            display_name=args.display_name,
            now=by.at,
            by=by,
        )
    print(f"created {user.role} {user.username!r}")
    return 0


def _reset_password(engine: Engine, args: argparse.Namespace) -> int:
    from server.services.users import new_password_hash, reset_password
    from server.store.db import write_session

    password = _read_password(args.password_stdin)
    password_hash = new_password_hash(password, username=args.username)
    by = _acting(args)
    with write_session(engine) as session:
        user = reset_password(
            session, username=args.username, password_hash=password_hash, now=by.at, by=by
        )
    print(f"password of {user.username!r} changed; their sessions were ended")
    return 0


def _list_users(engine: Engine, args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from server.services.users import list_users

    with Session(engine) as session:
        rows = [
            (u.username, str(u.role), "disabled" if u.disabled else "active", u.display_name)
            for u in list_users(session)
        ]
    _table(("USERNAME", "ROLE", "STATE", "NAME"), rows)
    return 0


def _create_device(engine: Engine, args: argparse.Namespace) -> int:
    from server.services.devices import register_device
    from server.store.db import write_session

    by = _acting(args)
    with write_session(engine) as session:
        device, token = register_device(
            session,
            name=args.name,
            role=args.role,
            now=by.at,
            by=by,
            heartbeat_interval_s=args.heartbeat_interval,
        )
    print(f"registered {device.kind.value} {device.name!r}; its token (shown only once):")
    print(token)
    return 0


def _rotate_device(engine: Engine, args: argparse.Namespace) -> int:
    from server.services.devices import rotate_device
    from server.store.db import write_session

    by = _acting(args)
    with write_session(engine) as session:
        device, token, until = rotate_device(
            session, name=args.name, now=by.at, by=by, grace_s=args.grace_s
        )
    print(f"new token for {device.kind.value} {device.name!r} (shown only once):")
    print(token)
    print(f"the old token works until {until:%Y-%m-%d %H:%M:%S} UTC", file=sys.stderr)
    return 0


def _revoke_device(engine: Engine, args: argparse.Namespace) -> int:
    from server.services.devices import revoke_device
    from server.store.db import write_session

    by = _acting(args)
    with write_session(engine) as session:
        device = revoke_device(session, name=args.name, now=by.at, by=by)
    print(f"revoked {device.kind.value} {device.name!r}")
    return 0


def _list_devices(engine: Engine, args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from server.services.devices import list_devices

    with Session(engine) as session:
        devices = list_devices(session, now=_now(), include_revoked=True)
    rows = [
        (
            d.name,
            d.kind.value,
            "REVOKED" if d.revoked else d.status.value,
            d.last_heartbeat_at.isoformat(timespec="seconds") if d.last_heartbeat_at else "never",
            d.last_error or "",
        )
        for d in devices
    ]
    _table(("NAME", "KIND", "STATUS", "LAST HEARTBEAT", "LAST ERROR"), rows)
    return 0


def _shown(value: object) -> str:
    """``value`` as text safe for a terminal: control characters (ESC sequences, BEL, CR ...)
    written as escapes (``\\x1b``), never sent raw."""
    text = str(value)
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)


def _table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> None:
    rows = [tuple(_shown(v) for v in row) for row in rows]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
