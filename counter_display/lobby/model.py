"""``LobbyModel``: the lobby display's view-model (a QObject with signals, no widgets).

It applies the server's messages to a ``LobbyState``, holds the branch's name, notices and
phone numbers, decides whether a call is spoken (this display speaks, not in quiet hours, not
too old) and hands calls to speak out through ``announcement_due``. Views listen to
``changed``, ``flash_requested`` and ``connection_changed``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PyQt6.QtCore import QObject, pyqtSignal

from branchq_voice.announcer import SpokenCall
from counter_display.lobby.config import LobbyConfig
from counter_display.lobby.memory import CallMemory
from counter_display.lobby.state import Announcement, LobbyState, ShownCall
from server.contract.common import Bilingual
from server.contract.events import QueueInfo, ServerMessage
from server.contract.rest import BranchInfo

log = logging.getLogger("branchq.lobby.model")


class LobbyModel(QObject):
    changed = pyqtSignal()  # anything on screen changed (queues, calls, emergency, branch)
    flash_requested = pyqtSignal(object)  # ShownCall: a new call or a recall, flash it
    connection_changed = pyqtSignal(bool)
    announcement_due = pyqtSignal(object)  # SpokenCall: speak it (only when this display speaks)

    def __init__(
        self,
        config: LobbyConfig,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        monotonic: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.config = config
        self.clock = clock
        self.monotonic = monotonic
        memory = CallMemory(config.voice.announced_file) if config.voice.announced_file else None
        self.state = LobbyState(
            history=config.screen.history,
            max_call_age_s=config.voice.max_call_age_s,
            remembered=memory.load() if memory is not None else (),
            on_remember=memory.add if memory is not None else lambda _key: None,
        )
        self.branch: BranchInfo | None = None
        self.online = False
        self.refused = False  # the server refused this display's token
        self.not_spoken: list[str] = []  # keys of calls not spoken (old or quiet), for tests

    # --- inputs ---------------------------------------------------------------------------
    def apply(self, message: ServerMessage) -> None:
        outcome = self.state.apply(message, self.monotonic())
        for announcement in outcome.announce:  # first: starting the voice takes no time
            self._speak(announcement)
        if outcome.flash is not None:
            self.flash_requested.emit(outcome.flash)
        if outcome.changed:
            self.changed.emit()

    def set_online(self, online: bool) -> None:
        if online:
            self.refused = False
        if online != self.online:
            self.online = online
            self.connection_changed.emit(online)

    def set_refused(self) -> None:
        """The server refused the display's token: say so on screen until it is accepted."""
        self.refused = True
        self.online = False
        self.connection_changed.emit(False)

    def set_branch(self, branch: BranchInfo) -> None:
        self.branch = branch
        self.changed.emit()

    # --- what the view reads --------------------------------------------------------------
    @property
    def newest(self) -> ShownCall | None:
        return self.state.newest

    @property
    def earlier_calls(self) -> list[ShownCall]:
        return self.state.calls[1 : 1 + self.config.screen.history]

    @property
    def queues(self) -> list[QueueInfo]:
        return sorted(self.state.queues.values(), key=lambda q: q.service_code)

    @property
    def emergency(self) -> Bilingual | None:
        return self.state.emergency

    @property
    def branch_name(self) -> Bilingual:
        if self.branch is None:
            return Bilingual(zh="", en="")
        return self.branch.name

    def notices(self) -> list[Bilingual]:
        """The notice bar's items: the branch's notices, then its phone numbers."""
        items: list[Bilingual] = []
        if self.branch is None:
            return items
        items.extend(self.branch.notices)
        for contact in self.branch.contacts:
            items.append(
                Bilingual(
                    zh=f"{contact.label.zh} {contact.phone}",
                    en=f"{contact.label.en} {contact.phone}",
                )
            )
        return items

    def local_now(self) -> datetime:
        now = self.clock()
        if self.branch is not None:
            try:
                return now.astimezone(ZoneInfo(self.branch.timezone))
            except (ZoneInfoNotFoundError, ValueError):
                pass
        return now.astimezone()

    def speaks_now(self) -> bool:
        voice = self.config.voice
        return voice.speak and not voice.quiet_at(self.local_now().time())

    # --- speaking -------------------------------------------------------------------------
    def _speak(self, announcement: Announcement) -> None:
        if not self.speaks_now():
            if self.config.voice.speak:
                log.info("quiet hours: %s not spoken", announcement.ticket_number)
            self.not_spoken.append(announcement.key)
            return
        left_s = self.config.voice.max_call_age_s - announcement.age_s
        self.announcement_due.emit(
            SpokenCall(
                key=announcement.key,
                ticket_number=announcement.ticket_number,
                counter_number=announcement.counter_number,
                speak_by=announcement.received_mono + left_s,
            )
        )
