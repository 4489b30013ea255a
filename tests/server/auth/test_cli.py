"""`branchq admin`: the first admin is made on the command line and can then log in."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from branchq_cli.main import main
from tests.server.auth.conftest import Branch


def _run(monkeypatch: pytest.MonkeyPatch, argv: list[str], stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(argv)


async def test_created_admin_can_log_in_and_device_token_works(
    branch: Branch, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    branch.data_dir.mkdir()  # the server's data directory exists before its first admin
    data = ["--data-dir", str(branch.data_dir)]
    rc = _run(
        monkeypatch,
        ["admin", "create-user", "Chief", "--role", "admin", "--password-stdin", *data],
        "very secret 42\n",
    )
    assert rc == 0
    assert capsys.readouterr().out == "created admin 'chief'\n"
    assert _run(monkeypatch, ["admin", "create-device", "kiosk-1", "--role", "kiosk", *data]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "registered kiosk 'kiosk-1'; its token (shown only once):"
    token = out[1]
    assert _run(monkeypatch, ["admin", "list-users", *data]) == 0
    assert capsys.readouterr().out.splitlines()[1].split() == ["chief", "admin", "active", "chief"]
    assert _run(monkeypatch, ["admin", "list-devices", *data]) == 0
    assert capsys.readouterr().out.splitlines()[1].split() == [
        "kiosk-1",
        "kiosk",
        "UNKNOWN",
        "never",
    ]

    async with branch.client() as client:
        r = await client.post(
            "/api/v1/auth/login", json={"username": "chief", "password": "very secret 42"}
        )
        assert r.json()["role"] == "admin"
        me = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert me.json()["name"] == "kiosk-1"


def test_cli_refuses_bad_input_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = ["--data-dir", str(tmp_path)]
    argv = ["admin", "create-user", "amy", "--role", "teller", "--password-stdin", *data]
    assert _run(monkeypatch, argv, "short\n") == 1
    assert capsys.readouterr().err == (
        "branchq admin: password has 5 characters; expected at least 8\n"
    )
    assert _run(monkeypatch, argv, "") == 1
    assert "no password on standard input" in capsys.readouterr().err
    assert _run(monkeypatch, argv, "long enough pw\n") == 0
    assert _run(monkeypatch, argv, "long enough pw\n") == 1
    assert capsys.readouterr().err.endswith("user 'amy' already exists\n")


def test_password_prompts_must_match(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = iter(["first password", "second password"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    rc = main(["admin", "create-user", "amy", "--role", "teller", "--data-dir", str(tmp_path)])
    assert rc == 1
    assert "the two passwords differ" in capsys.readouterr().err
