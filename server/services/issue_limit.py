"""Rate limits as token buckets: per kiosk for issuing, per client address for bookings.

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
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from server.services.errors import IssueRateLimited, UseCaseError

MAX_BUCKETS = 10_000  # keys remembered; full buckets are forgotten first (a flood of addresses)


@dataclass
class _Bucket:
    tokens: float
    at: float  # monotonic seconds of the last refill


class RateLimit:
    """``take(key)`` before acting; raises ``error(retry_after_s=...)`` when the key is over
    its rate: ``burst`` at once, then ``per_min`` a minute. ``clock``: monotonic seconds
    (patched in tests). A key of None is not limited."""

    def __init__(
        self,
        *,
        burst: int,
        per_min: float,
        error: Callable[..., UseCaseError],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if burst < 1 or not per_min > 0:
            raise ValueError(f"burst {burst} and per_min {per_min}: expected burst >= 1, rate > 0")
        self._burst = float(burst)
        self._per_s = per_min / 60.0
        self._error = error
        self._clock = clock
        self._buckets: dict[Hashable, _Bucket] = {}
        self._guard = threading.Lock()

    def take(self, key: Hashable | None) -> None:
        if key is None:
            return
        now = self._clock()
        with self._guard:
            bucket = self._buckets.get(key)
            if bucket is None:
                if len(self._buckets) >= MAX_BUCKETS:
                    self._forget_full(now)
                bucket = self._buckets[key] = _Bucket(self._burst, now)
            bucket.tokens = min(self._burst, bucket.tokens + (now - bucket.at) * self._per_s)
            bucket.at = now
            if bucket.tokens < 1.0:
                wait_s = max(1, math.ceil((1.0 - bucket.tokens) / self._per_s))
                raise self._error(retry_after_s=wait_s)
            bucket.tokens -= 1.0

    def _forget_full(self, now: float) -> None:
        full = [
            k
            for k, b in self._buckets.items()
            if b.tokens + (now - b.at) * self._per_s >= self._burst
        ]
        for key in full or list(self._buckets)[: len(self._buckets) // 2]:
            del self._buckets[key]


class IssueRateLimit(RateLimit):
    """``take(device_id)`` before issuing; raises ``IssueRateLimited`` when the device is
    over its rate."""

    def __init__(
        self, *, burst: int, per_min: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__(burst=burst, per_min=per_min, error=IssueRateLimited, clock=clock)
