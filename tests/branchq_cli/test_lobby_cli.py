"""`branchq lobby`: clear errors for a bad lobby file or voice pack, a call spoken to a file."""

from __future__ import annotations

import shutil
import subprocess
import sys
import wave
from pathlib import Path

from branchq_voice.pack import VoicePack
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


def test_run_speaks_a_call_and_stops_on_sigint(
    tmp_path: Path,
    voice_pack_dir: Path,  # noqa: F811
    voice_pack: VoicePack,  # noqa: F811
) -> None:
    import os
    import signal
    import time

    from server.contract.common import Role
    from tests.e2e.live import LiveBranch, wait_until

    live = LiveBranch(data_dir=tmp_path / "var").start()
    proc = None
    try:
        wav = tmp_path / "lobby.wav"
        config = tmp_path / "lobby.toml"
        config.write_text(
            f'[server]\nurl = "{live.url}"\n[voice]\nspeak = true\nvolume = 1.0\n'
            f'output = "file://{wav}"\npack = "{voice_pack_dir}"\n'
        )
        env = {
            "QT_QPA_PLATFORM": "offscreen",
            "PATH": "/usr/bin:/bin",
            "BRANCHQ_DEVICE_TOKEN": live.device_token("lobby-1", Role.DISPLAY),
        }
        proc = subprocess.Popen(
            [sys.executable, "-m", "branchq_cli", "lobby", "run", "--config", str(config)],
            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )  # fmt: skip
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert f"lobby lobby-1: showing {live.url} (landscape), speaking zh+en to file://" in line
        kiosk = {"Authorization": f"Bearer {live.device_token('kiosk-1', Role.KIOSK)}"}
        with live.client() as client:
            r = client.post("/api/v1/tickets", json={"service_code": "A"}, headers=kiosk)
            assert r.status_code == 201, r.text
            assert (
                client.post("/api/v1/counters/2/open", headers=live.auth("t2")).status_code == 200
            )
            # the display may still be subscribing: call once it has the snapshot (a call made
            # before is spoken from the snapshot too, so either order ends the same)
            r = client.post("/api/v1/counters/2/call-next", headers=live.auth("t2"))
            assert r.status_code == 200, r.text
        expected = voice_pack.render("A001", 2, ["zh", "en"]).pcm
        wait_until(lambda: wav.exists() and wav.stat().st_size >= len(expected), what="the call")
        with wave.open(str(wav), "rb") as w:
            assert w.readframes(w.getnframes()) == expected
        started = time.monotonic()
        os.kill(proc.pid, signal.SIGINT)
        assert proc.wait(timeout=15) == 0
        assert time.monotonic() - started < 15
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait(timeout=5)
        if proc is not None and proc.stdout is not None:
            proc.stdout.close()
        live.stop()
