"""Build the kiosk from ``kiosk.toml`` and run it: ``branchq kiosk run --config kiosk.toml``."""

from __future__ import annotations

import contextlib
import sys
from dataclasses import dataclass

from PyQt6.QtCore import QSize
from PyQt6.QtWidgets import QApplication

from branchq_client.qt import ClientBridge, quit_on_signals
from branchq_client.rest import BranchApi
from drivers.printer import PrinterError, TicketPrinter, open_printer
from kiosk_app.config import KioskConfig
from kiosk_app.kiosk_model import KioskModel
from kiosk_app.printer_worker import PrinterWorker
from kiosk_app.views.window import SCREEN_SIZES, KioskWindow


@dataclass
class Kiosk:
    """A running kiosk's parts (tests, screenshots and the benchmark build one too)."""

    model: KioskModel
    window: KioskWindow
    bridge: ClientBridge
    api: BranchApi
    printer: PrinterWorker

    def stop(self) -> None:
        self.model.stop()
        self.window.close()
        with contextlib.suppress(Exception):  # closing: a server that is gone changes nothing
            self.bridge.run_sync(self.api.aclose(), timeout_s=5.0)
        self.bridge.stop()
        self.printer.close()


def build_kiosk(
    config: KioskConfig,
    *,
    printer: TicketPrinter | None = None,
    size: QSize | None = None,
    stream_options: dict[str, float] | None = None,
) -> Kiosk:
    """Everything wired and started; a QApplication must exist. ``printer``: default from
    the config's ``[printer]``."""
    bridge = ClientBridge()
    api = BranchApi(config.server.url, token=config.token, timeout_s=config.server.timeout_s)
    worker = PrinterWorker(printer or open_printer(config.printer.settings()))
    model = KioskModel(config, bridge=bridge, api=api, printer=worker)
    window = KioskWindow(model, size=size)
    model.start(**(stream_options or {}))
    return Kiosk(model=model, window=window, bridge=bridge, api=api, printer=worker)


def run(config: KioskConfig, *, windowed: bool) -> int:
    """Open the kiosk window (full screen unless ``windowed``) until closed, SIGINT or SIGTERM."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    try:
        printer = open_printer(config.printer.settings())
    except PrinterError as exc:
        print(f"kiosk: printer {config.printer.id!r}: {exc}", file=sys.stderr)
        return 2
    size = None
    if windowed:  # fit a development screen, keeping the kiosk's proportions
        full = SCREEN_SIZES[config.screen.orientation]
        screen = app.primaryScreen()
        if screen is not None:
            available = screen.availableGeometry()
            scale = min(
                1.0,
                0.9 * available.height() / full.height(),
                0.9 * available.width() / full.width(),
            )
            size = QSize(round(full.width() * scale), round(full.height() * scale))
    kiosk = build_kiosk(config, printer=printer, size=size)
    if windowed or not config.screen.fullscreen:
        kiosk.window.show()
    else:
        kiosk.window.showFullScreen()
    wake = quit_on_signals(app)
    try:
        return int(app.exec())
    finally:
        wake.stop()
        kiosk.stop()
