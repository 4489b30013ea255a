"""``PanelBus``: the one driver of one RS-485 line, shared by panels at different addresses.

One lock per line: a frame and its reply are never interleaved with another panel's. Between
frames the line stays silent for the protocol's inter-frame gap (3.5 character times at the
baudrate for Modbus). Each attempt holds the lock for at most one ``timeout_s``; retries back
off outside the lock, so a dead panel delays the others by one short timeout at most. After
its retries fail a panel is marked unhealthy and is probed again (one attempt, no retries)
only after ``recheck_s``; until then calls to it fail at once with ``PanelUnavailableError``.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import serial

from drivers.panel.ascii_sign import AsciiSignProtocol
from drivers.panel.errors import (
    PanelConfigError,
    PanelError,
    PanelGarbledError,
    PanelLateReplyError,
    PanelNoAnswerError,
    PanelRejectedError,
    PanelReplyError,
    PanelTransportError,
    PanelUnavailableError,
)
from drivers.panel.modbus import ModbusProtocol
from drivers.panel.protocol import PanelProtocol
from drivers.panel.values import Exchange, HealthStatus, PanelHealth

if TYPE_CHECKING:
    from drivers.panel.panel import SerialCallPanel

PROTOCOLS = ("ascii", "modbus")
URL_SCHEMES = ("alt", "hwgrep", "loop", "rfc2217", "socket", "spy")


def make_protocol(protocol: str | PanelProtocol, characters: int | None = None) -> PanelProtocol:
    if isinstance(protocol, PanelProtocol):
        return protocol
    if protocol == "modbus":
        return ModbusProtocol(characters=characters or 8)
    if protocol == "ascii":
        return AsciiSignProtocol(characters=characters or 16)
    raise PanelConfigError(f"unknown panel protocol {protocol!r}; expected one of {PROTOCOLS}")


def check_url(url: str) -> None:
    if "://" in url:
        scheme = url.split("://", 1)[0]
        if scheme not in URL_SCHEMES:
            raise PanelConfigError(
                f"panel bus url {url!r}: unknown scheme {scheme!r}; expected a device path "
                f"(/dev/ttyUSB0) or one of {list(URL_SCHEMES)}"
            )
    elif not url:
        raise PanelConfigError("panel bus url is empty; expected /dev/ttyUSB0 or socket://...")


@dataclass
class _Track:
    health: PanelHealth
    next_probe_at: float = 0.0


class PanelBus:
    """One RS-485 line. ``bus.panel(address)`` gives the ``CallPanel`` at that address."""

    def __init__(
        self,
        url: str,
        *,
        protocol: str | PanelProtocol = "modbus",
        characters: int | None = None,
        baudrate: int = 9600,
        timeout_s: float = 0.3,
        retries: int = 2,
        backoff_s: float = 0.05,
        recheck_s: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        check_url(url)
        if timeout_s <= 0 or retries < 0 or baudrate <= 0:
            raise PanelConfigError(
                f"timeout_s={timeout_s}, retries={retries}, baudrate={baudrate}; expected "
                "timeout_s > 0, retries >= 0, baudrate > 0"
            )
        self.url = url
        self.protocol = make_protocol(protocol, characters)
        self.baudrate = baudrate
        self.timeout_s = timeout_s
        self.retries = retries
        self.backoff_s = backoff_s
        self.recheck_s = recheck_s
        self._clock = clock
        self._lock = threading.Lock()
        # set when a request went unanswered: its reply may still come, after the next request
        self._late_reply_possible = False
        self._state_lock = threading.Lock()
        self._port: Any = None
        self._last_io = 0.0
        self._tracks: dict[int, _Track] = {}

    # --- lifecycle ------------------------------------------------------------------------
    def panel(self, address: int, *, blink_register: int | None = None) -> SerialCallPanel:
        """The panel at ``address``; ``blink_register``: where its model blinks (modbus)."""
        from drivers.panel.panel import SerialCallPanel

        self.protocol.check_address(address)
        return SerialCallPanel(self, address, blink_register=blink_register)

    def close(self) -> None:
        with self._lock:
            self._close_port()

    def __enter__(self) -> PanelBus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _close_port(self) -> None:
        if self._port is not None:
            with contextlib.suppress(OSError, serial.SerialException):
                self._port.close()
            self._port = None

    def _open_port(self) -> Any:
        if self._port is None:
            try:
                self._port = serial.serial_for_url(
                    self.url,
                    baudrate=self.baudrate,
                    timeout=self.timeout_s,
                    write_timeout=self.timeout_s,
                )
            except ValueError as exc:
                raise PanelConfigError(f"panel bus url {self.url!r}: {exc}") from exc
            except (OSError, serial.SerialException) as exc:
                raise PanelTransportError(f"cannot open panel bus {self.url!r}: {exc}") from exc
        return self._port

    # --- health ---------------------------------------------------------------------------
    def health(self, address: int) -> PanelHealth:
        with self._state_lock:
            return self._track(address).health

    def _track(self, address: int) -> _Track:
        if address not in self._tracks:
            self._tracks[address] = _Track(PanelHealth(address))
        return self._tracks[address]

    def record_success(self, address: int, round_trip_ms: float) -> None:
        with self._state_lock:
            track = self._track(address)
            track.health = PanelHealth(
                address,
                HealthStatus.OK,
                last_round_trip_ms=round(round_trip_ms, 2),
                unsupported=track.health.unsupported,
            )

    def record_unsupported(self, address: int, reason: str) -> None:
        """The panel refused an optional feature: remember it (once) so it is not sent again."""
        with self._state_lock:
            track = self._track(address)
            if reason not in track.health.unsupported:
                unsupported = (*track.health.unsupported, reason)
                track.health = replace(track.health, unsupported=unsupported)

    def record_failure(self, address: int, error: PanelError) -> None:
        with self._state_lock:
            track = self._track(address)
            track.health = replace(
                track.health,
                status=HealthStatus.UNHEALTHY,
                last_error=str(error),
                advice=error.advice,
                consecutive_failures=track.health.consecutive_failures + 1,
            )
            track.next_probe_at = self._clock() + self.recheck_s

    # --- exchanges ------------------------------------------------------------------------
    def run(self, exchanges: list[Exchange]) -> str | None:
        """Send each frame in turn; return the text of the last read, if any."""
        result: str | None = None
        for exchange in exchanges:
            result = self.transact(exchange)
        return result

    def transact(self, exchange: Exchange) -> str | None:
        address = exchange.address
        acknowledged = exchange.expects_reply and self.protocol.capabilities.acknowledges
        with self._state_lock:
            track = self._track(address)
            unhealthy = track.health.status is HealthStatus.UNHEALTHY
            wait_s = track.next_probe_at - self._clock()
        if unhealthy and wait_s > 0:
            raise PanelUnavailableError(
                f"panel {address} on {self.url} is unhealthy ({track.health.last_error}); "
                f"next probe in {wait_s:.1f} s"
            )
        attempts = 1 if unhealthy or not acknowledged else 1 + self.retries
        last: PanelError | None = None
        for attempt in range(attempts):
            if attempt:
                time.sleep(self.backoff_s * 2 ** (attempt - 1))
            try:
                with self._lock:
                    reply, round_trip_ms = self._exchange_once(exchange, acknowledged)
                if not acknowledged:
                    return None
                result = self.protocol.parse_reply(exchange, reply)
            except PanelRejectedError:
                raise  # the panel answered: retrying a refusal changes nothing
            except PanelNoAnswerError as exc:
                self._late_reply_possible = True
                last = exc
                continue
            except PanelReplyError as exc:
                last = self._explain_reply_error(exc)
                continue
            except PanelTransportError as exc:
                last = exc
                continue
            self._late_reply_possible = False
            self.record_success(address, round_trip_ms)
            return result
        assert last is not None
        self.record_failure(address, last)
        raise last

    def _explain_reply_error(self, error: PanelReplyError) -> PanelError:
        """A reply that fits no request, right after an unanswered one, is that one's reply."""
        if not self._late_reply_possible:
            return error
        return PanelLateReplyError(
            f"{error}; an earlier request on {self.url} went unanswered within "
            f"{self.timeout_s * 1000:.0f} ms, so this is most likely its late reply: the panel "
            "answers slower than the timeout"
        )

    def _exchange_once(self, exchange: Exchange, acknowledged: bool) -> tuple[bytes, float]:
        """Write one frame and read its reply; the caller holds the line lock."""
        try:
            port = self._open_port()
            silence = self._last_io + self.protocol.gap_s(self.baudrate) - time.monotonic()
            if silence > 0:
                time.sleep(silence)
            port.reset_input_buffer()
            started = time.perf_counter()
            port.write(exchange.request)
            port.flush()
            reply = self._read_reply(port, exchange, started) if acknowledged else b""
            return reply, (time.perf_counter() - started) * 1000.0
        except (OSError, serial.SerialException) as exc:
            self._close_port()
            raise PanelTransportError(
                f"panel bus {self.url!r} failed during {exchange.what} to panel "
                f"{exchange.address}: {exc}"
            ) from exc
        finally:
            self._last_io = time.monotonic()

    def _read_reply(self, port: Any, exchange: Exchange, started: float) -> bytes:
        received = bytearray()
        deadline = started + self.timeout_s
        while True:
            need = self.protocol.reply_length(exchange, bytes(received))
            if need is not None and len(received) >= need:
                return bytes(received[:need])
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                break
            port.timeout = remaining
            received += port.read(need - len(received) if need is not None else 1)
        if not received:
            raise PanelNoAnswerError(
                f"panel {exchange.address} on {self.url} did not answer {exchange.what} within "
                f"{self.timeout_s * 1000:.0f} ms"
            )
        raise PanelGarbledError(
            f"panel {exchange.address} on {self.url}: incomplete reply "
            f"{bytes(received).hex(' ')!r} to {exchange.what} after {self.timeout_s * 1000:.0f} ms"
        )
