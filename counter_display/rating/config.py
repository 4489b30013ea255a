"""The rating pad's settings: one TOML file per pad (``deploy/rating-example.toml``), or none
(``branchq rate run --counter N`` with the defaults).

The pad's device token (role ``rating_pad``) comes from, in order: the environment variable
named by ``server.token_env`` (default ``BRANCHQ_DEVICE_TOKEN``), ``server.token_file``,
``server.token``.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class RatingPadConfigError(Exception):
    """The pad's file or its token cannot be used; the message names the file and the key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ServerSection(_Strict):
    url: str = Field(default="http://127.0.0.1:8000", pattern=r"^https?://")
    token_env: str | None = "BRANCHQ_DEVICE_TOKEN"
    token_file: Path | None = None  # a file holding only the pad's device token
    token: str | None = None  # prefer token_env or token_file: secrets do not belong here
    timeout_s: float = Field(default=3.0, gt=0, le=30)  # seconds per request

    def resolve_token(self, pad_name: str) -> str:
        if self.token_env and os.environ.get(self.token_env):
            return os.environ[self.token_env].strip()
        if self.token_file is not None:
            try:
                text = self.token_file.read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise RatingPadConfigError(f"server.token_file {self.token_file}: {exc}") from exc
            if text:
                return text
            raise RatingPadConfigError(f"server.token_file {self.token_file}: the file is empty")
        if self.token:
            return self.token
        raise RatingPadConfigError(
            "no device token: set the environment variable "
            f"{self.token_env or 'named by server.token_env'}, server.token_file or server.token "
            f"(create one with 'branchq admin create-device {pad_name} --role rating_pad')"
        )


class ScreenSection(_Strict):
    language: Literal["zh", "en"] = "zh"  # what a new customer sees first
    orientation: Literal["landscape", "portrait"] = "landscape"  # 1280x800 or 800x1280
    fullscreen: bool = True  # `--windowed` overrides it
    ask_s: int = Field(default=60, ge=5, le=600)  # seconds the question waits for a tap
    reasons_s: int = Field(default=30, ge=5, le=600)  # seconds without a tap on the reasons
    thanks_s: int = Field(default=6, ge=1, le=120)  # seconds the thank-you stays
    complaint_s: int = Field(default=120, ge=10, le=900)  # seconds without a tap on the form


class RatingPadConfig(_Strict):
    counter: int = Field(ge=1, le=999)  # the counter this pad stands at
    name: str = ""  # how this pad is named in logs (default: rating-<counter>)
    server: ServerSection = Field(default_factory=ServerSection)
    screen: ScreenSection = Field(default_factory=ScreenSection)

    @property
    def pad_name(self) -> str:
        return self.name or f"rating-{self.counter}"


def load_config(path: Path | None, **overrides: Any) -> RatingPadConfig:
    """The pad's file (None: defaults) with ``overrides`` (``counter``, ``server.url`` as
    ``server_url``, ``fullscreen``) from the command line."""
    data: dict[str, Any] = {}
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise RatingPadConfigError(f"{path}: cannot read it ({exc.strerror})") from exc
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise RatingPadConfigError(f"{path}: not valid TOML ({exc})") from exc
    if overrides.get("counter") is not None:
        data["counter"] = overrides["counter"]
    if overrides.get("server_url") is not None:
        data["server"] = {**data.get("server", {}), "url": overrides["server_url"]}
    if overrides.get("language") is not None:
        data["screen"] = {**data.get("screen", {}), "language": overrides["language"]}
    if overrides.get("orientation") is not None:
        data["screen"] = {**data.get("screen", {}), "orientation": overrides["orientation"]}
    try:
        return RatingPadConfig.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
            + (f" (got {e['input']!r})" if e["type"] != "missing" else "")
            for e in exc.errors()
        )
        raise RatingPadConfigError(f"{path or 'rating pad'}: {problems}") from exc
