"""`branchq diag devices --config SITE.toml [--server]`: every device of a site, one line each.

Each printer is asked for its status (DLE EOT) and each panel reads back what it shows (no
test pattern: the branch may be open). A line says the device id, its address, the verdict
(OK / WARNING / ERROR / UNKNOWN) and what to do. With ``--server`` the server's device list
(GET /api/v1/devices, technician token from ``--token-env``) follows: each device's last
heartbeat, status and components.

Exit code: 0 all OK, 1 warnings only (paper near end), 2 any ERROR or UNKNOWN, a bad site
file or a server that cannot be asked.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from drivers.site import BusEntry, PanelEntry, PrinterEntry, SiteConfig

EXIT_OK, EXIT_WARNING, EXIT_ERROR = 0, 1, 2
_RANK = {"OK": EXIT_OK, "WARNING": EXIT_WARNING, "ERROR": EXIT_ERROR, "UNKNOWN": EXIT_ERROR}


@dataclass(frozen=True)
class DeviceLine:
    kind: str  # "printer", "panel", or "bus" (a finding about a whole bus)
    id: str
    address: str
    verdict: str  # OK / WARNING / ERROR / UNKNOWN
    what_to_do: str

    def __str__(self) -> str:
        return (
            f"{self.kind:<7} {self.id:<20} {self.address:<32} {self.verdict:<7} {self.what_to_do}"
        )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", required=True, help="site device file (TOML)")
    parser.add_argument(
        "--server", action="store_true", help="also list the server's device heartbeats"
    )
    parser.add_argument(
        "--token-env",
        default="BRANCHQ_TECHNICIAN_TOKEN",
        help="environment variable holding a technician's token (for --server)",
    )


def check_printer(entry: PrinterEntry) -> DeviceLine:
    from drivers.printer import PrinterError, PrinterState, open_printer

    try:
        settings = entry.settings()
        printer = open_printer(settings)
        try:
            status = printer.status()
        finally:
            printer.close()
    except PrinterError as exc:
        return DeviceLine("printer", entry.id, entry.url, "ERROR", f"{exc}")
    if status.state is PrinterState.OK:
        verdict = "OK"
    elif status.state is PrinterState.PAPER_NEAR_END:
        verdict = "WARNING"
    elif status.state is PrinterState.UNKNOWN:
        verdict = "UNKNOWN"
    else:
        verdict = "ERROR"
    words = f"{status.message_en} / {status.message_zh}"
    advice = (
        f"{words}; {settings.describe()}" if verdict == "OK" else f"{status.what_to_do} ({words})"
    )
    if status.detail and verdict != "OK":
        advice += f" [{status.detail}]"
    return DeviceLine("printer", entry.id, entry.url, verdict, advice)


def check_bus_panels(bus: BusEntry, panels: list[PanelEntry]) -> list[DeviceLine]:
    """Read back every panel of one bus (one retry, the bus's own timeout).

    A panel configured with a blink register has it read too: one it lacks is a WARNING. When
    every panel of the bus is silent, one ``bus`` line says so (with the wiring advice once).
    """
    from drivers.panel import PanelBus, PanelError, PanelNoAnswerError, PanelTransportError

    where = {p.id: f"{bus.url} #{p.address}" for p in panels}
    try:
        panel_bus = PanelBus(
            bus.url,
            protocol=bus.protocol,
            baudrate=bus.baudrate,
            timeout_s=bus.timeout_s,
            retries=1,
        )
    except PanelError as exc:
        return [DeviceLine("panel", p.id, where[p.id], "ERROR", str(exc)) for p in panels]
    out: list[DeviceLine] = []
    silent: dict[str, PanelNoAnswerError] = {}
    with panel_bus:
        for entry in panels:
            try:
                panel = panel_bus.panel(entry.address, blink_register=entry.blink_register)
            except PanelError as exc:
                out.append(DeviceLine("panel", entry.id, where[entry.id], "ERROR", str(exc)))
                continue
            if not panel.capabilities.can_read_back:
                out.append(
                    DeviceLine(
                        "panel", entry.id, where[entry.id], "UNKNOWN", "cannot report: look at it"
                    )
                )
                continue
            try:
                shown = panel.read_text()
                unsupported = panel.check_features()
            except PanelTransportError as exc:
                # the line itself is down: every panel on it fails the same way
                advice = f"bus {bus.id}: {exc.advice} ({exc})"
                done = {d.id for d in out}
                out += [
                    DeviceLine("panel", p.id, where[p.id], "ERROR", advice)
                    for p in panels
                    if p.id not in done
                ]
                break
            except PanelError as exc:
                if type(exc) is PanelNoAnswerError:  # not a late reply: nothing came at all
                    silent[entry.id] = exc
                advice = f"panel {entry.address} {exc.advice} ({exc})"
                out.append(DeviceLine("panel", entry.id, where[entry.id], "ERROR", advice))
                continue
            rtt = panel.health().last_round_trip_ms
            took = f", answers in {rtt:.0f} ms" if rtt is not None else ""
            text = f"shows {(shown or '').rstrip()!r}{took} (counter {entry.counter})"
            if unsupported:
                text += f"; {'; '.join(unsupported)}; what to do: {_UNSUPPORTED_ADVICE}"
                out.append(DeviceLine("panel", entry.id, where[entry.id], "WARNING", text))
            else:
                out.append(DeviceLine("panel", entry.id, where[entry.id], "OK", text))
    if len(panels) > 1 and len(silent) == len(panels):
        return _whole_bus_silent(bus, panels, where)
    return out


_UNSUPPORTED_ADVICE = (
    "set blink_register to this model's register, or remove it (the panel then does not "
    "blink) / 按型号设置 blink_register 或删除（屏不闪烁）"
)


def _whole_bus_silent(
    bus: BusEntry, panels: list[PanelEntry], where: dict[str, str]
) -> list[DeviceLine]:
    """Every panel of the bus is silent: the cause is what they share, said once."""
    lines = [
        DeviceLine("panel", p.id, where[p.id], "ERROR", f"no answer (bus {bus.id} is silent)")
        for p in panels
    ]
    advice = (
        f"the whole bus is silent: none of its {len(panels)} panels answered within "
        f"{bus.timeout_s * 1000:.0f} ms. Check what they share: the RS-485 converter and its "
        f"power, A/B wiring at the converter (swap A and B), baud rate {bus.baudrate} and "
        f"protocol {bus.protocol} as set on the panels, and that {bus.url} is the right port / "
        "整条总线无应答：检查RS-485转换器及电源、A/B接线、波特率和协议、端口是否正确"
    )
    lines.append(DeviceLine("bus", bus.id, bus.url, "ERROR", advice))
    return lines


def check_site(site: SiteConfig) -> list[DeviceLine]:
    """Every printer, then every panel; buses are checked one after the other."""
    lines = [check_printer(p) for p in site.printers]
    for bus in site.buses:
        panels = [p for p in site.panels if p.bus == bus.id]
        if panels:
            lines += check_bus_panels(bus, panels)
    return lines


def _error_text(response: Any) -> str:
    """The English text of the server's error answer (its body's ``message.en``)."""
    try:
        message = response.json().get("message")
    except (ValueError, AttributeError):
        message = None
    if isinstance(message, dict) and isinstance(message.get("en"), str):
        return str(message["en"])
    return str(response.text[:300])


def server_lines(server_url: str, token: str, timeout_s: float = 5.0) -> tuple[list[str], int]:
    """The server's view of its devices, one line per device and per component."""
    import httpx

    url = server_url.rstrip("/") + "/api/v1/devices"
    try:
        response = httpx.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=timeout_s)
    except httpx.HTTPError as exc:
        return [f"server  {url}: cannot reach it ({exc!r}); is branchq serve running?"], EXIT_ERROR
    if response.status_code != 200:
        return [
            f"server  {url}: HTTP {response.status_code} {_error_text(response)}; expected 200 "
            "(a technician or admin token)"
        ], EXIT_ERROR
    lines, code = [], EXIT_OK
    devices: list[dict[str, Any]] = response.json()
    if not devices:
        lines.append("server  no devices registered")
    for device in devices:
        status = str(device["status"])
        code = max(code, _RANK.get(status, EXIT_ERROR))
        seen = device.get("last_heartbeat_at") or "never"
        line = (
            f"server  {device['name']:<20} {device['kind']:<13} {status:<7} last heartbeat {seen}"
        )
        if device.get("detail"):
            line += f"; {device['detail']}"
        if device.get("last_error"):
            line += f"; last error: {device['last_error']}"
        lines.append(line)
        for comp in device.get("components", []):
            head = f"{comp['id']:<18} {comp['kind']:<13} {comp['status']:<7}"
            lines.append(f"          {head} {comp['detail']}")
    return lines, code


def run(args: argparse.Namespace) -> int:
    import os

    from drivers.site import SiteConfigError, load_site

    try:
        site = load_site(args.config)
    except SiteConfigError as exc:
        print(f"diag devices: {exc}", file=sys.stderr)
        return EXIT_ERROR
    token = os.environ.get(args.token_env) if args.server else None
    if args.server and not token:
        print(
            f"diag devices: --server needs a technician token in ${args.token_env}",
            file=sys.stderr,
        )
        return EXIT_ERROR
    lines = check_site(site)
    if not lines:
        print("diag devices: the site file lists no printers and no panels")
    code = EXIT_OK
    for line in lines:
        print(line, flush=True)
        code = max(code, _RANK[line.verdict])
    if token:
        texts, server_code = server_lines(site.server.url, token)
        for text in texts:
            print(text)
        code = max(code, server_code)
    devices = [line for line in lines if line.kind != "bus"]
    bad = sum(1 for line in devices if line.verdict != "OK")
    needs = "needs" if bad == 1 else "need"
    print(f"{len(devices)} devices checked, {bad} {needs} attention", flush=True)
    return code


if __name__ == "__main__":
    _parser = argparse.ArgumentParser(prog="branchq diag devices")
    add_arguments(_parser)
    sys.exit(run(_parser.parse_args()))
