"""Fixtures shared by the server's tests."""

from tests.server.spawned import workers

__all__ = ["workers"]
