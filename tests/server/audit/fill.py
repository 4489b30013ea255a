"""A branch database with audit entries made by the real use cases (no server needed)."""

from __future__ import annotations

from pathlib import Path

from server.branchfile import load_branch
from server.config import DEMO_BRANCH_FILE
from server.domain.audit import Acting, Actor
from server.domain.desk import TellerAt
from server.services import calls, counters, handling, users
from server.services.context import BranchContext
from server.services.tickets import issue_ticket
from server.store.db import make_engine, migrate, write_session
from server.store.seed import sync_branch
from tests.server.core.conftest import PASSWORD, START, Clock

BOSS = Actor("user", 1, "boss", "admin")


def fill(database_url: str, *, customers: int = 3) -> int:
    """Migrate and seed ``database_url``; one admin action, then a teller serves
    ``customers`` tickets. Returns the number of audit entries made."""
    engine = make_engine(database_url)
    clock = Clock()
    try:
        migrate(engine)
        ctx = BranchContext(engine=engine, config=load_branch(DEMO_BRANCH_FILE), clock=clock)
        with write_session(engine) as session:
            sync_branch(session, config=ctx.config)
            users.create_user(
                session,
                username="teller3",
                password=PASSWORD,
                role="teller",
                now=START,
                by=Acting(BOSS, START, ctx.business_day(START)),
            )
        for _ in range(customers):
            issue_ticket(ctx, service_code="A")
        at = TellerAt(3, 2, "teller3")
        counters.open_counter(ctx, at)
        for _ in range(customers):
            clock.advance(seconds=30)
            calls.call_next(ctx, at)
            handling.start(ctx, at)
            clock.advance(seconds=90)
            handling.finish(ctx, at)
        counters.close_counter(ctx, at)
        return 1 + 1 + 3 * customers + 1
    finally:
        engine.dispose()


def sqlite_url(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / 'branchq.sqlite3'}"


__all__ = ["fill", "sqlite_url"]
