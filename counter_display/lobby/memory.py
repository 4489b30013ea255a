"""``CallMemory``: the identities of calls a display has announced, kept in a small file, so
a display that restarts (power cut, update) does not announce the same calls again.

One identity per line, appended as each call is handed to the voice; on start the last
``keep`` lines are read back. The file is rewritten with only those when it has grown to twice
that. A missing file is an empty memory; an unreadable one is reported and ignored (the
display then behaves as a fresh one: calls younger than ``max_call_age_s`` are spoken).
"""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger("branchq.lobby.memory")


class CallMemory:
    def __init__(self, path: Path, *, keep: int = 2000) -> None:
        self.path = path
        self.keep = keep
        self._lines = 0

    def load(self) -> list[str]:
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        except (OSError, UnicodeDecodeError) as exc:
            log.warning("announced calls file %s not read (%s); starting afresh", self.path, exc)
            return []
        self._lines = len(lines)
        return [line for line in lines[-self.keep :] if line]

    def add(self, key: str) -> None:
        try:
            if self._lines >= 2 * self.keep:
                kept = self.load()[-self.keep + 1 :]
                self.path.write_text("".join(k + "\n" for k in [*kept, key]), encoding="utf-8")
                self._lines = len(kept) + 1
                return
            with self.path.open("a", encoding="utf-8") as f:
                f.write(key + "\n")
            self._lines += 1
        except OSError as exc:
            log.warning("announced calls file %s not written: %s", self.path, exc)
