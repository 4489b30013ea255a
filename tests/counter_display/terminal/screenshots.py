"""Screenshots of every state of the counter terminal, in Chinese and English, at 1280x800.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.counter_display.terminal.screenshots \\
        docs/screenshots

Runs the real server on a loopback port with a pinned clock, a terminal signed in as teller3
at counter 3, and walks it through its states; each picture is docs/screenshots/counter-*.png.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PyQt6.QtCore import QPoint
from PyQt6.QtGui import QColor, QFont, QPainter
from PyQt6.QtWidgets import QApplication, QDialog

from branchq_client.qt import ClientBridge
from counter_display.terminal.app import build
from counter_display.terminal.config import CounterConfig
from counter_display.terminal.view import TerminalWindow
from counter_display.terminal.viewmodel import CounterTerminal
from server.contract.common import Role
from tests.e2e.live import PASSWORD, LiveBranch


def wait(condition: Callable[[], object], timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        QApplication.processEvents()
        time.sleep(0.01)


def settled(vm: CounterTerminal) -> bool:
    return vm.busy is None and not vm._desk_reading and vm.desk is not None


def shoot(window: TerminalWindow, out: Path, name: str, dialog: QDialog | None = None) -> None:
    QApplication.processEvents()
    picture = window.grab()
    if dialog is not None:
        dialog.adjustSize()
        QApplication.processEvents()
        over = dialog.grab()
        painter = QPainter(picture)
        painter.fillRect(picture.rect(), QColor(0, 0, 0, 90))
        painter.drawPixmap(
            QPoint((picture.width() - over.width()) // 2, (picture.height() - over.height()) // 3),
            over,
        )
        painter.end()
    path = out / f"counter-{name}-{window.vm.language}.png"
    picture.save(str(path))
    print(path)


def run(out: Path, language: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        branch = LiveBranch(data_dir=Path(tmp) / "var").start()
        try:
            scenes(branch, out, language)
        finally:
            branch.stop()


def scenes(branch: LiveBranch, out: Path, language: str) -> None:
    kiosk = {"Authorization": f"Bearer {branch.device_token('kiosk-1', Role.KIOSK)}"}

    def issue(service: str, category: str = "NORMAL") -> None:
        with branch.client() as client:
            r = client.post(
                "/api/v1/tickets",
                json={"service_code": service, "category": category},
                headers=kiosk,
            )
            assert r.status_code == 201, r.text

    def later(minutes: float) -> None:
        branch.clock.now += timedelta(minutes=minutes)

    for service, category, gap in [
        ("A", "NORMAL", 0),
        ("A", "PRIORITY", 2),
        ("F", "NORMAL", 1),
        ("B", "NORMAL", 1),
        ("A", "NORMAL", 3),
        ("A", "VIP", 2),
        ("F", "NORMAL", 1),
    ]:
        later(gap)
        issue(service, category)
    later(4)
    for name in ("teller1", "teller3", "teller5", "alice"):
        branch.user_token(name)
    with branch.client() as client:
        for n, who in ((1, "teller1"), (5, "teller5")):
            client.post(f"/api/v1/counters/{n}/open", headers=branch.auth(who))
        client.post("/api/v1/counters/1/call-next", headers=branch.auth("teller1"))

    config = CounterConfig(server_url=branch.url, counter=3, language=language)
    bridge = ClientBridge()
    vm, window = build(config, bridge)
    window.resize(1280, 800)
    window.show()
    try:
        # sign-in, then refused: another teller holds the counter
        with branch.client() as client:
            client.post("/api/v1/counters/3/open", headers=branch.auth("alice"))
        window.sign_in.ask("teller3", None)
        window.sign_in.password.setText("••••••••")
        shoot(window, out, "01-sign-in", window.sign_in)
        vm.sign_in("teller3", PASSWORD)
        wait(lambda: window.sign_in.message.isVisible())
        shoot(window, out, "02-held-by-another", window.sign_in)
        with branch.client() as client:
            client.post("/api/v1/counters/3/close", headers=branch.auth("alice"))
        vm.sign_in("teller3", PASSWORD)
        wait(lambda: vm.teller == "teller3" and vm.online and settled(vm) and vm.desk)
        window.sign_in.hide()
        shoot(window, out, "03-open-waiting")

        def press(action: str) -> None:
            sent = vm.actions_sent
            assert vm.press(action), action
            wait(lambda: vm.actions_sent > sent and settled(vm))

        press("call-next")
        shoot(window, out, "04-called")
        press("recall")
        press("start")
        later(6)
        shoot(window, out, "05-serving")
        transfer = window.open_transfer()
        assert transfer is not None
        transfer.choose("service", "F")
        shoot(window, out, "06-transfer-dialog", transfer)
        transfer.reject()
        press("finish")
        press("call-next")
        press("park")
        window.tabs.setCurrentIndex(1)
        shoot(window, out, "07-parked")
        window.tabs.setCurrentIndex(0)
        # the state changed underneath: the server's refusal, in the teller's language
        window.waiting.selectRow(0)
        number = window.waiting.item(0, 0).text()
        with branch.client() as client:
            client.post(
                "/api/v1/counters/1/cancel", json={"number": number}, headers=branch.auth("teller1")
            )
        vm.desk = vm.desk.model_copy(update={"allowed": [*vm.desk.allowed, "call"]})
        sent = vm.actions_sent
        window.trigger("call")
        wait(lambda: vm.last_notice is not None and settled(vm))
        shoot(window, out, "08-refused")
        # the queue runs dry
        while vm.desk and vm.desk.waiting:
            press("call-next")
            press("start")
            later(3)
            press("finish")
        press("call-next")
        shoot(window, out, "09-nobody-waiting")
        press("pause")
        shoot(window, out, "10-paused")
        press("open")
        branch.stop()
        wait(lambda: window.offline.isVisible())
        shoot(window, out, "11-offline")
        branch.start()
        wait(lambda: vm.online and settled(vm))
        later(13 * 60)  # past the session's lifetime
        vm.press("pause")
        wait(lambda: window.sign_in.isVisible() and window.sign_in.message.isVisible())
        shoot(window, out, "12-session-expired", window.sign_in)
        del sent
    finally:
        vm.shutdown()
        bridge.stop()
        window.close()


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setFont(QFont("Noto Sans CJK SC", 11))
    for language in ("zh", "en"):
        run(out, language)
    return 0


if __name__ == "__main__":
    sys.exit(main())
