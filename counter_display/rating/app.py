"""Wiring of one rating pad: config -> shared client (``BranchApi``, ``ClientBridge``) ->
``RatingPadModel`` -> ``RatingPadWindow``."""

from __future__ import annotations

import logging
import sys

from PyQt6.QtCore import QObject
from PyQt6.QtGui import QFont
from PyQt6.QtWidgets import QApplication

from branchq_client import BranchApi
from branchq_client.qt import ClientBridge, Heartbeats, quit_on_signals
from counter_display.rating.config import RatingPadConfig
from counter_display.rating.model import RatingPadModel
from counter_display.rating.view import RatingPadWindow
from server.contract.auth import Heartbeat
from server.contract.common import DeviceStatus

log = logging.getLogger("branchq.rating")

SIZES = {"landscape": (1280, 800), "portrait": (800, 1280)}


class RatingPadApp(QObject):
    def __init__(self, config: RatingPadConfig, *, token: str) -> None:
        super().__init__()
        self.config = config
        self.token = token
        self.bridge = ClientBridge()
        # made on the bridge's loop: every call of it runs there
        self.api: BranchApi = self.bridge.run_sync(self._make_api())
        self.model = RatingPadModel(config, self.bridge, self.api)
        self.window = RatingPadWindow(self.model)
        self.window.resize(*SIZES[config.screen.orientation])
        self.bridge.message_received.connect(self.model.apply)
        self.bridge.connection_changed.connect(self.model.set_online)
        self.bridge.stream_refused.connect(self._refused)
        self.heartbeats = Heartbeats(self.bridge, self.api.heartbeat, self._beat)
        self._stopped = False

    async def _make_api(self) -> BranchApi:
        server = self.config.server
        return BranchApi(server.url, token=self.token, timeout_s=server.timeout_s, retries=2)

    def start(self) -> None:
        self.bridge.start_stream(
            self.config.server.url, self.token, min_backoff_s=0.1, max_backoff_s=2.0
        )
        self.heartbeats.start()

    def _beat(self) -> Heartbeat:
        """Running, at its counter (the pad has no device of its own to report on)."""
        return Heartbeat(
            status=DeviceStatus.OK, detail=f"rating pad at counter {self.config.counter}"
        )

    def _refused(self, error: object) -> None:
        self.model.set_refused()
        log.error(
            "rating pad %s: the server refused the device token (%s); create one with "
            "'branchq admin create-device %s --role rating_pad'",
            self.config.pad_name,
            error,
            self.config.pad_name,
        )

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        self.heartbeats.stop()
        try:
            self.bridge.run_sync(self.api.aclose(), timeout_s=2.0)
        except Exception as exc:  # shutting down: say it, go on
            log.warning("rating pad %s: closing the REST client: %r", self.config.pad_name, exc)
        self.bridge.stop()
        self.window.close()


def run(config: RatingPadConfig, *, token: str, windowed: bool = False) -> int:
    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(qt_app, QApplication)
    qt_app.setFont(QFont("Noto Sans CJK SC", 12))
    pad = RatingPadApp(config, token=token)
    if config.screen.fullscreen and not windowed:
        pad.window.showFullScreen()
    else:
        pad.window.show()
    pad.start()
    print(
        f"rating pad {config.pad_name}: counter {config.counter} at {config.server.url} "
        f"({config.screen.orientation}); Ctrl-C stops",
        flush=True,
    )
    wake = quit_on_signals(qt_app)
    try:
        return int(qt_app.exec())
    finally:
        wake.stop()
        pad.stop()
