"""Erlang C: the textbook M/M/c queue, as a check on the simulator's staffing suggestion.

``load`` is the offered traffic in Erlangs (arrival rate x mean service time). With ``servers``
counters and exponential arrivals and service times, a customer waits with probability
``erlang_c``; they wait longer than ``t`` with probability ``erlang_c * exp(-(c - a) t / s)``.
"""

from __future__ import annotations

import math


def erlang_b(servers: int, load: float) -> float:
    """Blocking probability of M/M/c/c, by the stable recursion B(k) = aB(k-1)/(k + aB(k-1))."""
    if servers < 0 or load < 0:
        raise ValueError(f"servers and load must be >= 0, got {servers} and {load}")
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    return b


def erlang_c(servers: int, load: float) -> float:
    """Probability that an arrival waits (M/M/c); 1.0 when the load reaches the servers."""
    if servers <= 0 or load >= servers:
        return 1.0
    b = erlang_b(servers, load)
    return servers * b / (servers - load * (1.0 - b))


def mean_wait_s(servers: int, arrivals_per_h: float, mean_service_s: float) -> float:
    """Mean wait in the queue (seconds); infinite when the load reaches the servers."""
    load = arrivals_per_h * mean_service_s / 3600.0
    if load >= servers:
        return math.inf
    return erlang_c(servers, load) * mean_service_s / (servers - load)


def service_level(
    servers: int, arrivals_per_h: float, mean_service_s: float, target_s: float
) -> float:
    """Share of customers whose wait is within ``target_s`` seconds."""
    load = arrivals_per_h * mean_service_s / 3600.0
    if load >= servers:
        return 0.0
    tail = erlang_c(servers, load) * math.exp(-(servers - load) * target_s / mean_service_s)
    return 1.0 - tail


def fewest_servers(
    arrivals_per_h: float, mean_service_s: float, target_s: float, goal_share: float
) -> int:
    """The fewest counters whose service level reaches ``goal_share`` (0 with no arrivals)."""
    if arrivals_per_h <= 0:
        return 0
    c = max(1, math.floor(arrivals_per_h * mean_service_s / 3600.0))
    while service_level(c, arrivals_per_h, mean_service_s, target_s) < goal_share:
        c += 1
    return c
