"""The server core's fixtures: a real app on a temporary data dir with a pinned clock."""

from tests.server.core.conftest import branch, clock

__all__ = ["branch", "clock"]
