"""``CounterConfig``: one TOML file per counter terminal (see deploy/counter-example.toml).

The password is never in this file: the teller types it, or, for an unattended demo or a test
bench, it is read from the environment variable named by ``password_env`` or from the file named
by ``password_file`` (its first line).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class CounterConfigError(Exception):
    """The terminal's TOML file cannot be used; the message names the file and the key."""


class CounterConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    server_url: str = Field(default="http://127.0.0.1:8000", pattern=r"^https?://")
    counter: int = Field(ge=1, le=999)  # the counter this terminal stands at
    language: Literal["zh", "en"] = "zh"  # the teller's language on screen
    fullscreen: bool = True  # false: a 1280x800 window (also --windowed)
    timeout_s: float = Field(default=3.0, gt=0, le=30)  # seconds per request
    username: str = ""  # filled in the sign-in dialog
    password_env: str = ""  # name of an environment variable holding the password
    password_file: str = ""  # path of a file whose first line is the password

    def password(self) -> str | None:
        """The unattended sign-in password, when the file names one; else None."""
        if self.password_env:
            value = os.environ.get(self.password_env, "")
            if value:
                return value
        if self.password_file:
            try:
                lines = Path(self.password_file).read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                raise CounterConfigError(
                    f"password_file {self.password_file!r}: cannot read it ({exc.strerror})"
                ) from exc
            if lines and lines[0]:
                return lines[0]
        return None


def load_config(path: Path) -> CounterConfig:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CounterConfigError(f"{path}: cannot read it ({exc.strerror})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CounterConfigError(f"{path}: not valid TOML ({exc})") from exc
    try:
        return CounterConfig.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']} (got {e.get('input')!r})"
            for e in exc.errors()
        )
        raise CounterConfigError(f"{path}: {problems}") from exc
