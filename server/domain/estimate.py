"""Waiting-time estimates from measured service times."""

from __future__ import annotations


def ewma(previous_s: float | None, sample_s: float, alpha: float = 0.2) -> float:
    """Exponentially weighted moving average; the first sample is taken as is.

    alpha is the weight of the new sample (0 < alpha <= 1).
    """
    if not 0 < alpha <= 1:
        raise ValueError(f"alpha must be in (0, 1], got {alpha}")
    if sample_s < 0:
        raise ValueError(f"sample_s must be >= 0 seconds, got {sample_s}")
    if previous_s is None:
        return float(sample_s)
    return alpha * sample_s + (1 - alpha) * previous_s


def estimate_wait_s(people_ahead: int, avg_service_s: float, open_counters: int) -> int:
    """Estimated wait in whole seconds for someone with ``people_ahead`` before them.

    ``open_counters`` serving the service share the work; 0 is treated as 1 so the kiosk
    still shows an estimate when every counter is paused.
    """
    if people_ahead < 0:
        raise ValueError(f"people_ahead must be >= 0, got {people_ahead}")
    if avg_service_s < 0:
        raise ValueError(f"avg_service_s must be >= 0 seconds, got {avg_service_s}")
    counters = max(open_counters, 1)
    return round(people_ahead * avg_service_s / counters)
