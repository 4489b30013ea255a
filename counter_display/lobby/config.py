"""The lobby display's settings: one TOML file per display (``deploy/lobby-example.toml``).

Relative paths (token file, voice pack) are relative to the working directory. The display's
device token comes from, in order: the environment variable named by ``server.token_env``
(default ``BRANCHQ_DEVICE_TOKEN``), ``server.token_file``, ``server.token``.
"""

from __future__ import annotations

import os
import re
import tomllib
from datetime import time
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from counter_display.lobby.errors import LobbyConfigError

_QUIET = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ServerSection(_Strict):
    url: str = "http://127.0.0.1:8000"
    token_env: str | None = "BRANCHQ_DEVICE_TOKEN"
    token_file: Path | None = None  # a file holding the display's device token
    token: str | None = None  # prefer token_env or token_file: secrets do not belong here

    def resolve_token(self) -> str:
        if self.token_env and os.environ.get(self.token_env):
            return os.environ[self.token_env].strip()
        if self.token_file is not None:
            try:
                text = self.token_file.read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise LobbyConfigError(f"server.token_file {self.token_file}: {exc}") from exc
            if not text:
                raise LobbyConfigError(f"server.token_file {self.token_file}: the file is empty")
            return text
        if self.token:
            return self.token
        raise LobbyConfigError(
            "no device token: set the environment variable "
            f"{self.token_env or 'named by server.token_env'}, server.token_file or server.token "
            "(create one with 'branchq admin create-device lobby-1 --role display')"
        )


class ScreenSection(_Strict):
    orientation: Literal["landscape", "portrait"] = "landscape"  # 1920x1080 or 1080x1920
    history: int = Field(default=8, ge=6, le=10)  # earlier calls listed under the newest
    flash_count: int = Field(default=3, ge=0, le=10)  # times the newest call flashes
    flash_period_ms: int = Field(default=700, ge=200, le=3000)  # one on+off flash
    notice_speed_px_s: int = Field(default=120, ge=20, le=600)  # notice bar scroll speed


class VoiceSection(_Strict):
    speak: bool = False  # only displays configured to speak speak (one per room is enough)
    languages: tuple[Literal["zh", "en"], ...] = ("zh", "en")  # spoken, in this order
    volume: float = Field(default=0.8, ge=0.0, le=1.0)  # 0..1
    quiet_hours: tuple[str, ...] = ()  # "HH:MM-HH:MM", branch local time
    max_call_age_s: float = Field(default=60.0, gt=0)  # older calls are shown, not spoken
    output: str = "default://"  # default://[DEVICE], file:///abs/path.wav or null://
    pack: Path = Path("var/voice/default")  # a voice pack folder (make-voice-pack)
    # calls already announced, kept across restarts of this display (none: in memory only)
    announced_file: Path | None = None

    @field_validator("languages")
    @classmethod
    def _distinct(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value or len(set(value)) != len(value):
            raise ValueError("list each language once, at least one")
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _hours(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            if not _QUIET.match(item):
                raise ValueError(f"{item!r}: expected HH:MM-HH:MM, e.g. 22:00-07:00")
        return value

    def quiet_at(self, now: time) -> bool:
        """Is ``now`` (branch local time) in a quiet period? Periods may cross midnight."""
        for item in self.quiet_hours:
            m = _QUIET.match(item)
            assert m is not None
            start = time(int(m[1]), int(m[2]))
            end = time(int(m[3]), int(m[4]))
            inside = start <= now < end if start <= end else (now >= start or now < end)
            if inside:
                return True
        return False


class LobbyConfig(_Strict):
    name: str = "lobby-1"  # how this display is named in logs
    server: ServerSection = Field(default_factory=ServerSection)
    screen: ScreenSection = Field(default_factory=ScreenSection)
    voice: VoiceSection = Field(default_factory=VoiceSection)


def load_lobby_config(path: str | Path) -> LobbyConfig:
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise LobbyConfigError(f"{p}: no such file") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise LobbyConfigError(f"{p}: not valid TOML: {exc}") from exc
    try:
        return LobbyConfig.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            key = ".".join(str(part) for part in err["loc"])
            problems.append(f"{key}: {err['msg']}" if key else err["msg"])
        raise LobbyConfigError(f"{p}: " + "; ".join(problems)) from exc
