"""The ``CallPanel`` interface and its serial implementation, chosen by URL.

    panel = open_panel("socket://127.0.0.1:7001", protocol="modbus", address=3,
                       blink_register=0x0005)   # this model's blink register (none: no blink)
    panel.show("A023", 5)      # "A023  05" on an 8-character panel
    panel.blink(5)             # blink for 5 seconds (True: until stopped, False: stop)
    panel.health()             # PanelHealth(status=ok, last_round_trip_ms=..., ...)

Blinking is optional: a panel that refuses it (Modbus exception 02 at the blink register, a NAK
from a sign) raises ``PanelFeatureUnsupportedError`` once; its health lists it under
``unsupported``, ``capabilities.can_blink`` turns False and the blink is never sent again.

Several panels on one line share a ``PanelBus``: ``bus.panel(1)``, ``bus.panel(2)``.
"""

from __future__ import annotations

import contextlib
from abc import ABC, abstractmethod
from dataclasses import replace
from typing import Any

from drivers.panel.bus import PanelBus
from drivers.panel.errors import (
    PanelConfigError,
    PanelFeatureUnsupportedError,
    PanelReadbackError,
    PanelRejectedError,
)
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

    def __init__(
        self,
        bus: PanelBus,
        address: int,
        *,
        blink_register: int | None = None,
        owns_bus: bool = False,
    ) -> None:
        if blink_register is not None and not bus.protocol.blink_needs_register:
            raise PanelConfigError(
                f"blink_register 0x{blink_register:04X} for a {bus.protocol.name} panel; "
                f"{bus.protocol.name} panels blink by command: leave blink_register unset"
            )
        if blink_register is not None and not 0 <= blink_register <= 0xFFFF:
            raise PanelConfigError(f"blink_register {blink_register}; expected 0..0xFFFF")
        self.bus = bus
        self.address = address
        self.blink_register = blink_register
        self._owns_bus = owns_bus

    @property
    def protocol(self) -> PanelProtocol:
        return self.bus.protocol

    @property
    def capabilities(self) -> PanelCapabilities:
        """The protocol's capabilities for this panel: blink only where its model has it."""
        caps = self.protocol.capabilities
        if self.protocol.blink_needs_register:
            caps = replace(caps, can_blink=self.blink_register is not None)
        if caps.can_blink and self.blink_unsupported():
            caps = replace(caps, can_blink=False)
        return caps

    def blink_unsupported(self) -> str | None:
        """Why this panel refused to blink, once it has; None while it has not."""
        for item in self.health().unsupported:
            if item.startswith("blink"):
                return item
        return None

    def show(self, ticket_number: str, counter_number: int | None = None) -> None:
        self.show_text(format_call(ticket_number, counter_number, self.capabilities.characters))

    def show_text(self, text: str) -> None:
        self.bus.run(self.protocol.encode_show(self.address, text))

    def blink(self, seconds: float | bool = True) -> None:
        value = check_blink_seconds(seconds)
        refused = self.blink_unsupported()
        if refused is not None:  # known: never sent again
            raise PanelFeatureUnsupportedError(f"panel {self.address}: {refused}")
        exchanges = self.protocol.encode_blink(self.address, value, self.blink_register)
        try:
            self.bus.run(exchanges)
        except PanelRejectedError as exc:
            raise self._blink_refused(exc) from exc

    def _blink_refused(self, exc: PanelRejectedError) -> PanelFeatureUnsupportedError:
        where = f" at register 0x{self.blink_register:04X}" if self.blink_register else ""
        reason = f"blink not supported{where}: {exc}"
        self.bus.record_unsupported(self.address, reason)
        return PanelFeatureUnsupportedError(f"panel {self.address}: {reason}")

    def check_features(self) -> tuple[str, ...]:
        """Learn, without changing what is shown, whether optional features are there.

        Reads the blink register (modbus); a panel that refuses is recorded as not supporting
        blink. Returns the health's ``unsupported`` list. Raises ``PanelError`` when the
        panel does not answer.
        """
        if self.blink_register is not None and self.blink_unsupported() is None:
            probe = self.protocol.encode_feature_probe(self.address, self.blink_register)
            if probe is not None:
                try:
                    self.bus.transact(probe)
                except PanelRejectedError as exc:
                    self._blink_refused(exc)
        return self.health().unsupported

    def clear(self) -> None:
        self.bus.run(self.protocol.encode_clear(self.address))
        if self.protocol.blink_needs_register and self.capabilities.can_blink:
            # a refusal is recorded in the health; the text is cleared all the same
            with contextlib.suppress(PanelFeatureUnsupportedError):
                self.blink(False)

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
    blink_register: int | None = None,
    **bus_options: Any,
) -> SerialCallPanel:
    """Open one panel on a line of its own; ``bus_options`` go to ``PanelBus``."""
    bus = PanelBus(url, protocol=protocol, **bus_options)
    bus.protocol.check_address(address)
    return SerialCallPanel(bus, address, blink_register=blink_register, owns_bus=True)
