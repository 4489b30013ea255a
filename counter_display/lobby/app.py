"""Wiring of one lobby display: config -> shared client -> view-model -> window and voice.

``LobbyApp`` owns the ``ClientBridge`` (the shared client's asyncio loop in a QThread), the
``LobbyModel``, the ``LobbyWindow`` and, on a display that speaks, the ``Announcer``. The GUI
thread never waits on the network: the branch's name, notices and phone numbers are fetched
through ``bridge.call`` at start and after every reconnect, events arrive as signals.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from PyQt6.QtCore import QObject

from branchq_client import BranchApi
from branchq_client.qt import ClientBridge, Heartbeats
from branchq_voice.announcer import Announcer
from branchq_voice.output import AudioOutput, NullOutput, open_output_or_null
from branchq_voice.pack import VoicePack
from counter_display.lobby.config import LobbyConfig
from counter_display.lobby.model import LobbyModel
from counter_display.lobby.view import LobbyWindow
from server.contract.auth import ComponentReport, Heartbeat
from server.contract.common import DeviceStatus
from server.contract.rest import BranchInfo

log = logging.getLogger("branchq.lobby")


def build_announcer(config: LobbyConfig) -> Announcer | None:
    """The voice of a display configured to speak (None otherwise). Loads and checks the
    whole voice pack now: a missing or mismatched clip raises ``VoicePackError`` at start-up."""
    voice = config.voice
    if not voice.speak:
        return None
    pack = VoicePack.load(voice.pack)
    output: AudioOutput = open_output_or_null(voice.output, volume=voice.volume)
    if not output.url.startswith("default"):
        pack = pack.scaled(voice.volume)  # a sound device applies the volume itself
    if isinstance(output, NullOutput) and voice.output.startswith("default"):
        log.warning("lobby %s speaks into null://: no sound device", config.name)
    return Announcer(pack, output, languages=list(voice.languages))


class LobbyApp(QObject):
    def __init__(
        self,
        config: LobbyConfig,
        *,
        token: str,
        announcer: Announcer | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.config = config
        self.token = token
        self.announcer = announcer
        self.model = LobbyModel(config, clock=clock, monotonic=monotonic)
        self.window = LobbyWindow(self.model)
        self.bridge = ClientBridge()
        self._api: BranchApi | None = None
        self.heartbeats = Heartbeats(self.bridge, self._send_beat, self._beat)
        self._stopped = False
        self.bridge.message_received.connect(self.model.apply)
        self.bridge.connection_changed.connect(self._connection_changed)
        self.bridge.stream_refused.connect(self._refused)
        if announcer is not None:
            self.model.announcement_due.connect(announcer.say)

    def start(self) -> None:
        self.bridge.start_stream(
            self.config.server.url, self.token, min_backoff_s=0.1, max_backoff_s=2.0
        )
        self.fetch_branch()
        self.heartbeats.start()

    def _rest(self) -> BranchApi:
        """The REST client (made on the bridge's loop, where every call of it runs)."""
        if self._api is None:
            self._api = BranchApi(self.config.server.url, token=self.token)
        return self._api

    def fetch_branch(self) -> None:
        async def fetch() -> BranchInfo:
            return await self._rest().branch()

        self.bridge.call(fetch, on_result=self.model.set_branch, on_error=self._fetch_failed)

    async def _send_beat(self, beat: Heartbeat) -> object:
        return await self._rest().heartbeat(beat)

    def _beat(self) -> Heartbeat:
        """Running; its voice a component: a display meant to speak with no sound device (it
        speaks into null://) is a WARNING for the technician."""
        components = []
        if self.announcer is not None:
            output = self.announcer.output
            silent = isinstance(output, NullOutput)
            components.append(
                ComponentReport(
                    id="voice",
                    kind="audio",
                    status=DeviceStatus.WARNING if silent else DeviceStatus.OK,
                    detail="no sound device: calls are not spoken" if silent else output.url,
                )
            )
        worst = (
            DeviceStatus.WARNING
            if any(c.status != DeviceStatus.OK for c in components)
            else DeviceStatus.OK
        )
        detail = "calls shown; not spoken (no sound device)" if worst != DeviceStatus.OK else ""
        return Heartbeat(status=worst, detail=detail, components=components)

    def _fetch_failed(self, error: BaseException) -> None:
        log.warning("lobby %s: branch details not loaded: %s", self.config.name, error)

    def _connection_changed(self, online: bool) -> None:
        self.model.set_online(online)
        if online:
            self.fetch_branch()  # names, notices and phone numbers may have changed

    def _refused(self, error: object) -> None:
        self.model.set_refused()
        log.error(
            "lobby %s: the server refused the device token (%s); create one with "
            "'branchq admin create-device %s --role display'",
            self.config.name,
            error,
            self.config.name,
        )

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        self.heartbeats.stop()
        api, self._api = self._api, None
        if api is not None:
            try:
                self.bridge.run_sync(api.aclose(), timeout_s=2.0)
            except Exception as exc:  # shutting down: say it, go on
                log.warning("lobby %s: closing the REST client: %r", self.config.name, exc)
        self.bridge.stop()
        if self.announcer is not None:
            self.announcer.output.close()
        self.window.close()
