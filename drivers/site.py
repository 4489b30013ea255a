"""A site's device file: which printers and panel buses exist, and which counter each panel serves.

One TOML file describes the devices a process drives (a kiosk's printer, the panel bridge's
buses) or, for a technician, every device of the branch. Example (deploy/site-demo.toml)::

    [server]
    url = "http://127.0.0.1:8000"       # the branch server, for events and heartbeats
    token_env = "BRANCHQ_DEVICE_TOKEN"  # environment variable holding this device's token

    [[printers]]
    id = "kiosk-1"
    url = "tcp://127.0.0.1:9100"
    paper_mm = 80                # or ?paper=80 in the url; never both with different values

    [[buses]]
    id = "bus-1"
    url = "socket://127.0.0.1:7001"
    protocol = "modbus"

    [[panels]]
    id = "panel-1"
    bus = "bus-1"
    address = 1
    counter = 1
    blink_register = 0x0005   # this model's blink register; leave out: the panel never blinks

Any problem raises ``SiteConfigError`` naming the file, the key and what was expected.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from drivers.printer import SETTING_KEYS, PrinterError, PrinterSettings, printer_settings


class SiteConfigError(Exception):
    """The site device file is missing, not TOML, or describes an impossible setup."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ServerLink(_Strict):
    url: str = "http://127.0.0.1:8000"
    token: str | None = None  # prefer token_env: secrets do not belong in files
    token_env: str | None = "BRANCHQ_DEVICE_TOKEN"
    heartbeat_interval_s: float = Field(default=30.0, gt=0)

    def resolve_token(self) -> str | None:
        if self.token_env and os.environ.get(self.token_env):
            return os.environ[self.token_env]
        return self.token


class PrinterEntry(_Strict):
    """One printer. Each setting is given here or as an option of ``url``, not both differently.

    A setting given in neither place takes the driver's default (``PrinterProfile``).
    """

    id: str
    url: str
    paper_mm: Literal[58, 80] | None = None  # url option paper=
    encoding: Literal["gb18030", "gbk"] | None = None  # url option encoding=
    chinese_mode_bytes: bool | None = None  # FS & / FS . around Chinese; url option mode_bytes=
    raster_cjk: bool | None = None  # no Chinese font: CJK lines as images; url option raster=
    model: str | None = None  # python-escpos profile, e.g. "TM-T88V"; url option model=
    confirm_print: bool | None = None  # wait for GS r after each job; url option confirm=
    timeout_s: float | None = Field(default=None, gt=0)  # status answer wait; url option timeout=

    def settings(self) -> PrinterSettings:
        """This printer's settings (URL options and the keys above, checked against each other).

        Raises ``drivers.printer.PrinterError`` (a bad URL, a contradiction, a bad value).
        """
        given = {key: getattr(self, key) for key in SETTING_KEYS}
        return printer_settings(self.url, given, source=f"printer {self.id!r}", printer_id=self.id)


class BusEntry(_Strict):
    id: str
    url: str  # a pyserial URL: /dev/ttyUSB0, socket://host:port, rfc2217://..., loop://
    protocol: Literal["modbus", "ascii"] = "modbus"
    baudrate: int = Field(default=9600, gt=0)
    timeout_s: float = Field(default=0.3, gt=0)


class PanelEntry(_Strict):
    """One panel. Modbus panels blink only with ``blink_register`` (the documented map has no
    blink register; models that blink keep it at a vendor-specific address); ASCII signs blink
    by command. ``blink_s`` 0 never blinks."""

    id: str
    bus: str
    address: int = Field(ge=0, le=255)
    counter: int = Field(ge=1)
    blink_register: int | None = Field(default=None, ge=0, le=0xFFFF)  # modbus, e.g. 0x0005
    blink_s: float = Field(default=5.0, ge=0)  # how long a new call blinks, seconds


class SiteConfig(_Strict):
    server: ServerLink = ServerLink()
    printers: list[PrinterEntry] = []
    buses: list[BusEntry] = []
    panels: list[PanelEntry] = []

    @model_validator(mode="after")
    def _check_printers(self) -> SiteConfig:
        for printer in self.printers:
            try:
                printer.settings()
            except PrinterError as exc:
                raise ValueError(str(exc)) from exc
        return self

    @model_validator(mode="after")
    def _check_references(self) -> SiteConfig:
        ids = [p.id for p in self.printers] + [b.id for b in self.buses]
        ids += [p.id for p in self.panels]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"device ids must be unique; repeated: {dupes}")
        bus_ids = [b.id for b in self.buses]
        seen: set[tuple[str, int]] = set()
        for panel in self.panels:
            if panel.bus not in bus_ids:
                raise ValueError(
                    f"panel {panel.id!r} bus: unknown bus {panel.bus!r}; expected one of {bus_ids}"
                )
            protocol = self.bus(panel.bus).protocol
            if panel.blink_register is not None and protocol != "modbus":
                raise ValueError(
                    f"panel {panel.id!r} blink_register: {protocol} signs blink by command; "
                    "blink_register is for modbus panels only"
                )
            if (panel.bus, panel.address) in seen:
                raise ValueError(
                    f"panel {panel.id!r} address: address {panel.address} used twice "
                    f"on {panel.bus!r}"
                )
            seen.add((panel.bus, panel.address))
        return self

    def bus(self, bus_id: str) -> BusEntry:
        return next(b for b in self.buses if b.id == bus_id)

    def printer(self, printer_id: str | None = None) -> PrinterEntry:
        """The printer ``printer_id``, or the only printer when it is None."""
        ids = [p.id for p in self.printers]
        if printer_id is None:
            if len(self.printers) != 1:
                raise SiteConfigError(
                    f"the site file lists {len(ids)} printers {ids}; name one of them"
                    if ids
                    else "the site file lists no printers"
                )
            return self.printers[0]
        for entry in self.printers:
            if entry.id == printer_id:
                return entry
        raise SiteConfigError(f"no printer {printer_id!r} in the site file; expected one of {ids}")


def load_site(path: str | Path) -> SiteConfig:
    """Read and validate a site device file."""
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SiteConfigError(f"{p}: no such file") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SiteConfigError(f"{p}: not valid TOML: {exc}") from exc
    try:
        return SiteConfig.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            key = ".".join(str(part) for part in err["loc"])
            msg = err["msg"].removeprefix("Value error, ")  # our validators' own words
            problems.append(f"{key}: {msg}" if key else msg)
        raise SiteConfigError(f"{p}: " + "; ".join(problems)) from exc


def load_printer_settings(path: str | Path, printer_id: str | None = None) -> PrinterSettings:
    """The settings of one printer of a site file (the only one when ``printer_id`` is None).

    The one way every program that prints (kiosk, ``branchq kiosk issue``, ``branchq diag``)
    reads a printer's settings: open it with ``drivers.printer.open_printer(settings)``.
    Raises ``SiteConfigError`` naming the file, the printer and the problem.
    """
    site = load_site(path)
    try:
        return site.printer(printer_id).settings()
    except SiteConfigError as exc:
        raise SiteConfigError(f"{path}: {exc}") from exc
