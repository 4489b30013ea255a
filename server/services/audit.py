"""The audit trail's use cases: record an action in its own transaction, list, verify.

    audit.record(session, by, AuditAction.FINISH, "ticket:<public id>", {"counter": 3})

``record`` is called inside the use case's write transaction, before its commit; the entry
is chained and written with that commit and dropped if it rolls back
(``server.store.audit``). A refused action (a 4xx answer) therefore leaves no entry: its
transaction rolls back. The one exception by design is a failed login, recorded as
``auth.login_failed`` in the transaction that counts the failure.

What is audited: every teller action, every admin action (users, devices, branch settings,
emergency switches, device token rotation) through the API or ``branchq admin``, logins
(success and failure) and logouts. Not audited: issuing tickets at kiosks (the public fast
path; the ticket table holds every ticket with its time and device), device heartbeats and
reads.
"""

from __future__ import annotations

import getpass
import logging
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from server.auth.principal import Principal
from server.domain.audit import Acting, Actor, Anchor, AuditAction, ChainChecker, ChainReport, Entry
from server.domain.desk import TellerAt
from server.services.context import BranchContext
from server.store import audit as store
from server.store.db import read_session

__all__ = [
    "Acting",
    "Actor",
    "AuditAction",
    "acting",
    "actor_of",
    "by_or_setup",
    "cli_actor",
    "current_head",
    "list_entries",
    "log_head",
    "record",
    "staff",
    "teller",
    "verify",
]

_log = logging.getLogger(__name__)
VERIFY_PAGE = 2000
LIST_LIMIT_MAX = 500


def record(
    session: Session,
    by: Acting,
    action: AuditAction,
    subject: str,
    details: Mapping[str, Any] | None = None,
) -> None:
    """Append an entry with this session's commit (none if it rolls back)."""
    store.add(session, by, action.value, subject, details)


def by_or_setup(by: Acting | None, now: datetime) -> Acting:
    """``by``, or the branch's own setup (a direct call without an actor: the demo's
    accounts, test fixtures) as system actor "setup"."""
    return by if by is not None else Acting.system("setup", now)


def actor_of(principal: Principal) -> Actor:
    return Actor(principal.kind, principal.id, principal.name, principal.role.value)


def acting(principal: Principal, at: datetime, day: date) -> Acting:
    return Acting(actor_of(principal), at, day)


def staff(ctx: BranchContext, principal: Principal) -> Acting:
    """A signed-in user acting now, on the branch's business day."""
    now = ctx.now()
    return Acting(actor_of(principal), now, ctx.business_day(now))


def teller(at: TellerAt, now: datetime, day: date) -> Acting:
    """A teller acting at a counter (only tellers act at counters)."""
    return Acting(Actor("user", at.user_id, at.name, "teller"), now, day)


def cli_actor() -> Actor:
    """An operator at the server machine (``branchq admin``), by their OS account."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (a container's arbitrary uid)
        name = "unknown"
    return Actor("cli", None, name[:128], "admin")


def verify(engine: Engine, *, anchors: Iterable[Anchor] = ()) -> ChainReport:
    """Read the whole chain (in pages, one read transaction) and check it against its
    recorded head and any ``anchors`` kept elsewhere."""
    checker = ChainChecker(anchors)
    with read_session(engine) as session:
        recorded = store.head(session)
        after = 0
        while True:
            batch = store.entries_from(session, after_seq=after, limit=VERIFY_PAGE)
            if not all(checker.feed(e) for e in batch) or len(batch) < VERIFY_PAGE:
                break
            after = batch[-1].seq
    head_seq, head_hash = recorded if recorded is not None else (None, None)
    return checker.finish(head_seq=head_seq, head_hash=head_hash)


def current_head(engine: Engine) -> Anchor:
    """The recorded head (seq 0 and the genesis hash when nothing was recorded yet)."""
    with read_session(engine) as session:
        recorded = store.head(session)
    return Anchor(*recorded) if recorded is not None else Anchor(0, "0" * 64)


def log_head(engine: Engine, *, why: str) -> Anchor:
    """Write the head to the server log (an anchor outside the database); returns it."""
    anchor = current_head(engine)
    _log.info("audit chain head (%s): %s", why, anchor)
    return anchor


def list_entries(
    engine: Engine,
    *,
    limit: int = 100,
    before_seq: int | None = None,
    since: datetime | None = None,
    actor: str | None = None,
    action: str | None = None,
) -> list[Entry]:
    """Entries newest first (``before_seq``: the page before that seq)."""
    limit = max(1, min(limit, LIST_LIMIT_MAX))
    with read_session(engine) as session:
        return store.search(
            session, limit=limit, before_seq=before_seq, since=since, actor=actor, action=action
        )
