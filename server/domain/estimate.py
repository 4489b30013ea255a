"""Waiting-time estimates from measured service times."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence


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


def estimate_shared_wait_s(
    service_code: str,
    *,
    ahead: Mapping[str, int],
    avg_service_s: Mapping[str, float],
    open_counters: Sequence[Collection[str]],
) -> int:
    """Estimated wait in whole seconds when counters serve several services.

    ahead: WAITING tickets ahead of the one estimated, per service code (every service, not
    only its own: the call policy ages every ticket, so a counter serving A and F calls the
    F customer who came first); avg_service_s: each service's average service time;
    open_counters: for each OPEN counter, the codes of the services it serves.

    Each ticket ahead is worked by the open counters that serve its service, in equal shares;
    the shares that fall on the counters serving ``service_code`` are the work before this
    ticket, spread over those counters. With one service (or counters serving only it) this
    is ``estimate_wait_s``; with no open counter serving ``service_code`` it falls back to
    ``estimate_wait_s`` of its own queue on one counter, so the kiosk still shows an estimate.
    """
    own_ahead = ahead.get(service_code, 0)
    if any(n < 0 for n in ahead.values()):
        raise ValueError(f"ahead must be >= 0 per service, got {dict(ahead)}")
    pool = [skills for skills in open_counters if service_code in skills]
    if not pool:
        return estimate_wait_s(own_ahead, avg_service_s[service_code], 0)
    work_s = 0.0
    for code, n in ahead.items():
        if n == 0:
            continue
        servers = [skills for skills in open_counters if code in skills]
        if not servers:  # nobody open serves it: it takes nothing from this pool
            continue
        shared = sum(1 for skills in servers if service_code in skills) / len(servers)
        avg_s = avg_service_s[code]
        if avg_s < 0:
            raise ValueError(f"avg_service_s must be >= 0 seconds, got {avg_s} for {code}")
        work_s += n * avg_s * shared
    return round(work_s / len(pool))
