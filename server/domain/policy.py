"""Call-next policies: which waiting ticket a counter gets, and why."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from server.domain.model import BranchConfig, Candidate, CounterDef
from server.domain.states import Category

RULE_SCORE = "score"
RULE_MAX_WAIT = "max_wait"
RULE_RATIO = "ratio"


@dataclass(frozen=True)
class Choice:
    """The ticket chosen for a counter, its score and why (shown to the teller).

    rule: which rule decided: ``score``, ``max_wait`` or ``ratio``.
    """

    ticket_id: int
    score: float
    reason_en: str
    reason_zh: str
    rule: str = RULE_SCORE


class CallPolicy(Protocol):
    """Picks the next ticket for a counter among the branch's waiting tickets."""

    def choose(
        self,
        *,
        counter: CounterDef,
        candidates: Sequence[Candidate],
        now: datetime,
        recent_categories: Sequence[Category],
    ) -> Choice | None:
        """The chosen ticket, or None when no candidate is for this counter.

        recent_categories: categories of the most recent calls at the branch, newest last.
        """
        ...


def _fmt(value: float) -> str:
    """A counter weight as the config file writes it: 1 -> '1.0', 2.5 -> '2.5'."""
    return f"{value:.1f}" if value == int(value) else f"{value:g}"


def _factor(value: float) -> str:
    return f"{value:g}"


@dataclass(frozen=True)
class _Scored:
    candidate: Candidate
    score: float
    waited_s: float
    reason_en: str
    reason_zh: str


@dataclass(frozen=True)
class _Points:
    """A candidate's score and what earned it (the words come later, for the chosen one)."""

    candidate: Candidate
    score: float
    waited_s: float
    cat_weight: float
    ctr_weight: float
    target_s: int
    over_target: bool
    in_slot: bool

    @property
    def fifo_key(self) -> tuple[datetime, int]:
        return (self.candidate.arrived_at, self.candidate.issue_seq)


class WeightedPolicy:
    """Score = category weight x counter weight + aging + breach bonus + appointment bonus.

    Rules, in order:
    1. Only candidates this counter serves (weight > 0) or that were transferred to it; never
       those transferred to another counter.
    2. Anyone who waited over ``max_wait_s`` is called first, longest wait first.
    3. Ratio guarantee: after ``max_priority_streak`` non-NORMAL calls in a row, the best
       NORMAL ticket goes next if one waits.
    4. Highest score; equal scores go first-come first-served by (arrived_at, issue_seq).
    """

    def __init__(self, config: BranchConfig) -> None:
        self.config = config
        self.policy = config.policy

    def eligible(self, counter: CounterDef, candidates: Sequence[Candidate]) -> list[Candidate]:
        """The candidates this counter may call."""
        return [
            c
            for c in candidates
            if counter.may_take(service_code=c.service_code, target_counter=c.target_counter)
        ]

    def points(self, counter: CounterDef, cand: Candidate, now: datetime) -> _Points:
        """The candidate's score and what earned it, without the words (what ``choose``
        compares; the words are written for the chosen one only)."""
        pol = self.policy
        cat_weight = self.config.category_weight(cand.category)
        ctr_weight = counter.weight(cand.service_code)
        if ctr_weight <= 0:  # transferred here although the counter does not list the service
            ctr_weight = 1.0
        waited_s = max((now - cand.arrived_at).total_seconds(), 0.0)
        total = cat_weight * ctr_weight + waited_s / 60 * pol.aging_per_min
        target_s = self.config.service(cand.service_code).target_wait_s
        over_target = waited_s > target_s
        if over_target:
            total += pol.breach_bonus
        in_slot = (
            cand.appointment_at is not None
            and abs((now - cand.appointment_at).total_seconds()) <= pol.appointment_window_s
        )
        if in_slot:
            total += pol.appointment_bonus
        return _Points(
            cand, total, waited_s, cat_weight, ctr_weight, target_s, over_target, in_slot
        )

    def score(self, counter: CounterDef, cand: Candidate, now: datetime) -> _Scored:
        """The candidate's score with its reasons in English and Chinese."""
        p = self.points(counter, cand, now)
        waited_min = int(p.waited_s // 60)
        cat_en, cat_zh = self._category_names(cand.category)
        en = [f"{cat_en} x{_factor(p.cat_weight)}", f"waited {waited_min} min"]
        zh = [f"{cat_zh} ×{_factor(p.cat_weight)}", f"已等待{waited_min}分钟"]
        en.append(f"counter weight {_fmt(p.ctr_weight)}")
        zh.append(f"窗口权重{_fmt(p.ctr_weight)}")
        if p.over_target:
            target_min = _factor(p.target_s / 60)
            en.append(f"over the target wait of {target_min} min")
            zh.append(f"超过目标等待{target_min}分钟")
        if p.in_slot:
            en.append("within the appointment slot")
            zh.append("在预约时段内")
        if cand.target_counter is not None:
            en.append("transferred to this counter")
            zh.append("转至本窗口")
        return _Scored(cand, p.score, p.waited_s, ", ".join(en), "，".join(zh))

    def _category_names(self, category: Category) -> tuple[str, str]:
        for cat in self.config.categories:
            if cat.category == category:
                return cat.name_en, cat.name_zh
        return category.value.capitalize(), category.value

    def _streak_due(self, recent_categories: Sequence[Category]) -> bool:
        streak = self.policy.max_priority_streak
        if streak <= 0 or len(recent_categories) < streak:
            return False
        return all(cat != Category.NORMAL for cat in recent_categories[-streak:])

    def choose(
        self,
        *,
        counter: CounterDef,
        candidates: Sequence[Candidate],
        now: datetime,
        recent_categories: Sequence[Category],
    ) -> Choice | None:
        pool = [self.points(counter, c, now) for c in self.eligible(counter, candidates)]
        if not pool:
            return None
        max_wait_s = self.policy.max_wait_s
        overdue = [p for p in pool if p.waited_s > max_wait_s]
        if overdue:
            best = self.score(counter, min(overdue, key=lambda p: p.fifo_key).candidate, now)
            limit = _factor(max_wait_s / 60)
            return Choice(
                best.candidate.ticket_id,
                best.score,
                f"waited over the maximum of {limit} min: called first; {best.reason_en}",
                f"等待超过上限{limit}分钟，优先叫号；{best.reason_zh}",
                RULE_MAX_WAIT,
            )
        if self._streak_due(recent_categories):
            normals = [p for p in pool if p.candidate.category == Category.NORMAL]
            if normals:
                best = self.score(counter, _best(normals).candidate, now)
                n = self.policy.max_priority_streak
                return Choice(
                    best.candidate.ticket_id,
                    best.score,
                    f"ratio guarantee: {n} priority calls in a row, a normal ticket goes next; "
                    f"{best.reason_en}",
                    f"比例保障：已连续{n}次优先叫号，本次叫普通号；{best.reason_zh}",
                    RULE_RATIO,
                )
        best = self.score(counter, _best(pool).candidate, now)
        return Choice(best.candidate.ticket_id, best.score, best.reason_en, best.reason_zh)


def _best(pool: Sequence[_Points]) -> _Points:
    """Highest score; among equal scores the earliest (arrived_at, issue_seq)."""
    return min(pool, key=lambda s: (-s.score, s.fifo_key))
