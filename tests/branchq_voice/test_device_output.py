"""``default://`` through a real PulseAudio server with a null sink (no sound card needed):
a call is played in real time and the command waits until the last sample has been played."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from branchq_voice.pack import VoicePack

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def pulse_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    exe = shutil.which("pulseaudio")
    if exe is None:
        pytest.skip("pulseaudio is not installed (deploy/dev.sh setup installs it)")
    runtime = tmp_path / "pulse"
    runtime.mkdir()
    sock = runtime / "native"
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "XDG_RUNTIME_DIR": str(runtime),
        "PULSE_RUNTIME_PATH": str(runtime),
    }
    log = (tmp_path / "pulseaudio.log").open("wb")
    server = subprocess.Popen(
        [exe, "-n", "--daemonize=no", "--exit-idle-time=-1", "--disable-shm=yes",
         "--use-pid-file=no", "--load=module-null-sink sink_name=lobby",
         f"--load=module-native-protocol-unix auth-anonymous=1 socket={sock}"],
        env=env, stdout=subprocess.DEVNULL, stderr=log,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while not sock.exists():
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            server.wait(timeout=5)
            log.close()
            text = (tmp_path / "pulseaudio.log").read_text(errors="replace")
            pytest.fail(f"pulseaudio did not start: {text[-500:]}")
        time.sleep(0.05)
    try:
        yield {**env, "PULSE_SERVER": f"unix:{sock}", "QT_QPA_PLATFORM": "offscreen"}
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def test_a_call_plays_on_the_sound_device_in_real_time(
    pulse_env: dict[str, str], voice_pack_dir: Path, voice_pack: VoicePack
) -> None:
    length_s = voice_pack.render("A023", 3, ["zh", "en"]).duration_s
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "branchq_cli", "lobby", "say", "A023", "3",
         "--pack", str(voice_pack_dir), "--output", "default://"],
        cwd=REPO, env=pulse_env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    took_s = time.monotonic() - start
    assert done.returncode == 0, done.stderr
    assert "spoke A023 -> counter 3 to default://" in done.stdout
    # played at the device's pace, and the command waited for the end (not a fire-and-forget)
    assert took_s >= length_s * 0.9, f"{took_s:.1f} s for a {length_s:.1f} s announcement"
