"""Errors of the panel bridge. Every error derives from ``BridgeError``.

Tree::

    BridgeError
        BridgeConfigError   the site file cannot run a bridge (no panels, no token, bad URL)
        LinkRefusedError    the server refused the websocket subscription (bad token)
"""

from __future__ import annotations


class BridgeError(Exception):
    """Base of every panel bridge error."""


class BridgeConfigError(BridgeError):
    """The site device file does not describe a bridge that can run."""


class LinkRefusedError(BridgeError):
    """The server answered the subscription with an error message and closed."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"server refused the subscription ({code}): {message}")
        self.code = code
