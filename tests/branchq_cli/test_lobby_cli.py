"""`branchq lobby`: clear errors for a bad lobby file or voice pack, a call spoken to a file."""

from __future__ import annotations

import shutil
import subprocess
import sys
import wave
from pathlib import Path

from tests.branchq_voice.conftest import voice_pack, voice_pack_dir  # noqa: F401 (fixtures)

REPO = Path(__file__).resolve().parents[2]


def branchq(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "branchq_cli", *args],
        cwd=REPO, capture_output=True, text=True, timeout=60, check=False,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
    )  # fmt: skip


def test_run_refuses_a_bad_lobby_file(tmp_path: Path) -> None:
    bad = tmp_path / "lobby.toml"
    bad.write_text('[screen]\norientation = "sideways"\n')
    done = branchq("lobby", "run", "--config", str(bad))
    assert done.returncode == 2
    assert "screen.orientation" in done.stderr


def test_run_refuses_a_voice_pack_with_missing_clips(
    tmp_path: Path,
    voice_pack_dir: Path,  # noqa: F811
) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(voice_pack_dir, pack)
    (pack / "en" / "digit-4.wav").unlink()
    lobby = tmp_path / "lobby.toml"
    lobby.write_text(
        f'[server]\ntoken = "x"\n[voice]\nspeak = true\noutput = "null://"\npack = "{pack}"\n'
    )
    done = branchq("lobby", "run", "--config", str(lobby))
    assert done.returncode == 2
    assert "missing clip en/digit-4.wav" in done.stderr
    check = branchq("lobby", "check-voice-pack", str(pack))
    assert check.returncode == 2 and "missing clip en/digit-4.wav" in check.stderr


def test_say_writes_one_announcement(tmp_path: Path, voice_pack_dir: Path) -> None:  # noqa: F811
    out = tmp_path / "a023.wav"
    done = branchq("lobby", "say", "A023", "3", "--pack", str(voice_pack_dir),
                   "--output", f"file://{out}")  # fmt: skip
    assert done.returncode == 0, done.stderr
    with wave.open(str(out), "rb") as w:
        seconds = w.getnframes() / w.getframerate()
    assert 5 < seconds < 13
    ok = branchq("lobby", "check-voice-pack", str(voice_pack_dir))
    assert ok.returncode == 0 and "'A023 -> counter 3' lasts" in ok.stdout
