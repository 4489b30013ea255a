"""The per-device issuing rate limit: a token bucket per kiosk.

A real kiosk never meets it (a customer's tap, the printing and the tear-off take seconds),
a runaway client does: ``burst`` tickets at once, then ``per_min`` tickets a minute. A refused
request costs nothing (no ticket, no number) and is told when to retry (HTTP 429 with
``Retry-After``). Requests without a device (a use case called from the server itself) are
not limited.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from server.services.errors import IssueRateLimited


@dataclass
class _Bucket:
    tokens: float
    at: float  # monotonic seconds of the last refill


class IssueRateLimit:
    """``take(device_id)`` before issuing; raises ``IssueRateLimited`` when the device is
    over its rate. ``clock``: monotonic seconds (patched in tests)."""

    def __init__(
        self, *, burst: int, per_min: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if burst < 1 or not per_min > 0:
            raise ValueError(f"burst {burst} and per_min {per_min}: expected burst >= 1, rate > 0")
        self._burst = float(burst)
        self._per_s = per_min / 60.0
        self._clock = clock
        self._buckets: dict[int, _Bucket] = {}
        self._guard = threading.Lock()

    def take(self, device_id: int | None) -> None:
        if device_id is None:
            return
        now = self._clock()
        with self._guard:
            bucket = self._buckets.get(device_id)
            if bucket is None:
                bucket = self._buckets[device_id] = _Bucket(self._burst, now)
            bucket.tokens = min(self._burst, bucket.tokens + (now - bucket.at) * self._per_s)
            bucket.at = now
            if bucket.tokens < 1.0:
                wait_s = max(1, math.ceil((1.0 - bucket.tokens) / self._per_s))
                raise IssueRateLimited(retry_after_s=wait_s)
            bucket.tokens -= 1.0
