"""``kiosk.toml``: one file per kiosk (server, screen, timings, printer).

The printer's settings (URL, paper width, encoding, Chinese mode bytes, raster fallback) are
NOT repeated here: ``[printer]`` names a printer of the site device file (``site`` + ``id``),
the one place they are written; or, for a kiosk without a site file, holds the same keys as a
site file's ``[[printers]]`` entry. ``deploy/kiosk-example.toml`` documents every key.
Any problem raises ``KioskConfigError`` naming the file, the key and what was expected.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from drivers.printer import PrinterError
from drivers.site import PrinterEntry, SiteConfigError, load_site
from server.contract.common import Language


class KioskConfigError(Exception):
    """The kiosk file is missing, not TOML, or has a bad value."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ServerSection(_Strict):
    url: str = "http://127.0.0.1:8000"
    token_env: str = "BRANCHQ_DEVICE_TOKEN"  # environment variable holding the device token
    token_file: str | None = None  # or a file holding it (relative to the kiosk file)
    timeout_s: float = Field(default=3.0, gt=0)  # seconds per request


class ScreenSection(_Strict):
    language: Language = Language.ZH  # the language a new customer sees
    orientation: Literal["portrait", "landscape"] = "portrait"  # 1080x1920 or 1920x1080
    fullscreen: bool = True  # `branchq kiosk run --windowed` overrides it
    idle_timeout_s: float = Field(default=60.0, gt=0)  # back home, language reset, seconds
    ticket_screen_s: float = Field(default=8.0, gt=0)  # ticket screen after a print, seconds
    unprinted_screen_s: float = Field(default=45.0, gt=0)  # when the print failed, seconds
    notice_screen_s: float = Field(default=8.0, gt=0)  # "no ticket: ..." screens, seconds
    notice_rotate_s: float = Field(default=10.0, gt=0)  # each safety notice shown, seconds


class TimingSection(_Strict):
    printer_poll_s: float = Field(default=5.0, gt=0)  # printer status while idle, seconds
    printer_poll_fault_s: float = Field(default=2.0, gt=0)  # while a reprint waits, seconds
    heartbeat_interval_s: int = Field(default=30, ge=1, le=3600)  # seconds
    retry_s: float = Field(default=3.0, gt=0)  # server unreachable: retry every, seconds
    retry_for_s: float = Field(default=120.0, gt=0)  # a tap's key is reused this long, seconds


class KioskConfig(_Strict):
    server: ServerSection = ServerSection()
    screen: ScreenSection = ScreenSection()
    timing: TimingSection = TimingSection()
    printer: PrinterEntry
    token: str = Field(default="", repr=False)  # resolved from token_env / token_file


def load_kiosk_config(path: str | Path) -> KioskConfig:
    """Read ``kiosk.toml``, resolve its printer and its token."""
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise KioskConfigError(f"{p}: no such file") from exc
    except tomllib.TOMLDecodeError as exc:
        raise KioskConfigError(f"{p}: not valid TOML: {exc}") from exc
    printer = data.pop("printer", None)
    if not isinstance(printer, dict):
        raise KioskConfigError(
            f"{p}: printer: missing; expected a [printer] table with site + id, or url"
        )
    data["printer"] = _printer_entry(p, printer)
    try:
        config = KioskConfig.model_validate(data)
    except ValidationError as exc:
        raise KioskConfigError(f"{p}: {_problems(exc)}") from exc
    return config.model_copy(update={"token": _token(p, config.server)})


def _printer_entry(path: Path, table: dict[str, Any]) -> PrinterEntry:
    """This kiosk's printer: from the site file (``site`` + ``id``) or written here."""
    if "site" in table:
        extra = sorted(set(table) - {"site", "id"})
        if extra:
            raise KioskConfigError(
                f"{path}: printer: with site, give only id (the printer's settings are in the "
                f"site file); unexpected {extra}"
            )
        site_path = path.parent / str(table["site"])
        try:
            return load_site(site_path).printer(table.get("id"))
        except SiteConfigError as exc:
            raise KioskConfigError(f"{path}: printer: {site_path}: {exc}") from exc
    try:
        entry = PrinterEntry.model_validate({"id": "kiosk-printer", **table})
        entry.settings()  # a contradiction between the url and the keys beside it
    except (ValidationError, PrinterError) as exc:
        problem = _problems(exc) if isinstance(exc, ValidationError) else str(exc)
        raise KioskConfigError(f"{path}: printer: {problem}") from exc
    return entry


def _token(path: Path, server: ServerSection) -> str:
    if server.token_env and os.environ.get(server.token_env):
        return os.environ[server.token_env].strip()
    if server.token_file:
        token_path = path.parent / server.token_file
        try:
            return token_path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise KioskConfigError(
                f"{path}: server.token_file: cannot read {token_path}: {exc.strerror}"
            ) from exc
    return ""


def _problems(exc: ValidationError) -> str:
    problems = []
    for err in exc.errors():
        key = ".".join(str(part) for part in err["loc"])
        problems.append(f"{key}: {err['msg']}" if key else err["msg"])
    return "; ".join(problems)
