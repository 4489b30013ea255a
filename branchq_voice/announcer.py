"""``Announcer``: speaks calls one after another, in the order they were handed in.

``say(call)`` queues a call and returns at once. One announcement plays at a time: the next
starts only when the output reports the previous one finished, so announcements never
overlap, and a burst of calls is spoken in call order. A call whose ``speak_by`` deadline
(``time.monotonic()``) has passed when its turn comes is dropped unspoken (``skipped``): after
a long burst the display still shows it, but nobody is sent to a counter minutes late.

Clips are concatenated when a call's turn comes (``VoicePack.render``), which takes well under
a millisecond per clip, so speaking starts at once. Not thread-safe: use it from one thread
(the GUI thread in the lobby).
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from branchq_voice.errors import VoiceError
from branchq_voice.output import AudioOutput
from branchq_voice.pack import VoicePack

log = logging.getLogger("branchq.voice.announcer")


@dataclass(frozen=True)
class SpokenCall:
    key: str  # identity of the call (the lobby uses ticket id + call time)
    ticket_number: str  # "A023"
    counter_number: int
    speak_by: float | None = None  # time.monotonic() after which it is no longer spoken


class Announcer:
    def __init__(
        self,
        pack: VoicePack,
        output: AudioOutput,
        *,
        languages: list[str],
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        for code in languages:
            pack.recipe(code)  # an unknown language fails here, at start-up
        self.pack = pack
        self.output = output
        self.languages = list(languages)
        self._monotonic = monotonic
        self._queue: deque[SpokenCall] = deque()
        self._current: SpokenCall | None = None
        self._pumping = False
        self.spoken: list[str] = []  # keys, in the order they were played
        self.skipped: list[str] = []  # keys dropped because their deadline passed
        self.on_started: Callable[[SpokenCall], None] = lambda _call: None
        self.on_finished: Callable[[SpokenCall], None] = lambda _call: None

    @property
    def busy(self) -> bool:
        return self._current is not None

    @property
    def pending(self) -> int:
        return len(self._queue)

    def say(self, call: SpokenCall) -> None:
        self._queue.append(call)
        self._pump()

    def clear(self) -> None:
        """Forget every call not yet started (the one playing finishes)."""
        self._queue.clear()

    def _pump(self) -> None:
        if self._pumping:
            return  # an output that finishes inside play() comes back here: the loop goes on
        self._pumping = True
        try:
            while self._current is None and self._queue:
                call = self._queue.popleft()
                if call.speak_by is not None and self._monotonic() > call.speak_by:
                    log.info("not speaking %s: too old by now", call.ticket_number)
                    self.skipped.append(call.key)
                    continue
                rendered = self.pack.render(call.ticket_number, call.counter_number, self.languages)
                self._current = call
                self.on_started(call)
                try:
                    self.output.play(rendered, self._finished)
                except VoiceError as exc:
                    log.error("cannot speak %s: %s", call.ticket_number, exc)
                    self._current = None
        finally:
            self._pumping = False

    def _finished(self) -> None:
        call = self._current
        self._current = None
        if call is not None:
            self.spoken.append(call.key)
            self.on_finished(call)
        self._pump()
