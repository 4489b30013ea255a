"""``run(config)``: the counter terminal application (one window, one network thread)."""

from __future__ import annotations

import logging
import sys

from PyQt6.QtGui import QFont
from PyQt6.QtWidgets import QApplication

from branchq_client.qt import ClientBridge, quit_on_signals
from counter_display.terminal.config import CounterConfig
from counter_display.terminal.view import TerminalWindow
from counter_display.terminal.viewmodel import CounterTerminal
from server.contract.common import Bilingual

log = logging.getLogger("branchq.counter")


def counter_name(number: int) -> Bilingual:
    """Until the server's snapshot names it."""
    return Bilingual(zh=f"{number}号窗口", en=f"Counter {number}")


def build(config: CounterConfig, bridge: ClientBridge) -> tuple[CounterTerminal, TerminalWindow]:
    vm = CounterTerminal(
        server_url=config.server_url,
        counter_number=config.counter,
        bridge=bridge,
        timeout_s=config.timeout_s,
        language=config.language,
    )
    window = TerminalWindow(vm, counter_name=counter_name(config.counter))
    return vm, window


def start(vm: CounterTerminal, window: TerminalWindow, config: CounterConfig) -> None:
    """Sign in without asking when the config names a password; else show the dialog."""
    password = config.password()
    if config.username and password:
        vm.sign_in(config.username, password)
    else:
        window.sign_in.ask(config.username, None)


def run(config: CounterConfig, *, windowed: bool = False) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setFont(QFont("Noto Sans CJK SC", 11))
    bridge = ClientBridge()
    vm, window = build(config, bridge)
    if config.fullscreen and not windowed:
        window.showFullScreen()
    else:
        window.resize(1280, 800)
        window.show()
    start(vm, window, config)
    wake = quit_on_signals(app)
    print(f"counter {config.counter}: {config.server_url}; Ctrl-C stops", flush=True)
    try:
        return int(app.exec())
    finally:
        wake.stop()
        vm.shutdown()
        bridge.stop()
