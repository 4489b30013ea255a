"""Alembic environment: every table module is imported so its tables are in the metadata.

The server runs migrations programmatically (``server.store.db.migrate``) and passes its
connection in ``config.attributes["connection"]``; the alembic CLI works too with
``-x url=...``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine
from sqlmodel import SQLModel

# registers every table with SQLModel.metadata
import server.store.alert_tables
import server.store.appointment_tables
import server.store.audit_tables
import server.store.auth_tables
import server.store.device_tables
import server.store.feedback_tables
import server.store.tables  # noqa: F401

target_metadata = SQLModel.metadata
config = context.config


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite needs batch mode to alter tables
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise SystemExit("no database url: pass -x url=sqlite:///path/branchq.sqlite3")
    engine = create_engine(url)
    with engine.begin() as conn:
        _run(conn)


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run against a database")
run_migrations_online()
