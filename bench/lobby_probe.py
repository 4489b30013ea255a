"""One lobby display process for bench_lobby.py (offscreen): the real LobbyApp, reporting on
stdout when the newest-call widget paints a new number and, on the speaking display, when the
first sample of an announcement was written.

    lobby_probe.py SERVER_URL TOKEN NAME [--speak-to file:///path.wav --pack DIR]

Lines: ``ready``; ``paint NUMBER T``; ``audio NUMBER T`` (T = time.perf_counter(), which is
CLOCK_MONOTONIC on Linux, the same clock in every process).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PyQt6.QtCore import QTimer
from PyQt6.QtWidgets import QApplication

from branchq_voice.announcer import SpokenCall
from counter_display.lobby.app import LobbyApp, build_announcer
from counter_display.lobby.config import LobbyConfig


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("server")
    parser.add_argument("token")
    parser.add_argument("name")
    parser.add_argument("--speak-to")
    parser.add_argument("--pack", type=Path)
    args = parser.parse_args()
    voice: dict[str, object] = {"speak": False}
    if args.speak_to:
        voice = {"speak": True, "output": args.speak_to, "pack": args.pack, "volume": 1.0}
    config = LobbyConfig.model_validate(
        {"name": args.name, "server": {"url": args.server, "token_env": None}, "voice": voice}
    )
    app = QApplication(sys.argv[:1])
    lobby = LobbyApp(config, token=args.token, announcer=build_announcer(config))
    last = [""]

    def painted(number: str) -> None:
        if number and number != last[0]:
            last[0] = number
            print(f"paint {number} {time.perf_counter():.6f}", flush=True)

    def spoken(call: SpokenCall) -> None:
        assert lobby.announcer is not None
        at = lobby.announcer.output.first_sample_at
        print(f"audio {call.ticket_number} {at:.6f}", flush=True)

    lobby.window.newest.painted.connect(painted)
    if lobby.announcer is not None:
        lobby.announcer.on_finished = spoken
    lobby.window.show()
    lobby.start()

    def ready() -> None:
        if lobby.model.online and lobby.model.state.synced:
            print("ready", flush=True)
            poll.stop()

    poll = QTimer()
    poll.timeout.connect(ready)
    poll.start(50)
    signal.signal(signal.SIGTERM, lambda *_a: app.quit())
    wake = QTimer()
    wake.timeout.connect(lambda: None)
    wake.start(200)
    code = app.exec()
    lobby.stop()
    return code


if __name__ == "__main__":
    sys.exit(main())
