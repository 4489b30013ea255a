"""A printer's settings from one source of truth: its URL options and the settings given beside it.

A printer's settings (paper width, encoding, Chinese mode bytes, raster CJK fallback, python-escpos
model profile, GS r confirmation, status timeout) may be written in two places: as options of the
printer URL (``tcp://10.0.0.9:9100?paper=58``) or beside the URL, as keys of the site file's
``[[printers]]`` entry or keyword arguments / command-line options. The rule:

- each setting is given once, in either place; a setting given in both places with different
  values is refused (``PrinterSettingsError`` names both), the same value twice is accepted;
- a setting given nowhere takes the default of ``PrinterProfile`` (one set of defaults, here).

``printer_settings()`` applies the rule; ``drivers.site.load_printer_settings()`` applies it to a
site file's printer; ``open_printer()`` opens a printer from the result.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace

from drivers.printer.errors import PrinterError, PrinterUrlError, TicketRenderError
from drivers.printer.render import PrinterProfile
from drivers.printer.url import PrinterAddress, parse_printer_url

DEFAULT_TIMEOUT_S = 2.0


class PrinterSettingsError(PrinterError, ValueError):
    """Settings given beside a printer URL contradict the URL's own options, or are invalid."""


def _bool(address: PrinterAddress, option: str) -> object:
    return address.option_bool(option)


def _number(address: PrinterAddress, option: str) -> object:
    return address.option_number(option)


def _text(address: PrinterAddress, option: str) -> object:
    value = address.options.get(option)
    return None if value is None else value.strip()


def _paper(address: PrinterAddress, option: str) -> object:
    value = address.options.get(option)
    if value is None:
        return None
    if value not in ("58", "80"):
        raise PrinterUrlError(f"printer url {address.url!r}: {option}={value!r}; expected 58 or 80")
    return int(value)


@dataclass(frozen=True)
class _Setting:
    key: str  # the key beside the URL (site file, keyword argument), also PrinterSettings' name
    url_option: str  # the same setting as a URL option
    read: Callable[[PrinterAddress, str], object]
    normalise: Callable[[object], object] = lambda v: v


SETTINGS = (
    _Setting("paper_mm", "paper", _paper),
    _Setting("encoding", "encoding", _text, lambda v: str(v).lower()),
    _Setting("chinese_mode_bytes", "mode_bytes", _bool),
    _Setting("raster_cjk", "raster", _bool),
    _Setting("model", "model", _text),
    _Setting("confirm_print", "confirm", _bool),
    _Setting("timeout_s", "timeout", _number, lambda v: _to_float(v)),
)
SETTING_KEYS = tuple(s.key for s in SETTINGS)
_PROFILE_FIELDS = frozenset(f.name for f in fields(PrinterProfile))


@dataclass(frozen=True)
class PrinterSettings:
    """Everything needed to open one printer: where it is and how to talk to it."""

    url: str
    profile: PrinterProfile
    timeout_s: float = DEFAULT_TIMEOUT_S
    printer_id: str = ""

    @property
    def address(self) -> PrinterAddress:
        return parse_printer_url(self.url)

    def describe(self) -> str:
        """One line for diagnostics: the settings in effect."""
        p = self.profile
        mode = "FS & / FS . around Chinese" if p.chinese_mode_bytes else "no Chinese mode bytes"
        chinese = "Chinese drawn as images" if p.raster_cjk else f"Chinese as {p.encoding} text"
        confirm = "GS r confirmation" if p.confirm_print else "no GS r confirmation"
        return (
            f"{p.paper_mm} mm, {chinese}, {mode}, model {p.model}, {confirm}, "
            f"timeout {self.timeout_s:g} s"
        )


def printer_settings(
    url: str,
    given: Mapping[str, object] | None = None,
    *,
    base: PrinterProfile | None = None,
    source: str = "",
    printer_id: str = "",
) -> PrinterSettings:
    """The settings of the printer at ``url``, with ``given`` settings beside it.

    ``given`` maps setting keys (``SETTING_KEYS``) to values; ``None`` means not given. ``base``
    supplies what neither the URL nor ``given`` sets (default: ``PrinterProfile()``); a setting
    where ``base`` differs from the default counts as given (a contradiction is refused).
    ``source`` names where ``given`` came from, for messages (e.g. "site.toml printers[kiosk-1]").
    Raises ``PrinterUrlError`` for a bad URL and ``PrinterSettingsError`` for a contradiction or
    a bad value.
    """
    given = dict(given or {})
    if base is not None:
        for key, value in _changed_settings(base).items():
            given.setdefault(key, value)
            if given[key] is None:
                given[key] = value
    unknown = sorted(set(given) - set(SETTING_KEYS))
    if unknown:
        raise PrinterSettingsError(
            f"unknown printer setting(s) {unknown}; expected some of {list(SETTING_KEYS)}"
        )
    address = parse_printer_url(url)
    where = f"{source}: " if source else ""
    in_url = {
        s.key: s.normalise(v) for s in SETTINGS if (v := s.read(address, s.url_option)) is not None
    }
    start = base or PrinterProfile()
    try:  # a bad value in the url is the url's fault, whatever is given beside it
        _profile(start, in_url)
    except TicketRenderError as exc:
        raise PrinterUrlError(f"printer url {url!r}: {exc}") from exc
    chosen = dict(in_url)
    for setting in SETTINGS:
        beside = given.get(setting.key)
        if beside is None:
            continue
        try:
            beside = setting.normalise(beside)
        except (TypeError, ValueError) as exc:
            raise PrinterSettingsError(f"{where}{setting.key} = {beside!r}: {exc}") from exc
        if setting.key in in_url and in_url[setting.key] != beside:
            raise PrinterSettingsError(
                f"{where}{setting.key} = {_show(beside)} contradicts the printer url's "
                f"{setting.url_option}={address.options[setting.url_option]} ({url}); "
                "give each setting in one place: in the url or beside it"
            )
        chosen[setting.key] = beside
    try:
        profile = _profile(start, chosen)
    except TicketRenderError as exc:
        raise PrinterSettingsError(f"{where}{exc}") from exc
    timeout = chosen.get("timeout_s", DEFAULT_TIMEOUT_S)
    if not isinstance(timeout, float) or timeout <= 0:
        raise PrinterSettingsError(f"{where}timeout_s {timeout!r}; expected a positive number")
    return PrinterSettings(url=url, profile=profile, timeout_s=timeout, printer_id=printer_id)


def _changed_settings(profile: PrinterProfile) -> dict[str, object]:
    """The settings where ``profile`` differs from the defaults."""
    default = PrinterProfile()
    return {
        key: getattr(profile, key)
        for key in SETTING_KEYS
        if key in _PROFILE_FIELDS and getattr(profile, key) != getattr(default, key)
    }


def _profile(base: PrinterProfile, chosen: Mapping[str, object]) -> PrinterProfile:
    changes = {k: v for k, v in chosen.items() if k in _PROFILE_FIELDS}
    return replace(base, **changes)  # type: ignore[arg-type]


def _to_float(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise TypeError(f"expected a number of seconds, got {type(value).__name__}")
    return float(value)


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, str) else str(value)
