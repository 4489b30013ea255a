"""The terminal's TOML file and `branchq counter run`: bad input is refused with the file,
the key and the problem; the unattended password comes from the environment or a file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from branchq_cli.main import main
from counter_display.terminal.config import CounterConfigError, load_config

REPO = Path(__file__).resolve().parents[3]


def test_the_example_file_loads() -> None:
    config = load_config(REPO / "deploy" / "counter-example.toml")
    assert config.counter == 3 and config.language == "zh" and config.fullscreen
    assert config.password() is None


def test_a_bad_value_names_the_file_and_the_key(tmp_path: Path) -> None:
    path = tmp_path / "counter.toml"
    path.write_text('counter = 0\nlanguage = "fr"\n', encoding="utf-8")
    with pytest.raises(CounterConfigError) as refused:
        load_config(path)
    text = str(refused.value)
    assert str(path) in text and "counter:" in text and "language:" in text and "'fr'" in text


def test_an_unknown_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "counter.toml"
    path.write_text('counter = 3\npassword = "secret"\n', encoding="utf-8")
    with pytest.raises(CounterConfigError, match="password: Extra inputs are not permitted"):
        load_config(path)


def test_the_unattended_password(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "pw"
    secret.write_text("from-file\nignored\n", encoding="utf-8")
    path = tmp_path / "counter.toml"
    path.write_text(
        f'counter = 3\npassword_env = "BQ_TEST_PW"\npassword_file = "{secret}"\n',
        encoding="utf-8",
    )
    monkeypatch.delenv("BQ_TEST_PW", raising=False)
    assert load_config(path).password() == "from-file"
    monkeypatch.setenv("BQ_TEST_PW", "from-env")
    assert load_config(path).password() == "from-env"


def test_the_command_refuses_a_bad_file_before_opening_a_window(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "counter.toml"
    path.write_text("counter = 3\n", encoding="utf-8")
    missing = tmp_path / "no-such-file"
    code = main(["counter", "run", "--config", str(path), "--password-file", str(missing)])
    assert code == 2
    assert "password_file" in capsys.readouterr().err
    code = main(["counter", "run", "--config", str(tmp_path / "nope.toml")])
    assert code == 2 and "cannot read it" in capsys.readouterr().err


def test_counter_run_signs_in_opens_the_counter_and_stops_on_sigint(tmp_path: Path) -> None:
    """`branchq counter run` as its own process (offscreen): it signs teller3 in, which opens
    counter 3, and a SIGINT (Ctrl-C, or a script's background job) ends it with exit code 0."""
    from server.contract.common import Role
    from tests.e2e.live import PASSWORD, LiveBranch, wait_until

    live = LiveBranch(data_dir=tmp_path / "data").start()
    try:
        live.user_token("teller3")  # creates the teller
        config = tmp_path / "counter.toml"
        config.write_text(
            f'server_url = "{live.url}"\ncounter = 3\nfullscreen = false\nusername = "teller3"\n'
            'password_env = "BRANCHQ_COUNTER_PASSWORD"\n',
            encoding="utf-8",
        )
        env = {**os.environ, "BRANCHQ_COUNTER_PASSWORD": PASSWORD, "QT_QPA_PLATFORM": "offscreen"}
        proc = subprocess.Popen(
            [sys.executable, "-m", "branchq_cli", "counter", "run", "--config", str(config)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        admin = live.auth("root", Role.ADMIN)

        def opened_by_teller3() -> bool:
            with live.client() as client:
                counters = client.get("/api/v1/counters", headers=admin).json()
            three = next(c for c in counters if c["counter_number"] == 3)
            return three["state"] == "OPEN" and three["teller"] == "teller3"

        try:
            wait_until(opened_by_teller3, timeout_s=30, what="teller3 signed in at counter 3")
        finally:
            proc.send_signal(signal.SIGINT)
            out, _ = proc.communicate(timeout=20)
        text = out.decode(errors="replace")
        assert proc.returncode == 0, text
        assert "Traceback" not in text and "counter 3: " in text
    finally:
        live.stop()
