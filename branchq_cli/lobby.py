"""`branchq lobby ...`: the lobby wall display and its voice pack.

branchq lobby run --config lobby.toml [--windowed]   open the display (full screen)
branchq lobby make-voice-pack DIR                    generate the default pack (espeak-ng)
branchq lobby check-voice-pack DIR                   check a pack (e.g. studio recordings)
branchq lobby say A023 3 --pack DIR --output URL     speak one call (check by ear)
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    lobby = subparsers.add_parser("lobby", help="the lobby wall display and its spoken calls")
    sub = lobby.add_subparsers(dest="lobby_command", metavar="ACTION")
    run = sub.add_parser(
        "run",
        help="open the lobby display",
        description="Open the lobby display of one lobby file (deploy/lobby-example.toml). The "
        "display's device token comes from $BRANCHQ_DEVICE_TOKEN, server.token_file or "
        "server.token. Stop with Ctrl+C.",
    )
    run.add_argument("--config", required=True, type=Path, help="the lobby TOML file")
    run.add_argument("--windowed", action="store_true", help="a window instead of full screen")
    run.set_defaults(handler=_run)

    make = sub.add_parser(
        "make-voice-pack", help="generate the default voice pack with espeak-ng into DIR"
    )
    make.add_argument("folder", type=Path)
    make.set_defaults(handler=_make)

    check = sub.add_parser("check-voice-pack", help="check that a voice pack can say every call")
    check.add_argument("folder", type=Path)
    check.set_defaults(handler=_check)

    say = sub.add_parser("say", help="speak one call through an audio output")
    say.add_argument("ticket", help="ticket number, e.g. A023")
    say.add_argument("counter", type=int, help="counter number, e.g. 3")
    say.add_argument("--pack", type=Path, default=Path("var/voice/default"))
    say.add_argument("--output", default="default://", help="default://, file:///x.wav, null://")
    say.add_argument("--languages", default="zh,en", help="comma-separated, in order")
    say.set_defaults(handler=_say)
    lobby.set_defaults(handler=lambda _a: (lobby.print_help(), 2)[1])


def _make(args: argparse.Namespace) -> int:
    from branchq_voice.errors import VoiceError
    from branchq_voice.make_pack import make_voice_pack

    try:
        pack = make_voice_pack(args.folder, progress=lambda m: print(f"  {m}", file=sys.stderr))
    except VoiceError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"voice pack {args.folder}: {len(pack.clips)} clips, languages {sorted(pack.languages)}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from branchq_voice.errors import VoiceError
    from branchq_voice.pack import VoicePack

    try:
        pack = VoicePack.load(args.folder)
    except VoiceError as exc:
        print(exc, file=sys.stderr)
        return 2
    sample = pack.render("A023", 3, sorted(pack.languages))
    print(
        f"voice pack {args.folder} ({pack.name}): {len(pack.clips)} clips, "
        f"{pack.format.describe()}, languages {sorted(pack.languages)}; "
        f"'A023 -> counter 3' lasts {sample.duration_s:.1f} s"
    )
    return 0


def _say(args: argparse.Namespace) -> int:
    from PyQt6.QtCore import QCoreApplication, QTimer

    from branchq_voice.announcer import Announcer, SpokenCall
    from branchq_voice.errors import VoiceError
    from branchq_voice.output import open_output
    from branchq_voice.pack import VoicePack

    app = QCoreApplication.instance() or QCoreApplication(sys.argv[:1])
    try:
        pack = VoicePack.load(args.pack)
        announcer = Announcer(pack, open_output(args.output), languages=args.languages.split(","))
    except VoiceError as exc:
        print(exc, file=sys.stderr)
        return 2
    announcer.on_finished = lambda _call: QTimer.singleShot(0, app.quit)
    announcer.say(SpokenCall("cli", args.ticket, args.counter))
    if announcer.busy:
        app.exec()
    print(f"spoke {args.ticket} -> counter {args.counter} to {args.output}")
    return 0


def _run(args: argparse.Namespace) -> int:
    from PyQt6.QtWidgets import QApplication

    from branchq_client.qt import quit_on_signals
    from branchq_voice.errors import VoiceError
    from counter_display.lobby.app import LobbyApp, build_announcer
    from counter_display.lobby.config import load_lobby_config
    from counter_display.lobby.errors import LobbyError

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        config = load_lobby_config(args.config)
        token = config.server.resolve_token()
    except LobbyError as exc:
        print(exc, file=sys.stderr)
        return 2
    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    try:
        announcer = build_announcer(config)
    except VoiceError as exc:
        print(f"lobby {config.name}: {exc}", file=sys.stderr)
        return 2
    lobby = LobbyApp(config, token=token, announcer=announcer)
    if args.windowed:
        lobby.window.show()
    else:
        lobby.window.showFullScreen()
    lobby.start()
    print(
        f"lobby {config.name}: showing {config.server.url} ({config.screen.orientation}), "
        + (
            f"speaking {'+'.join(config.voice.languages)} to {announcer.output.url}"
            if announcer is not None
            else "not speaking"
        ),
        flush=True,
    )
    wake = quit_on_signals(qt_app)
    try:
        return int(qt_app.exec())
    finally:
        wake.stop()
        lobby.stop()
