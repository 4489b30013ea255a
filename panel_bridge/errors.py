"""Errors of the panel bridge. Every error derives from ``BridgeError``.

Tree::

    BridgeError
        BridgeConfigError   the site file cannot run a bridge (no panels, no token, bad URL)
"""

from __future__ import annotations


class BridgeError(Exception):
    """Base of every panel bridge error."""


class BridgeConfigError(BridgeError):
    """The site device file does not describe a bridge that can run."""
