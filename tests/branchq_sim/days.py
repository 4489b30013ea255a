"""Small day profiles for the simulator's tests, built as TOML data (as a file would be)."""

from __future__ import annotations

from typing import Any

from branchq_sim.profile import Profile, parse_profile


def service(code: str, *, target_wait_s: int = 900, default_service_s: int = 300) -> dict[str, Any]:
    return {
        "code": code,
        "prefix": code,
        "name_zh": f"{code}业务",
        "name_en": f"Service {code}",
        "target_wait_s": target_wait_s,
        "default_service_s": default_service_s,
    }


def counter(number: int, **weights: float) -> dict[str, Any]:
    return {
        "number": number,
        "name_zh": f"{number}号窗口",
        "name_en": f"Counter {number}",
        "weights": weights or {"A": 1.0},
    }


def single_service_day(
    *,
    counters: int,
    per_hour: list[float],
    mean_s: float = 300.0,
    target_wait_s: int = 900,
    seed: int = 1,
    close: str = "17:00:00",
) -> dict[str, Any]:
    """An M/M/c day: one service, exponential times, every counter serving it, no breaks,
    nobody missing their call, no walk to the counter."""
    return {
        "branch": {"name_zh": "测试支行", "name_en": "Test Branch"},
        "services": [service("A", target_wait_s=target_wait_s, default_service_s=int(mean_s))],
        "counters": [counter(n) for n in range(1, counters + 1)],
        "day": {"open": "09:00:00", "close": close, "serve_until": "19:00:00", "seed": seed},
        "customers": {"walk_s": 0.0, "no_show_share": 0.0},
        "arrivals": {"A": {"per_hour": per_hour}},
        "service_times": {"A": {"dist": "exponential", "mean_s": mean_s}},
    }


def mixed_day(seed: int = 7) -> dict[str, Any]:
    """Two services, categories, appointments, no-shows, a break: every path of the engine."""
    return {
        "branch": {"name_zh": "测试支行", "name_en": "Test Branch"},
        "services": [service("A"), service("V", target_wait_s=600, default_service_s=600)],
        "counters": [counter(1, A=1.0), counter(2, A=1.0, V=0.5), counter(3, V=1.0, A=0.3)],
        "day": {"open": "09:00:00", "close": "12:00:00", "serve_until": "12:30:00", "seed": seed},
        "customers": {
            "no_show_share": 0.1,
            "appointment_share": 0.1,
            "mix": {"NORMAL": 0.8, "PRIORITY": 0.1, "VIP": 0.1},
        },
        "arrivals": {"A": {"per_hour": [20, 30, 25]}, "V": {"per_hour": [3, 4, 3]}},
        "service_times": {
            "A": {"dist": "lognormal", "mean_s": 300, "sd_s": 150},
            "V": {"dist": "exponential", "mean_s": 700},
        },
        "shifts": [
            {
                "counter": 1,
                "open": "09:00:00",
                "close": "12:00:00",
                "breaks": [["10:00:00", "10:30:00"]],
            },
            {"counter": 2, "open": "09:00:00", "close": "11:30:00"},
        ],
    }


def profile(data: dict[str, Any]) -> Profile:
    return parse_profile(data, source="test")
