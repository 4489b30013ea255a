"""Save every kiosk screen, in Chinese and English, portrait and landscape, as PNG.

    .venv/bin/python bench/kiosk_screenshots.py [--out docs/screenshots] [--scale 0.5]

Runs a real branch (``branchq serve``, demo branch) with counters 1, 4 and 5 open, a few
customers waiting and foreign exchange closed, and the printer emulator; drives the kiosk
through its screens as a customer would (taps on the offscreen window) and saves
``kiosk-<orientation>-<language>-<screen>.png``. The server is stopped last, for the
"temporarily unavailable" screen.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from kiosk_rig import Rig, branch_rig
from PyQt6.QtCore import Qt
from PyQt6.QtTest import QTest
from PyQt6.QtWidgets import QApplication, QWidget

from drivers.printer import open_printer
from kiosk_app.app import Kiosk, build_kiosk
from kiosk_app.kiosk_model import PrintState, Screen
from server.contract.common import Language

REPO = Path(__file__).resolve().parents[1]
WAITING = {"A": 7, "B": 2, "V": 1}  # customers already waiting when the screenshots start


def wait_until(condition: Callable[[], object], what: str, timeout_s: float = 15.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        QApplication.processEvents()
        time.sleep(0.01)


def settle(seconds: float = 0.2) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.01)


def tap(widget: QWidget) -> None:
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton)
    QApplication.processEvents()


def tile_key(kiosk: Kiosk, label_en: str) -> str:
    for key in kiosk.window.menu.tiles:
        tile = kiosk.model.tile(key)
        if tile is not None and tile.label.en == label_en:
            return key
    raise RuntimeError(f"no button {label_en!r} on screen")


def tap_tile(kiosk: Kiosk, label_en: str) -> None:
    for key, button in kiosk.window.menu.tiles.items():
        tile = kiosk.model.tile(key)
        if tile is not None and tile.label.en == label_en:
            tap(button)
            return
    raise RuntimeError(f"no button {label_en!r} on screen")


class Shooter:
    def __init__(self, out: Path, scale: float) -> None:
        self.out, self.scale, self.saved = out, scale, []  # type: ignore[var-annotated]

    def save(self, kiosk: Kiosk, orientation: str, name: str) -> None:
        settle()
        language = kiosk.model.language.value
        image = kiosk.window.grab()
        if self.scale != 1.0:
            image = image.scaledToWidth(
                round(image.width() * self.scale), Qt.TransformationMode.SmoothTransformation
            )
        path = self.out / f"kiosk-{orientation}-{language}-{name}.png"
        if not image.save(str(path)):
            raise RuntimeError(f"could not write {path}")
        self.saved.append(path)


def shoot(rig: Rig, kiosk: Kiosk, shooter: Shooter, orientation: str) -> None:
    model = kiosk.model
    for language in (Language.ZH, Language.EN):
        model.go_home()
        model.set_language(language)
        shooter.save(kiosk, orientation, "home")
        tap_tile(kiosk, "Personal banking")
        shooter.save(kiosk, orientation, "group")
        model.go_home()
        tap_tile(kiosk, "VIP")
        shooter.save(kiosk, orientation, "confirm-vip")
        tap(kiosk.window.confirm.yes)
        wait_until(lambda: model.screen is Screen.TICKET, "the ticket screen")
        wait_until(
            lambda: model.ticket is not None and model.ticket.print_state is PrintState.PRINTED,
            "the ticket to print",
        )
        shooter.save(kiosk, orientation, "ticket")
        model.go_home()
        rig.emulator.set_fault("paper_out")
        wait_until(lambda: not model.printer_ready, "the kiosk to see the paper out")
        shooter.save(kiosk, orientation, "home-printer-down")
        tap_tile(kiosk, "Corporate banking")
        wait_until(
            lambda: model.ticket is not None and model.ticket.print_state is PrintState.FAILED,
            "the failed print",
        )
        shooter.save(kiosk, orientation, "ticket-not-printed")
        rig.emulator.set_fault("ok")
        wait_until(lambda: model.ticket is not None and model.ticket.reprint_ready, "reprint")
        shooter.save(kiosk, orientation, "ticket-reprint")
        model.go_home()
        model.set_language(language)
        # a tap that races a service closing: the server refuses, the kiosk says why
        key = tile_key(kiosk, "Corporate banking")
        rig.patch("/api/v1/admin/services/B", {"is_open": False})
        model.choose(key)  # before the kiosk has processed the queues.changed event
        wait_until(lambda: model.screen is Screen.NOTICE, "the refusal")
        shooter.save(kiosk, orientation, "notice-refused")
        rig.patch("/api/v1/admin/services/B", {"is_open": True})
        model.go_home()
        wait_until(
            lambda: (t := model.tile(tile_key(kiosk, "Corporate banking"))) and t.enabled, "B open"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--scale", type=float, default=0.5, help="image scale (1 = full size)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    shooter = Shooter(args.out, args.scale)
    with branch_rig(counters=(1, 4, 5)) as rig:
        for code, count in WAITING.items():
            for _ in range(count):
                rig.post("/api/v1/tickets", rig.kiosk_token, {"service_code": code})
        rig.patch("/api/v1/admin/services/F", {"is_open": False})
        kiosks = {}
        for orientation in ("portrait", "landscape"):
            printer = open_printer(f"tcp://127.0.0.1:{rig.emulator.port}", timeout_s=1.0)
            kiosk = build_kiosk(
                rig.config(orientation=orientation, ticket_screen_s=600, idle_timeout_s=600),
                printer=printer,
            )
            kiosk.window.show()
            wait_until(lambda k=kiosk: k.model.screen is Screen.HOME and k.model.queues, "home")
            shoot(rig, kiosk, shooter, orientation)
            kiosks[orientation] = kiosk
        rig.stop_server()
        for orientation, kiosk in kiosks.items():
            wait_until(lambda k=kiosk: k.model.screen is Screen.UNAVAILABLE, "unavailable")
            for language in (Language.ZH, Language.EN):
                kiosk.model.set_language(language)
                shooter.save(kiosk, orientation, "unavailable")
        for kiosk in kiosks.values():
            kiosk.stop()
    del app
    for path in shooter.saved:
        print(path.relative_to(REPO) if path.is_relative_to(REPO) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
