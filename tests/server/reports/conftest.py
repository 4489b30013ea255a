"""A running branch with a pinned clock (the server core's fixtures) for the report tests."""

from __future__ import annotations

from tests.server.core.conftest import branch, clock

__all__ = ["branch", "clock"]
