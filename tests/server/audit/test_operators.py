"""``branchq admin`` on the database is audited under the operator's OS account; the head
is written to the server log at each rollover (an anchor outside the database)."""

from __future__ import annotations

import getpass
import io
import logging
from pathlib import Path

import pytest

from branchq_cli.main import main
from server.branchfile import load_branch
from server.config import DEMO_BRANCH_FILE
from server.services import audit
from server.services.context import BranchContext
from server.services.rollover import rollover
from server.services.tickets import issue_ticket
from server.store.db import make_engine
from tests.server.audit.fill import fill, sqlite_url
from tests.server.core.conftest import Clock


def test_admin_commands_are_audited_with_the_operator(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = ["--data-dir", str(tmp_path)]
    monkeypatch.setattr("sys.stdin", io.StringIO("very secret 42\n"))
    assert (
        main(["admin", "create-user", "chief", "--role", "admin", "--password-stdin", *data]) == 0
    )
    monkeypatch.setattr("sys.stdin", io.StringIO("very secret 43\n"))
    assert main(["admin", "reset-password", "chief", "--password-stdin", *data]) == 0
    assert main(["admin", "create-device", "kiosk-1", "--role", "kiosk", *data]) == 0
    assert main(["admin", "rotate-device", "kiosk-1", "--grace-s", "0", *data]) == 0
    assert main(["admin", "revoke-device", "kiosk-1", *data]) == 0
    assert main(["admin", "list-users", *data]) == 0  # a read: not audited
    capsys.readouterr()
    engine = make_engine(sqlite_url(tmp_path))
    try:
        entries = list(reversed(audit.list_entries(engine)))
        assert audit.verify(engine).intact
    finally:
        engine.dispose()
    assert [(e.action, e.subject) for e in entries] == [
        ("user.create", "user:chief"),
        ("user.password_reset", "user:chief"),
        ("device.register", "device:kiosk-1"),
        ("device.rotate_token", "device:kiosk-1"),
        ("device.revoke", "device:kiosk-1"),
    ]
    operator = getpass.getuser()
    assert {(e.actor.kind, e.actor.name, e.actor.role) for e in entries} == {
        ("cli", operator, "admin")
    }
    assert main(["audit", "log", *data, "--actor", operator]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1 + 5


def test_the_head_is_logged_at_each_rollover(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    made = fill(sqlite_url(tmp_path), customers=1)
    clock = Clock()
    engine = make_engine(sqlite_url(tmp_path))
    ctx = BranchContext(engine=engine, config=load_branch(DEMO_BRANCH_FILE), clock=clock)
    try:
        issue_ticket(ctx, service_code="A")  # records today's business day
        head = audit.current_head(engine)
        assert head.seq == made
        with caplog.at_level(logging.INFO, logger="server.services.audit"):
            rollover(ctx)  # the same day: nothing
            assert caplog.messages == []
            clock.advance(days=1)
            rollover(ctx)
        assert caplog.messages == [f"audit chain head (new business day 2026-11-30): {head}"]
    finally:
        engine.dispose()
