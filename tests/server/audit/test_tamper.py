"""Tampering with the audit table directly in the database (as an attacker with write access
would, dropping the append-only triggers first): ``branchq audit verify`` names the first
broken entry and exits 1."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from branchq_cli.main import main
from server.domain.audit import GENESIS_HASH, Actor, Entry, chained, details_json
from server.store.audit import to_entry
from server.store.audit_tables import AuditEntry
from tests.server.audit.fill import fill, sqlite_url

ENTRIES = 12  # fill(customers=3)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    assert fill(sqlite_url(tmp_path)) == ENTRIES
    return tmp_path


@contextmanager
def attacker(data_dir: Path) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection with the append-only triggers dropped."""
    with closing(sqlite3.connect(data_dir / "branchq.sqlite3")) as db:
        for trigger in ("audit_entry_no_update", "audit_entry_no_delete"):
            db.execute(f"DROP TRIGGER {trigger}")
        yield db
        db.commit()


def verify(data_dir: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    rc = main(["audit", "verify", "--data-dir", str(data_dir), *extra])
    return rc, capsys.readouterr().out


def test_an_untouched_chain_is_intact(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out = verify(data_dir, capsys)
    assert rc == 0, out
    assert out.startswith(f"audit chain intact: {ENTRIES} entries, head {ENTRIES}:")


def test_the_triggers_refuse_update_and_delete(data_dir: Path) -> None:
    with closing(sqlite3.connect(data_dir / "branchq.sqlite3")) as db:
        with pytest.raises(sqlite3.IntegrityError, match="append-only: UPDATE refused"):
            db.execute("UPDATE audit_entry SET actor_name = 'x' WHERE seq = 3")
        with pytest.raises(sqlite3.IntegrityError, match="append-only: DELETE refused"):
            db.execute("DELETE FROM audit_entry WHERE seq = 3")
        with pytest.raises(sqlite3.IntegrityError, match="cannot be deleted"):
            db.execute("DELETE FROM audit_head")
        assert db.execute("SELECT count(*) FROM audit_entry").fetchone()[0] == ENTRIES


def test_an_edited_field_is_named(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with attacker(data_dir) as db:
        db.execute("UPDATE audit_entry SET actor_name = 'teller5' WHERE seq = 5")
    rc, out = verify(data_dir, capsys)
    assert rc == 1
    assert out.splitlines()[0] == (
        "audit chain BROKEN at entry 5: entry 5 was changed after it was written (its hash "
        "does not match its fields)"
    )


def test_edited_details_are_named(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with attacker(data_dir) as db:
        db.execute("UPDATE audit_entry SET details = '{\"counter\":4}' WHERE seq = 7")
    assert verify(data_dir, capsys)[1].startswith("audit chain BROKEN at entry 7:")


def test_details_made_unreadable_are_named(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with attacker(data_dir) as db:
        db.execute("UPDATE audit_entry SET details = 'not json' WHERE seq = 6")
    assert verify(data_dir, capsys)[1].startswith("audit chain BROKEN at entry 6:")


def test_an_edited_time_is_named(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with attacker(data_dir) as db:
        db.execute("UPDATE audit_entry SET at = '2026-11-29 01:00:00.000000' WHERE seq = 9")
    assert verify(data_dir, capsys)[1].startswith("audit chain BROKEN at entry 9:")


def test_a_deleted_entry_is_named(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with attacker(data_dir) as db:
        db.execute("DELETE FROM audit_entry WHERE seq = 4")
    rc, out = verify(data_dir, capsys)
    assert rc == 1
    assert out.startswith("audit chain BROKEN at entry 4: entry 4 is missing (the next entry is 5)")


def test_deleted_last_entries_are_found(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with attacker(data_dir) as db:
        db.execute("DELETE FROM audit_entry WHERE seq >= 11")
    rc, out = verify(data_dir, capsys)
    assert rc == 1 and out.startswith("audit chain BROKEN at entry 11:")
    assert "last entries were deleted" in out


def test_reordered_entries_are_named(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with attacker(data_dir) as db:  # swap entries 6 and 7
        db.execute("UPDATE audit_entry SET seq = -1 WHERE seq = 6")
        db.execute("UPDATE audit_entry SET seq = 6 WHERE seq = 7")
        db.execute("UPDATE audit_entry SET seq = 7 WHERE seq = -1")
    rc, out = verify(data_dir, capsys)
    assert rc == 1 and out.startswith("audit chain BROKEN at entry 6:")


def _read(db: sqlite3.Connection, seq: int) -> Entry:
    columns = [c for c in AuditEntry.model_fields]
    row = db.execute(f"SELECT {', '.join(columns)} FROM audit_entry WHERE seq = ?", (seq,))
    values = dict(zip(columns, row.fetchone(), strict=True))
    values["at"] = datetime.fromisoformat(values["at"]).replace(tzinfo=UTC)
    return to_entry(AuditEntry.model_validate(values))


def _insert(db: sqlite3.Connection, entry: Entry) -> None:
    db.execute(
        "INSERT INTO audit_entry VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            entry.seq,
            entry.at.strftime("%Y-%m-%d %H:%M:%S.%f"),
            entry.business_day.isoformat(),
            entry.actor.kind,
            entry.actor.id,
            entry.actor.name,
            entry.actor.role,
            entry.action,
            entry.subject,
            details_json(entry.details),
            entry.prev_hash,
            entry.hash,
        ),
    )


def test_an_inserted_entry_is_found(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A forged entry slipped in after entry 5, correctly chained to it, the later ones
    renumbered: the entry after the forgery no longer links."""
    with attacker(data_dir) as db:
        for seq in range(ENTRIES, 5, -1):
            db.execute("UPDATE audit_entry SET seq = seq + 1 WHERE seq = ?", (seq,))
        model = _read(db, 5)
        forged = Entry(**{**model.__dict__, "seq": 6, "action": "ticket.cancel"})
        _insert(db, chained(forged, prev_hash=model.hash))
    rc, out = verify(data_dir, capsys)
    assert rc == 1 and out.startswith("audit chain BROKEN at entry 7:")


def test_an_entry_appended_outside_the_server_is_found(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with attacker(data_dir) as db:
        last = _read(db, ENTRIES)
        forged = Entry(
            **{
                **last.__dict__,
                "seq": ENTRIES + 1,
                "actor": Actor("user", 9, "mallory", "admin"),
                "details": {},
            }
        )
        _insert(db, chained(forged, prev_hash=last.hash))
    rc, out = verify(data_dir, capsys)
    assert rc == 1
    assert out.startswith(f"audit chain BROKEN at entry {ENTRIES + 1}:")
    assert "added outside the server" in out


def test_a_rewritten_chain_is_found_only_with_an_anchor(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Someone with write access rewrites entry 4 and every hash after it, head included:
    the chain checks out on its own; the head printed earlier (an anchor) shows the rewrite."""
    assert main(["audit", "head", "--data-dir", str(data_dir)]) == 0
    anchor = capsys.readouterr().out.strip()
    assert anchor.startswith(f"{ENTRIES}:") and len(anchor) == len(f"{ENTRIES}:") + 64
    with attacker(data_dir) as db:
        prev = GENESIS_HASH
        for seq in range(1, ENTRIES + 1):
            entry = _read(db, seq)
            if seq == 4:
                entry = Entry(**{**entry.__dict__, "actor": Actor("user", 9, "mallory", "")})
            new = chained(entry, prev_hash=prev)
            db.execute(
                "UPDATE audit_entry SET actor_name = ?, actor_id = ?, actor_role = ?, "
                "prev_hash = ?, hash = ? WHERE seq = ?",
                (new.actor.name, new.actor.id, new.actor.role, new.prev_hash, new.hash, seq),
            )
            prev = new.hash
        db.execute("UPDATE audit_head SET hash = ?", (prev,))
    assert verify(data_dir, capsys)[0] == 0  # the limit of a hash chain on its own
    rc, out = verify(data_dir, capsys, "--anchor", anchor)
    assert rc == 1
    assert out.startswith(f"audit chain BROKEN at entry {ENTRIES}: entry {ENTRIES} differs")


def test_the_command_exits_1_when_broken(data_dir: Path) -> None:
    with attacker(data_dir) as db:
        db.execute("UPDATE audit_entry SET subject = 'counter:9' WHERE seq = 2")
    proc = subprocess.run(
        [sys.executable, "-m", "branchq_cli", "audit", "verify", "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.startswith("audit chain BROKEN at entry 2:")


def test_log_lists_and_filters(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = ["--data-dir", str(data_dir)]
    assert main(["audit", "log", *data, "--action", "ticket.finish"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:4] == ["SEQ", "TIME", "(UTC)", "DAY"]
    assert len(lines) == 1 + 3 and all("ticket.finish" in line for line in lines[1:])
    assert main(["audit", "log", *data, "--actor", "boss"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and "user.create" in lines[1] and "user:teller3" in lines[1]
    assert main(["audit", "log", *data, "--limit", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines[1:]] == [str(ENTRIES - 1), str(ENTRIES)]
    assert main(["audit", "log", *data, "--since", "2027-01-01"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1
    assert main(["audit", "log", *data, "--since", "yesterday"]) == 2
    assert "--since 'yesterday'" in capsys.readouterr().err


def test_a_bad_anchor_is_refused(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "verify", "--data-dir", str(data_dir), "--anchor", "12:abc"]) == 2
    assert "expected SEQ:SHA256" in capsys.readouterr().err
