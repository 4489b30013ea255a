"""Appending to the audit chain inside the action's own transaction, and reading it back.

``add(session, ...)`` only notes the entry on the session; the entries are chained and
written just before that session's transaction commits (a ``before_commit`` hook), so:

- an action that commits has its entries in the same transaction (never one without the
  other), and one that rolls back leaves none (the noted entries are dropped with it);
- the chain's head row is locked for the shortest time, at the very end of the transaction,
  after every other lock the use case took (no lock-order deadlock on PostgreSQL);
- whatever commit a use case does (its own ``session.commit()`` before publishing, or the
  ``write_session`` block's), the entries go with the first commit after ``add``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, event, insert, update
from sqlalchemy.orm import SessionTransaction
from sqlmodel import Session, col, select

from server.domain.audit import GENESIS_HASH, Acting, Actor, Entry, chained, details_json
from server.store.audit_tables import AuditEntry, AuditHead
from server.store.raw import prepared

_PENDING = "branchq_audit_pending"
HEAD_ID = 1
_ENTRY = AuditEntry.__table__  # type: ignore[attr-defined]
_HEAD = AuditHead.__table__  # type: ignore[attr-defined]
_HEAD_FOR_UPDATE = select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == HEAD_ID).with_for_update()
_SAVE_HEAD = (
    update(_HEAD).where(_HEAD.c.id == HEAD_ID).values(seq=bindparam("seq"), hash=bindparam("hash"))
)
_INSERT_ENTRY = insert(_ENTRY)
_ENTRY_COLUMNS = (
    "seq",
    "at",
    "business_day",
    "actor_kind",
    "actor_id",
    "actor_name",
    "actor_role",
    "action",
    "subject",
    "details",
    "prev_hash",
    "hash",
)


def add(
    session: Session,
    by: Acting,
    action: str,
    subject: str,
    details: Mapping[str, Any] | None = None,
) -> None:
    """Note an entry; it is written with the session's next commit, dropped on rollback.

    Details are checked now (plain JSON, small), so a bad one fails the action itself.
    """
    text = details_json(details)
    session.info.setdefault(_PENDING, []).append((by, action, subject[:128], text))


def _pending(session: Session) -> list[tuple[Acting, str, str, str]]:
    found: list[tuple[Acting, str, str, str]] = session.info.pop(_PENDING, [])
    return found


@event.listens_for(Session, "before_commit")
def _write_pending(session: Session) -> None:
    pending = _pending(session)
    if pending:
        append(session, pending)


@event.listens_for(Session, "after_transaction_end")
def _drop_pending(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended: committed or not
        session.info.pop(_PENDING, None)


def append(session: Session, pending: list[tuple[Acting, str, str, str]]) -> int:
    """Chain ``pending`` after the head (locked) and insert them; returns the new head seq."""
    conn = session.connection()  # prepared statements on the session's transaction
    head = prepared(_HEAD_FOR_UPDATE, conn).rows(conn, {})
    if not head:  # a database made before the audit migration's head row (never, normally)
        conn.execute(insert(_HEAD).values(id=HEAD_ID, seq=0, hash=GENESIS_HASH))
        seq, prev = 0, GENESIS_HASH
    else:
        seq, prev = int(head[0][0]), str(head[0][1])
    rows: list[dict[str, Any]] = []
    for by, action, subject, text in pending:
        seq += 1
        entry = chained(
            Entry(
                seq=seq,
                at=by.at,
                business_day=by.day,
                actor=by.actor,
                action=action,
                subject=subject,
                details=json.loads(text),
            ),
            prev_hash=prev,
        )
        rows.append(_row(entry, text))
        prev = entry.hash
    prepared(_INSERT_ENTRY, conn, column_keys=_ENTRY_COLUMNS).many(conn, rows)
    prepared(_SAVE_HEAD, conn).rows(conn, {"seq": seq, "hash": prev})
    return seq


def _row(entry: Entry, details_text: str) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "at": entry.at,
        "business_day": entry.business_day,
        "actor_kind": entry.actor.kind,
        "actor_id": entry.actor.id,
        "actor_name": entry.actor.name,
        "actor_role": entry.actor.role,
        "action": entry.action,
        "subject": entry.subject,
        "details": details_text,
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
    }


# ---- reading ---------------------------------------------------------------------------------


def to_entry(row: AuditEntry) -> Entry:
    """The stored row as the domain sees it; details that are not a JSON object (edited in
    the database) are kept as text, so the hash check reports the entry, not a crash."""
    try:
        details = json.loads(row.details)
    except ValueError:
        details = None
    if not isinstance(details, dict):
        details = {"unreadable details": row.details}
    return Entry(
        seq=row.seq,
        at=row.at,
        business_day=row.business_day,
        actor=Actor(row.actor_kind, row.actor_id, row.actor_name, row.actor_role),
        action=row.action,
        subject=row.subject,
        details=details,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


def head(session: Session) -> tuple[int, str] | None:
    """The recorded head: (seq, hash); None before the head row exists."""
    row = session.execute(
        select(AuditHead.seq, AuditHead.hash).where(col(AuditHead.id) == HEAD_ID)
    ).first()
    return None if row is None else (row.seq, row.hash)


def entries_from(session: Session, *, after_seq: int, limit: int) -> list[Entry]:
    """Up to ``limit`` entries with seq > after_seq, in seq order (for verifying in pages)."""
    rows = session.exec(
        select(AuditEntry)
        .where(col(AuditEntry.seq) > after_seq)
        .order_by(col(AuditEntry.seq))
        .limit(limit)
    ).all()
    return [to_entry(r) for r in rows]


def iter_all(session: Session, *, page: int = 1000) -> Iterator[Entry]:
    after = 0
    while True:
        batch = entries_from(session, after_seq=after, limit=page)
        yield from batch
        if len(batch) < page:
            return
        after = batch[-1].seq


def search(
    session: Session,
    *,
    limit: int,
    before_seq: int | None = None,
    since: datetime | None = None,
    actor: str | None = None,
    action: str | None = None,
) -> list[Entry]:
    """Entries newest first, filtered; ``before_seq`` pages back from a seq."""
    query = select(AuditEntry)
    if before_seq is not None:
        query = query.where(col(AuditEntry.seq) < before_seq)
    if since is not None:
        query = query.where(col(AuditEntry.at) >= since)
    if actor is not None:
        query = query.where(col(AuditEntry.actor_name) == actor)
    if action is not None:  # "ticket.finish", or a group: "ticket" is every "ticket.*"
        if "." in action:
            query = query.where(col(AuditEntry.action) == action)
        else:
            query = query.where(col(AuditEntry.action).startswith(f"{action}."))
    rows = session.exec(query.order_by(col(AuditEntry.seq).desc()).limit(limit)).all()
    return [to_entry(r) for r in rows]
