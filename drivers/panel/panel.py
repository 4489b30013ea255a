"""The ``CallPanel`` interface and its serial implementation, chosen by URL.

    panel = open_panel("socket://127.0.0.1:7001", protocol="modbus", address=3)
    panel.show("A023", 5)      # "A023  05" on an 8-character panel
    panel.blink(5)             # blink for 5 seconds (True: until stopped, False: stop)
    panel.health()             # PanelHealth(status=ok, last_round_trip_ms=..., ...)

Several panels on one line share a ``PanelBus``: ``bus.panel(1)``, ``bus.panel(2)``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from drivers.panel.bus import PanelBus
from drivers.panel.errors import PanelReadbackError
from drivers.panel.protocol import PanelProtocol, check_blink_seconds, format_call
from drivers.panel.values import PanelCapabilities, PanelHealth


class CallPanel(ABC):
    """One call-number panel."""

    address: int

    @property
    @abstractmethod
    def capabilities(self) -> PanelCapabilities: ...

    @abstractmethod
    def show(self, ticket_number: str, counter_number: int | None = None) -> None:
        """Show a ticket number (and the counter it is called to)."""

    @abstractmethod
    def show_text(self, text: str) -> None: ...

    @abstractmethod
    def blink(self, seconds: float | bool = True) -> None: ...

    @abstractmethod
    def clear(self) -> None: ...

    @abstractmethod
    def read_text(self) -> str | None:
        """The text the panel reports showing, or None when it cannot report it."""

    @abstractmethod
    def self_test(self) -> PanelHealth:
        """Light the test pattern, read it back, and return the resulting health."""

    @abstractmethod
    def health(self) -> PanelHealth: ...

    def close(self) -> None:  # noqa: B027 - optional for implementations
        """Release the line if this panel owns it."""


class SerialCallPanel(CallPanel):
    """A panel at ``address`` on a ``PanelBus`` (RS-485 via any pyserial URL)."""

    def __init__(self, bus: PanelBus, address: int, *, owns_bus: bool = False) -> None:
        self.bus = bus
        self.address = address
        self._owns_bus = owns_bus

    @property
    def protocol(self) -> PanelProtocol:
        return self.bus.protocol

    @property
    def capabilities(self) -> PanelCapabilities:
        return self.protocol.capabilities

    def show(self, ticket_number: str, counter_number: int | None = None) -> None:
        self.show_text(format_call(ticket_number, counter_number, self.capabilities.characters))

    def show_text(self, text: str) -> None:
        self.bus.run(self.protocol.encode_show(self.address, text))

    def blink(self, seconds: float | bool = True) -> None:
        value = check_blink_seconds(seconds)
        self.bus.run(self.protocol.encode_blink(self.address, value))

    def clear(self) -> None:
        self.bus.run(self.protocol.encode_clear(self.address))

    def read_text(self) -> str | None:
        exchange = self.protocol.encode_read_back(self.address)
        return None if exchange is None else self.bus.transact(exchange)

    def self_test(self) -> PanelHealth:
        self.bus.run(self.protocol.encode_test_pattern(self.address))
        if self.capabilities.can_read_back:
            shown = self.read_text()
            expected = self.protocol.test_pattern_text()
            if shown != expected:
                error = PanelReadbackError(
                    f"panel {self.address} reads back {shown!r} after the test pattern; "
                    f"expected {expected!r}"
                )
                self.bus.record_failure(self.address, error)
                raise error
        return self.health()

    def health(self) -> PanelHealth:
        return self.bus.health(self.address)

    def close(self) -> None:
        if self._owns_bus:
            self.bus.close()

    def __enter__(self) -> SerialCallPanel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_panel(
    url: str,
    *,
    protocol: str | PanelProtocol = "modbus",
    address: int = 1,
    **bus_options: Any,
) -> SerialCallPanel:
    """Open one panel on a line of its own; ``bus_options`` go to ``PanelBus``."""
    bus = PanelBus(url, protocol=protocol, **bus_options)
    bus.protocol.check_address(address)
    return SerialCallPanel(bus, address, owns_bus=True)
