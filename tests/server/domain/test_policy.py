"""The weighted call-next policy: each rule, the reasons it gives, determinism."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from server.contract.common import Category
from server.domain.model import BranchConfig, Candidate, PolicyConfig
from server.domain.policy import RULE_MAX_WAIT, RULE_RATIO, RULE_SCORE, CallPolicy, WeightedPolicy

from .conftest import T0, small_branch

NORMAL, PRIORITY, VIP, APPT = (
    Category.NORMAL,
    Category.PRIORITY,
    Category.VIP,
    Category.APPOINTMENT,
)


def cand(
    ticket_id: int,
    service: str = "A",
    category: Category = NORMAL,
    waited_min: float = 0,
    *,
    seq: int | None = None,
    appointment_at: datetime | None = None,
    target_counter: int | None = None,
) -> Candidate:
    return Candidate(
        ticket_id=ticket_id,
        number=f"{service}{ticket_id:03d}",
        service_code=service,
        category=category,
        arrived_at=T0 - timedelta(minutes=waited_min),
        issue_seq=seq if seq is not None else ticket_id,
        appointment_at=appointment_at,
        target_counter=target_counter,
    )


def choose(
    branch: BranchConfig,
    counter: int,
    candidates: Sequence[Candidate],
    recent: Sequence[Category] = (),
    now: datetime = T0,
) -> tuple[int, float, str, str, str] | None:
    policy: CallPolicy = WeightedPolicy(branch)
    choice = policy.choose(
        counter=branch.counter(counter), candidates=candidates, now=now, recent_categories=recent
    )
    if choice is None:
        return None
    return (choice.ticket_id, choice.score, choice.reason_en, choice.reason_zh, choice.rule)


def test_nobody_waiting(branch: BranchConfig) -> None:
    assert choose(branch, 1, []) is None


def test_only_services_the_counter_serves(branch: BranchConfig) -> None:
    waiting = [cand(1, "B", waited_min=30), cand(2, "V", VIP, 20)]
    assert choose(branch, 1, waiting) is None
    picked = choose(branch, 3, waiting)
    assert picked is not None and picked[0] == 1


def test_category_weight_and_reason(branch: BranchConfig) -> None:
    waiting = [cand(1, waited_min=12), cand(2, category=VIP, waited_min=12, seq=5)]
    assert choose(branch, 1, waiting) == (
        2,
        3.0 + 12.0,
        "VIP x3, waited 12 min, counter weight 1.0",
        "贵宾 ×3，已等待12分钟，窗口权重1.0",
        RULE_SCORE,
    )


def test_counter_weight_multiplies_category(branch: BranchConfig) -> None:
    # counter 5: V weight 2, A weight 0.5; a VIP-wealth normal ticket (1 x 2 = 2.0) beats a
    # personal VIP (3 x 0.5 = 1.5)
    waiting = [cand(1, "A", VIP), cand(2, "V", NORMAL, seq=9)]
    picked = choose(branch, 5, waiting)
    assert picked is not None
    assert picked[:3] == (2, 2.0, "Normal x1, waited 0 min, counter weight 2.0")
    alone = choose(branch, 5, waiting[:1])
    assert alone is not None
    assert alone[1:3] == (1.5, "VIP x3, waited 0 min, counter weight 0.5")


def test_aging_lets_a_long_wait_beat_a_category(branch: BranchConfig) -> None:
    waiting = [cand(1, category=VIP, waited_min=1), cand(2, waited_min=4)]
    picked = choose(branch, 1, waiting)
    assert picked is not None and picked[0] == 2 and picked[1] == pytest.approx(5.0)


def test_fifo_among_equal_scores(branch: BranchConfig) -> None:
    # same category, same counter weight, same arrival: issue order decides
    waiting = [cand(7, seq=30), cand(4, seq=12), cand(9, seq=20)]
    picked = choose(branch, 1, waiting)
    assert picked is not None and picked[0] == 4
    # earlier arrival first, whatever the order in the list
    waiting = [cand(1, waited_min=3, seq=3), cand(2, waited_min=5, seq=4)]
    picked = choose(branch, 1, waiting)
    assert picked is not None and picked[0] == 2


def test_breach_bonus(branch: BranchConfig) -> None:
    waiting = [cand(1, category=VIP, waited_min=10), cand(2, waited_min=16)]
    picked = choose(branch, 1, waiting)
    assert picked == (
        2,
        1.0 + 16.0 + 50.0,
        "Normal x1, waited 16 min, counter weight 1.0, over the target wait of 15 min",
        "普通 ×1，已等待16分钟，窗口权重1.0，超过目标等待15分钟",
        RULE_SCORE,
    )


def test_appointment_bonus_only_within_the_window(branch: BranchConfig) -> None:
    slot = T0 + timedelta(minutes=5)
    waiting = [cand(1, category=VIP, waited_min=14), cand(2, category=APPT, appointment_at=slot)]
    picked = choose(branch, 1, waiting)
    assert picked == (
        2,
        2.5 + 40.0,
        "Appointment x2.5, waited 0 min, counter weight 1.0, within the appointment slot",
        "预约 ×2.5，已等待0分钟，窗口权重1.0，在预约时段内",
        RULE_SCORE,
    )
    early = [waiting[0], cand(2, category=APPT, appointment_at=T0 + timedelta(minutes=11))]
    picked = choose(branch, 1, early)
    assert picked is not None and picked[0] == 1
    late = [waiting[0], cand(2, category=APPT, appointment_at=T0 - timedelta(minutes=10))]
    picked = choose(branch, 1, late)
    assert picked is not None and picked[0] == 2  # exactly at the window's edge still counts


def test_max_wait_goes_first_longest_first() -> None:
    branch = small_branch(PolicyConfig(max_wait_s=1800, breach_bonus=500))
    waiting = [
        cand(1, category=VIP, waited_min=29),
        cand(2, waited_min=31),
        cand(3, waited_min=45),
        cand(4, "B", waited_min=90),  # counter 1 does not serve B
    ]
    picked = choose(branch, 1, waiting)
    assert picked is not None
    assert picked[0] == 3 and picked[4] == RULE_MAX_WAIT
    assert picked[2] == (
        "waited over the maximum of 30 min: called first; "
        "Normal x1, waited 45 min, counter weight 1.0, over the target wait of 15 min"
    )
    assert picked[3].startswith("等待超过上限30分钟，优先叫号；普通 ×1，已等待45分钟")


def test_ratio_guarantee() -> None:
    branch = small_branch()
    waiting = [cand(1, category=VIP), cand(2, waited_min=1), cand(3, waited_min=0.5)]
    picked = choose(branch, 1, waiting, recent=[NORMAL, VIP])
    assert picked is not None and picked[0] == 1 and picked[4] == RULE_SCORE
    picked = choose(branch, 1, waiting, recent=[NORMAL, VIP, PRIORITY])
    assert picked is not None
    assert picked[0] == 2 and picked[4] == RULE_RATIO
    assert picked[2] == (
        "ratio guarantee: 2 priority calls in a row, a normal ticket goes next; "
        "Normal x1, waited 1 min, counter weight 1.0"
    )
    assert picked[3] == (
        "比例保障：已连续2次优先叫号，本次叫普通号；普通 ×1，已等待1分钟，窗口权重1.0"
    )


def test_ratio_guarantee_without_a_normal_ticket() -> None:
    branch = small_branch()
    waiting = [cand(1, category=VIP), cand(2, category=PRIORITY)]
    picked = choose(branch, 1, waiting, recent=[VIP, VIP, VIP])
    assert picked is not None and picked[0] == 1 and picked[4] == RULE_SCORE


def test_ratio_guarantee_disabled() -> None:
    branch = small_branch(PolicyConfig(max_priority_streak=0))
    waiting = [cand(1, category=VIP), cand(2, waited_min=1)]
    picked = choose(branch, 1, waiting, recent=[VIP] * 5)
    assert picked is not None and picked[0] == 1


def test_max_wait_beats_ratio_guarantee() -> None:
    branch = small_branch(PolicyConfig(max_wait_s=600))
    waiting = [cand(1, category=VIP, waited_min=11), cand(2, waited_min=5)]
    picked = choose(branch, 1, waiting, recent=[VIP, VIP])
    assert picked is not None and picked[0] == 1 and picked[4] == RULE_MAX_WAIT


def test_target_counter(branch: BranchConfig) -> None:
    # ticket 1 was transferred to counter 3 (which does not list A), ticket 2 to counter 2
    waiting = [
        cand(1, "A", waited_min=10, target_counter=3),
        cand(2, "A", waited_min=10, target_counter=2, seq=7),
        cand(3, "A", waited_min=2),
    ]
    picked = choose(branch, 1, waiting)
    assert picked is not None and picked[0] == 3  # never the ones sent elsewhere
    picked = choose(branch, 3, waiting)
    assert picked is not None and picked[:3] == (
        1,
        11.0,
        "Normal x1, waited 10 min, counter weight 1.0, transferred to this counter",
    )
    assert picked[3].endswith("转至本窗口")
    picked = choose(branch, 2, waiting)
    assert picked is not None and picked[0] == 2


def test_unlisted_category_weighs_one(branch: BranchConfig) -> None:
    bare = replace(branch, categories=())
    picked = choose(bare, 1, [cand(1, category=VIP)])
    assert picked is not None and picked[1] == 1.0 and picked[2].startswith("Vip x1")


def test_deterministic_whatever_the_order(branch: BranchConfig) -> None:
    waiting = [
        cand(i, "A" if i % 3 else "B", [NORMAL, VIP, PRIORITY, APPT][i % 4], waited_min=i % 7)
        for i in range(1, 40)
    ]
    first = choose(branch, 2, waiting)
    assert first is not None
    assert choose(branch, 2, list(reversed(waiting))) == first
    assert choose(branch, 2, sorted(waiting, key=lambda c: c.number)) == first


def test_arrival_in_the_future_counts_as_no_wait(branch: BranchConfig) -> None:
    picked = choose(branch, 1, [cand(1, waited_min=-5)])
    assert picked is not None and picked[1] == 1.0 and "waited 0 min" in picked[2]
