"""`branchq admin` refuses a data directory that does not exist instead of making an empty
database the server never reads (the README once created users in ./var, then served from
/var/lib/branchq)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from branchq_cli.main import main


def _admin(monkeypatch: pytest.MonkeyPatch, *argv: str, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(["admin", *argv])


def test_a_missing_data_dir_is_refused_and_nothing_is_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "lib" / "branchq"
    rc = _admin(
        monkeypatch,
        *("create-user", "alice", "--role", "admin", "--password-stdin"),
        *("--data-dir", str(missing)),
        stdin="very secret 42\n",
    )
    assert rc == 1
    err = capsys.readouterr().err
    assert f"data directory {missing}, from --data-dir, does not exist" in err
    assert "branchq serve --data-dir" in err and "Nothing was created." in err
    assert not missing.exists() and not (tmp_path / "lib").exists()


def test_the_default_data_dir_is_named_when_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BRANCHQ_DATA_DIR", raising=False)
    monkeypatch.delenv("BRANCHQ_DATABASE_URL", raising=False)
    assert _admin(monkeypatch, "create-device", "kiosk-1", "--role", "kiosk") == 1
    err = capsys.readouterr().err
    assert "data directory var (" in err and "the default data directory" in err
    assert not (tmp_path / "var").exists()


def test_listing_an_existing_dir_without_a_database_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BRANCHQ_DATA_DIR", str(tmp_path))
    assert _admin(monkeypatch, "list-users") == 1
    err = capsys.readouterr().err
    assert "no branch database in" in err and "(from BRANCHQ_DATA_DIR)" in err
    assert list(tmp_path.iterdir()) == []


def test_the_first_admin_of_a_new_branch_creates_the_database_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = ("--data-dir", str(tmp_path))
    rc = _admin(
        monkeypatch,
        *("create-user", "alice", "--role", "admin", "--password-stdin", *data),
        stdin="very secret 42\n",
    )
    assert rc == 0
    captured = capsys.readouterr()
    assert f"created a new branch database {tmp_path / 'branchq.sqlite3'}" in captured.err
    assert f"start the server with --data-dir {tmp_path}" in captured.err
    assert (tmp_path / "branchq.sqlite3").exists()
    assert _admin(monkeypatch, "list-users", *data) == 0
    captured = capsys.readouterr()
    assert "alice" in captured.out and "created" not in captured.err  # said once
