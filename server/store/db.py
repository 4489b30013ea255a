"""Engines, sessions and migrations.

SQLite (the default): WAL journal, ``synchronous=FULL`` (a ticket the client got an answer for
survives a power cut), a busy timeout, and write transactions opened with ``BEGIN IMMEDIATE``
so two processes never interleave a read-then-write (call-next, numbering). PostgreSQL via
psycopg (``postgresql+psycopg://...``): row locks (``FOR UPDATE``) do the same job.

Use ``write_session(engine)`` for every use case that changes data and ``read_session(engine)``
for read-only ones (``write_connection(engine)``: the same write transaction without the ORM).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlmodel import Session

from server.store.errors import StoreError

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_WRITE_OPTION = "branchq_write"


def make_engine(database_url: str, *, busy_timeout_ms: int = 10_000) -> Engine:
    """An engine for ``database_url`` (``sqlite:///file`` or ``postgresql+psycopg://...``)."""
    try:
        url = make_url(database_url)
    except Exception as exc:
        raise StoreError(
            f"database url {database_url!r} is not a valid URL; expected e.g. "
            "'sqlite:///var/branchq.sqlite3' or 'postgresql+psycopg://user@host/db'"
        ) from exc
    backend = url.get_backend_name()
    if backend == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
            pool_size=16,
            max_overflow=16,
        )
        _configure_sqlite(engine, busy_timeout_ms)
        return engine
    if backend == "postgresql":
        return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)
    raise StoreError(
        f"database url {database_url!r}: unsupported backend {backend!r}; "
        "expected one of ['postgresql', 'sqlite']"
    )


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see _on_begin)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        write = conn.get_execution_options().get(_WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


_writer_locks: WeakKeyDictionary[Engine, threading.RLock] = WeakKeyDictionary()
_writer_locks_guard = threading.Lock()


def _writer_lock(engine: Engine) -> threading.RLock | None:
    """SQLite has one writer: threads of one process queue on this lock instead of polling
    in SQLite's busy handler (which sleeps up to 100 ms per try). Re-entrant, so a nested
    write session in one thread fails on SQLite's busy timeout instead of hanging."""
    if engine.dialect.name != "sqlite":
        return None
    with _writer_locks_guard:
        lock = _writer_locks.get(engine)
        if lock is None:
            lock = _writer_locks[engine] = threading.RLock()
        return lock


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session whose transaction takes the write lock at once (SQLite ``BEGIN IMMEDIATE``).

    Commits on success, rolls back on any exception.
    """
    lock = _writer_lock(engine)
    with contextlib.ExitStack() as stack:
        if lock is not None:
            stack.enter_context(lock)
        options = engine.execution_options(**{_WRITE_OPTION: True})
        with Session(options, expire_on_commit=False) as s:
            try:
                yield s
                s.commit()
            except BaseException:
                s.rollback()
                raise


@contextmanager
def write_connection(engine: Engine) -> Iterator[Connection]:
    """``write_session`` without the ORM, for hot paths that run Core statements: a
    connection in a write transaction (SQLite ``BEGIN IMMEDIATE``, this process's writer lock
    held). Commits on success (unless committed already: ``conn.commit()`` inside is fine),
    rolls back on any exception.

    ORM work may join it with ``Session(bind=conn, join_transaction_mode=
    "conditional_savepoint")``; the connection's commit is the one that counts.
    """
    with writer_connection(engine) as conn, write_transaction(conn):
        yield conn


def writer_connection(engine: Engine) -> Connection:
    """A connection for ``write_transaction``: one a dedicated writer may keep open (its
    pages stay cached and it skips the pool); close it when done."""
    return engine.execution_options(**{_WRITE_OPTION: True}).connect()


@contextmanager
def write_transaction(conn: Connection) -> Iterator[Connection]:
    """A write transaction on ``conn`` (from ``writer_connection``), as ``write_connection``
    opens one: this process's writer lock, then ``BEGIN IMMEDIATE`` on SQLite."""
    if not conn.get_execution_options().get(_WRITE_OPTION, False):
        raise StoreError("write_transaction needs a connection from writer_connection()")
    lock = _writer_lock(conn.engine)
    with contextlib.ExitStack() as stack:
        if lock is not None:
            stack.enter_context(lock)
        transaction = conn.begin()
        try:
            yield conn
            if transaction.is_active:
                transaction.commit()
        except BaseException:
            if transaction.is_active:
                transaction.rollback()
            raise


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A read-only session (a plain deferred transaction)."""
    with Session(engine, expire_on_commit=False) as s:
        yield s


def alembic_config(database_url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the database schema to the newest revision (``alembic upgrade head``)."""
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.execution_options(**{_WRITE_OPTION: True}).begin() as conn:
        if conn.dialect.name == "postgresql":  # one migrating process at a time
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(4242001)")
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
