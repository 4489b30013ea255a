"""Migrations build exactly the tables the models describe; the branch file is applied only
when it changed, so admin edits survive a restart."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine
from sqlmodel import Session, SQLModel, select

# importing the table modules registers every table on SQLModel.metadata
import server.store.alert_tables
import server.store.appointment_tables
import server.store.auth_tables
import server.store.device_tables
import server.store.feedback_tables
from server.branchfile import load_branch
from server.domain.model import BranchConfig
from server.store.db import make_engine, migrate, write_session
from server.store.seed import sync_branch
from server.store.tables import CounterSkill, Service

DEMO = Path(__file__).resolve().parents[3] / "server" / "demo_branch.toml"

TABLE_MODULES = (
    server.store.alert_tables,
    server.store.appointment_tables,
    server.store.auth_tables,
    server.store.device_tables,
    server.store.feedback_tables,
)


def _engine(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'branchq.sqlite3'}")
    migrate(engine)
    return engine


def test_migrations_match_the_models(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    engine.dispose()
    assert diffs == []


def _service_a(engine: Engine) -> Service:
    with Session(engine) as session:
        return session.exec(select(Service).where(Service.code == "A")).one()


def test_admin_edits_survive_a_restart_with_the_same_branch_file(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    config = load_branch(DEMO)
    with write_session(engine) as session:
        assert sync_branch(session, config=config) is True
    assert _service_a(engine).name_en == "Personal"

    with write_session(engine) as session:  # what PATCH /admin/services/A does
        row = session.exec(select(Service).where(Service.code == "A")).one()
        row.name_en = "Personal banking"
        row.daily_cap = 300
        session.add(row)

    with write_session(engine) as session:  # a restart with the same file
        assert sync_branch(session, config=load_branch(DEMO)) is False
    kept = _service_a(engine)
    assert (kept.name_en, kept.daily_cap) == ("Personal banking", 300)
    engine.dispose()


def test_a_changed_branch_file_is_applied(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    config = load_branch(DEMO)
    with write_session(engine) as session:
        sync_branch(session, config=config)
    with write_session(engine) as session:
        row = session.exec(select(Service).where(Service.code == "A")).one()
        row.name_en = "edited by an admin"
        session.add(row)

    first, *rest = config.services
    counter1 = dataclasses.replace(config.counters[0], weights={"A": 2.0})
    changed: BranchConfig = dataclasses.replace(
        config,
        services=(dataclasses.replace(first, name_en="Retail"), *rest),
        counters=(counter1, *config.counters[1:]),
    )
    with write_session(engine) as session:
        assert sync_branch(session, config=changed) is True
    assert _service_a(engine).name_en == "Retail"
    with Session(engine) as session:
        skills = session.exec(select(CounterSkill).where(CounterSkill.counter_number == 1)).all()
    assert [(s.service_code, s.weight) for s in skills] == [("A", 2.0)]
    engine.dispose()
