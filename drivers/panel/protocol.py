"""The ``PanelProtocol`` interface: pure encode/decode of one panel family's frames.

A protocol never does I/O. It turns a request (show text, blink, clear, test pattern, read
back) into ``Exchange`` frames, says when a reply is complete, and parses it, raising a
``PanelReplyError`` subclass that says what was received and what was expected.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from drivers.panel.errors import PanelConfigError, PanelContentError
from drivers.panel.values import BLINK_FOREVER, Exchange, PanelCapabilities


class PanelProtocol(ABC):
    name: str
    capabilities: PanelCapabilities
    bits_per_char: int = 10  # start + 8 data + stop; used for the inter-frame gap

    def check_address(self, address: int, *, allow_broadcast: bool = False) -> None:
        caps = self.capabilities
        if allow_broadcast and address == caps.broadcast_address:
            return
        if not caps.min_address <= address <= caps.max_address:
            raise PanelConfigError(
                f"{self.name} panel address {address!r} is out of range; "
                f"expected {caps.min_address}..{caps.max_address}"
            )

    def fit_text(self, text: str) -> str:
        """Check ``text`` against the panel and pad it to the full width with spaces."""
        caps = self.capabilities
        shown = text.upper() if caps.upper_only else text
        if len(shown) > caps.characters:
            raise PanelContentError(
                f"text {text!r} has {len(text)} characters; this {self.name} panel shows "
                f"at most {caps.characters}"
            )
        bad = sorted({c for c in shown if c not in caps.charset})
        if bad:
            raise PanelContentError(
                f"text {text!r} has characters {bad} this {self.name} panel cannot show; "
                f"expected only {''.join(sorted(caps.charset))!r}"
            )
        return shown.ljust(caps.characters)

    def gap_s(self, baudrate: int) -> float:
        """Silence to keep between frames on the line (3.5 character times)."""
        return 3.5 * self.bits_per_char / baudrate

    @abstractmethod
    def encode_show(self, address: int, text: str) -> list[Exchange]: ...

    blink_needs_register = False  # True: blinking is a model-specific register, set per panel

    @abstractmethod
    def encode_blink(
        self, address: int, seconds: int, register: int | None = None
    ) -> list[Exchange]:
        """``seconds`` 0 stops blinking, ``BLINK_FOREVER`` blinks until stopped.

        ``register``: where the panel's model keeps blinking, for protocols that need it.
        """

    def encode_feature_probe(self, address: int, register: int) -> Exchange | None:
        """A harmless read of an optional register (to learn whether the model has it)."""
        return None

    @abstractmethod
    def encode_clear(self, address: int) -> list[Exchange]: ...

    @abstractmethod
    def encode_test_pattern(self, address: int) -> list[Exchange]: ...

    @abstractmethod
    def encode_read_back(self, address: int) -> Exchange | None:
        """A frame asking for the shown text, or None when the panel cannot report it."""

    @abstractmethod
    def test_pattern_text(self) -> str:
        """What the panel holds after the test pattern (as read back)."""

    @abstractmethod
    def reply_length(self, exchange: Exchange, received: bytes) -> int | None:
        """Total length of the reply started by ``received``, or None if not known yet."""

    @abstractmethod
    def parse_reply(self, exchange: Exchange, reply: bytes) -> str | None:
        """Check a complete reply; return the text read back for reads, else None."""


def format_call(ticket_number: str, counter_number: int | None, width: int) -> str:
    """Lay out a call on a ``width``-character panel: ticket left, counter right.

    ``format_call("A023", 5, 8) == "A023  05"``; without a counter only the ticket is shown.
    """
    ticket = ticket_number.strip()
    if counter_number is None:
        return ticket
    if counter_number < 0:
        raise PanelContentError(f"counter number {counter_number} must be >= 0")
    counter = f"{counter_number:02d}"
    space = width - len(ticket) - len(counter)
    if space < 1:
        raise PanelContentError(
            f"ticket {ticket!r} and counter {counter!r} need {len(ticket) + len(counter) + 1} "
            f"characters; the panel shows {width}"
        )
    return ticket + " " * space + counter


def check_blink_seconds(seconds: float | bool) -> int:
    """Map blink(True/False/seconds) to the wire value: 0 off, 0xFFFF on, else whole seconds."""
    if seconds is True:
        return BLINK_FOREVER
    if seconds is False:
        return 0
    if seconds < 0 or seconds >= BLINK_FOREVER:
        raise PanelContentError(
            f"blink seconds {seconds!r} out of range; expected 0..{BLINK_FOREVER - 1} or True/False"
        )
    whole = int(seconds)
    return whole + 1 if seconds > whole else whole
