"""A small branch for the queue-model tests and a fixed clock."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from server.domain.model import BranchConfig, CounterDef, PolicyConfig, ServiceDef

SHANGHAI = timezone(timedelta(hours=8))
T0 = datetime(2026, 3, 10, 9, 0, tzinfo=SHANGHAI)  # a Tuesday morning, business day 2026-03-10


def small_branch(policy: PolicyConfig | None = None) -> BranchConfig:
    """Personal (A), Corporate (B), VIP (V, capped at 5); counters with mixed skills."""
    return BranchConfig(
        name_zh="测试支行",
        name_en="Test Branch",
        services=(
            ServiceDef("A", "A", "个人业务", "Personal", target_wait_s=900),
            ServiceDef("B", "B", "对公业务", "Corporate", target_wait_s=1200),
            ServiceDef("V", "V", "贵宾理财", "VIP wealth", number_max=99, daily_cap=5),
        ),
        counters=(
            CounterDef(1, "1号窗口", "Counter 1", {"A": 1.0}),
            CounterDef(2, "2号窗口", "Counter 2", {"A": 1.0, "B": 0.5}),
            CounterDef(3, "3号窗口", "Counter 3", {"B": 1.0}),
            CounterDef(5, "5号窗口", "Counter 5", {"V": 2.0, "A": 0.5}),
        ),
        policy=policy if policy is not None else PolicyConfig(),
    )


@pytest.fixture
def branch() -> BranchConfig:
    return small_branch()
