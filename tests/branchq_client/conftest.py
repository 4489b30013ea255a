"""Fixtures of the app client tests: the real branch server on an ephemeral loopback port."""

from __future__ import annotations

from tests.e2e.live import branch

__all__ = ["branch"]  # the live-server fixture, used by name
