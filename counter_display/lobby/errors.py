"""The lobby display's errors.

Tree::

    LobbyError              base of everything raised by counter_display.lobby
     +-- LobbyConfigError   a lobby file that cannot be used (file, key and problem named)
"""

from __future__ import annotations


class LobbyError(Exception):
    """Base of every error raised by the lobby display."""


class LobbyConfigError(LobbyError):
    """The lobby file is missing, not TOML, or has a bad value."""
