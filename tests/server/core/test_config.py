"""Settings: defaults, environment overrides, refusing the demo branch outside dev;
`branchq serve` option parsing."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from branchq_cli.main import build_parser
from branchq_cli.serve import build_settings
from server.config import DEMO_BRANCH_FILE, Settings


def test_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    s = Settings()
    assert (s.env, s.host, s.port) == ("dev", "127.0.0.1", 8000)
    assert s.branch_file == DEMO_BRANCH_FILE and s.branch_file.is_file()
    expected = f"sqlite:///{(tmp_path / 'var' / 'branchq.sqlite3').resolve()}"
    assert s.resolved_database_url == expected


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BRANCHQ_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("BRANCHQ_PORT", "9100")
    monkeypatch.setenv("BRANCHQ_DATABASE_URL", "postgresql+psycopg://q@127.0.0.1/branchq")
    s = Settings()
    assert s.port == 9100
    assert s.resolved_database_url == "postgresql+psycopg://q@127.0.0.1/branchq"


def test_demo_branch_refused_outside_dev(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as info:
        Settings(env="prod")
    assert "branch_file is the demo branch (demo_branch.toml) with env='prod'" in str(info.value)
    own = tmp_path / "branch.toml"
    own.write_bytes(DEMO_BRANCH_FILE.read_bytes())
    assert Settings(env="prod", branch_file=own).branch_file == own


def test_bad_port_is_refused() -> None:
    with pytest.raises(ValidationError) as info:
        Settings(port=70000)
    assert "port" in str(info.value)


def test_serve_options_override_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("BRANCHQ_PORT", "9100")
    args = build_parser().parse_args(
        ["serve", "--port", "0", "--data-dir", str(tmp_path), "--host", "127.0.0.1"]
    )
    s = build_settings(args)
    assert (s.port, s.data_dir, s.host) == (0, tmp_path, "127.0.0.1")


def test_serve_refuses_bad_settings_with_a_message() -> None:
    args = build_parser().parse_args(["serve", "--port", "99999"])
    with pytest.raises(SystemExit) as info:
        build_settings(args)
    assert str(info.value).startswith("branchq serve: invalid settings: port:")


def test_status_url_base_defaults_to_this_server() -> None:
    assert Settings(port=8765).status_url_base == "http://127.0.0.1:8765"
    custom = Settings(public_base_url="https://q.branch.example/")
    assert custom.status_url_base == "https://q.branch.example"
