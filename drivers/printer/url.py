"""Printer URLs: which transport, where, and per-printer options.

    tcp://HOST[:PORT]                 network printer (port 9100 by default)
    serial:///dev/ttyUSB0?baudrate=N  serial printer
    usb://VVVV:PPPP                   USB printer by vendor:product id (hex)
    file:///dev/usb/lp0               write-only device file (status cannot be read)
    mem://[?state=paper_out]          in-memory printer for tests and demos

Options any URL may carry: ``paper=58|80``, ``encoding=gb18030|gbk``, ``mode_bytes=0|1``
(FS & / FS .), ``raster=0|1`` (draw Chinese as images), ``model=NAME`` (python-escpos profile),
``confirm=0|1`` (GS r after a job), ``timeout=SECONDS``. The same settings can be given beside
the URL instead (site file, keywords); ``drivers.printer.settings`` refuses a contradiction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from drivers.printer.errors import PrinterUrlError

SCHEMES = ("file", "mem", "serial", "tcp", "usb")
DEFAULT_TCP_PORT = 9100
COMMON_OPTIONS = frozenset(
    {"paper", "encoding", "mode_bytes", "raster", "model", "confirm", "timeout"}
)
SCHEME_OPTIONS: dict[str, frozenset[str]] = {
    "tcp": frozenset(),
    "serial": frozenset({"baudrate"}),
    "usb": frozenset(),
    "file": frozenset(),
    "mem": frozenset({"state"}),
}


@dataclass(frozen=True)
class PrinterAddress:
    """A parsed printer URL."""

    url: str
    scheme: str
    host: str = ""
    port: int = 0
    path: str = ""
    vendor_id: int = 0
    product_id: int = 0
    options: dict[str, str] = field(default_factory=dict)

    def option_bool(self, key: str) -> bool | None:
        value = self.options.get(key)
        if value is None:
            return None
        if value.lower() in ("1", "true", "yes", "on"):
            return True
        if value.lower() in ("0", "false", "no", "off"):
            return False
        raise PrinterUrlError(f"printer url {self.url!r}: {key}={value!r}; expected 0 or 1")

    def option_number(self, key: str) -> float | None:
        value = self.options.get(key)
        if value is None:
            return None
        try:
            number = float(value)
        except ValueError:
            number = -1.0
        if number <= 0:
            raise PrinterUrlError(
                f"printer url {self.url!r}: {key}={value!r}; expected a positive number"
            )
        return number


def parse_printer_url(url: str) -> PrinterAddress:
    """Parse and check a printer URL; ``PrinterUrlError`` says what is wrong and what is wanted."""
    if "://" not in url:
        raise PrinterUrlError(
            f"printer url {url!r} has no scheme; expected one of "
            f"{[s + '://' for s in SCHEMES]}, e.g. tcp://192.168.1.50:9100"
        )
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise PrinterUrlError(
            f"printer url {url!r}: unknown scheme {scheme!r}; expected one of {list(SCHEMES)}"
        )
    options = dict(parse_qsl(parts.query, keep_blank_values=True))
    allowed = COMMON_OPTIONS | SCHEME_OPTIONS[scheme]
    unknown = sorted(set(options) - allowed)
    if unknown:
        raise PrinterUrlError(
            f"printer url {url!r}: unknown option(s) {unknown}; expected some of {sorted(allowed)}"
        )
    if scheme == "tcp":
        try:
            host, port = parts.hostname or "", parts.port or DEFAULT_TCP_PORT
        except ValueError as exc:
            raise PrinterUrlError(
                f"printer url {url!r}: bad port {parts.netloc!r}; expected tcp://HOST[:PORT]"
            ) from exc
        if not host:
            raise PrinterUrlError(f"printer url {url!r} has no host; expected tcp://HOST[:PORT]")
        return PrinterAddress(url, scheme, host=host, port=port, options=options)
    if scheme in ("serial", "file"):
        if parts.netloc or not parts.path:
            raise PrinterUrlError(
                f"printer url {url!r}: expected {scheme}:///path/to/device (three slashes), "
                f"got host {parts.netloc!r} and path {parts.path!r}"
            )
        return PrinterAddress(url, scheme, path=parts.path, options=options)
    if scheme == "usb":
        ids = parts.netloc.split(":")
        try:
            if len(ids) != 2 or not all(len(i) == 4 for i in ids):
                raise ValueError(parts.netloc)
            vendor, product = (int(i, 16) for i in ids)
        except ValueError as exc:
            raise PrinterUrlError(
                f"printer url {url!r}: usb ids {parts.netloc!r}; expected usb://VVVV:PPPP "
                "in hex, e.g. usb://04b8:0202"
            ) from exc
        return PrinterAddress(url, scheme, vendor_id=vendor, product_id=product, options=options)
    return PrinterAddress(url, scheme, options=options)
