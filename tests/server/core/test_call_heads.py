"""Call-next by group heads chooses exactly what scoring the whole queue chooses.

For random queues (every category, tickets transferred to counters, appointments around the
slot window's edges, waits past the target and past max-wait, ties in arrival, recent calls
for the ratio rule) the choice from the heads (``choose_for``) equals the choice of the policy
over every waiting ticket (``choose_by_full_scan``, the domain's own rule), for every counter;
on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete
from sqlmodel import Session

from server.domain.heads import head_query
from server.domain.model import BranchConfig, CounterDef, PolicyConfig
from server.domain.policy import WeightedPolicy
from server.domain.states import Category, TicketState
from server.services.candidates import choose_by_full_scan, choose_for
from server.store import call_heads
from server.store.db import make_engine, migrate
from server.store.tables import Ticket, TicketEvent
from tests.hypothesis_budget import budget
from tests.server.core.pg import postgres_server
from tests.server.domain.conftest import small_branch

NOW = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)
DAY = date(2026, 11, 29)
WINDOW_S = 600
NORMAL, APPOINTMENT = Category.NORMAL, Category.APPOINTMENT


def branch(policy: PolicyConfig) -> BranchConfig:
    """The domain tests' branch (A, B, V; counters 1, 2, 3, 5) and a counter that serves
    nothing (it takes only tickets transferred to it)."""
    config = small_branch(policy)
    idle = CounterDef(6, "6号窗口", "Counter 6", {})
    return replace(config, counters=(*config.counters, idle))


POLICIES = st.builds(
    PolicyConfig,
    aging_per_min=st.sampled_from([0.0, 0.1, 1.0, 3.0]),
    breach_bonus=st.sampled_from([0.0, 50.0, 500.0]),
    appointment_bonus=st.sampled_from([0.0, 40.0, 400.0]),
    appointment_window_s=st.just(WINDOW_S),
    max_wait_s=st.sampled_from([1800, 3600, 7200]),
    max_priority_streak=st.integers(0, 3),
)


@dataclass(frozen=True)
class Waiting:
    service: str
    category: Category
    waited_s: int
    target_counter: int | None
    appointment_offset_s: int | None  # appointment_at - NOW


# waits cluster on a few values so that arrivals tie; they cross every target and max-wait
WAITS = st.one_of(
    st.sampled_from([0, 60, 599, 600, 601, 900, 901, 1200, 1801, 3600, 3601, 7300]),
    st.integers(-30, 9000),  # a few arrivals "in the future" (a clock set back) wait 0 s
)
APPOINTMENTS = st.one_of(
    st.none(),
    st.none(),
    st.sampled_from([-WINDOW_S - 1, -WINDOW_S, 0, WINDOW_S, WINDOW_S + 1]),
    st.integers(-3 * WINDOW_S, 3 * WINDOW_S),
)
# most tickets fall in a few groups, so that groups hold several tickets
TICKETS = st.builds(
    Waiting,
    service=st.sampled_from(["A", "A", "A", "B", "V"]),
    category=st.sampled_from([NORMAL, NORMAL, Category.PRIORITY, Category.VIP, APPOINTMENT]),
    waited_s=WAITS,
    target_counter=st.one_of(st.none(), st.none(), st.none(), st.sampled_from([1, 2, 3, 5, 6])),
    appointment_offset_s=APPOINTMENTS,
)


def _ticket(i: int, state: TicketState, **kw: object) -> Ticket:
    values: dict[str, object] = {
        "public_id": f"p{i}",
        "service_code": "A",
        "number": f"A{i:03d}",
        "number_value": i,
        "category": Category.NORMAL,
        "state": state,
        "language": "zh",
        "business_day": DAY,
        "arrived_at": NOW,
        "issued_at": NOW,
    }
    values.update(kw)
    return Ticket(**values)  # type: ignore[arg-type]


def load_queue(engine: Engine, queue: list[Waiting], recent: list[Category]) -> None:
    """Replace the tickets: ``recent`` called ones (oldest call first), then the queue, plus
    tickets that must never be candidates (parked, done, yesterday's)."""
    with Session(engine) as session:
        session.execute(delete(TicketEvent))
        session.execute(delete(Ticket))
        i = 0
        for category in recent:
            i += 1
            row = _ticket(i, TicketState.CALLED, category=category, counter_number=1)
            session.add(row)
            session.flush()
            assert row.id is not None
            session.add(TicketEvent(ticket_id=row.id, action="call", at=NOW))
        for w in queue:
            i += 1
            appointment = (
                None
                if w.appointment_offset_s is None
                else NOW + timedelta(seconds=w.appointment_offset_s)
            )
            arrived = NOW - timedelta(seconds=w.waited_s)
            session.add(
                _ticket(
                    i,
                    TicketState.WAITING,
                    service_code=w.service,
                    number=f"{w.service}{i:03d}",
                    category=w.category,
                    arrived_at=arrived,
                    issued_at=arrived,
                    target_counter=w.target_counter,
                    appointment_at=appointment,
                )
            )
        old = NOW - timedelta(hours=3)
        session.add(_ticket(i + 1, TicketState.PARKED, counter_number=1, arrived_at=old))
        session.add(_ticket(i + 2, TicketState.DONE, counter_number=2, arrived_at=old))
        yesterday = DAY - timedelta(days=1)
        session.add(_ticket(i + 3, TicketState.WAITING, business_day=yesterday, arrived_at=old))
        session.commit()


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    if request.param == "sqlite":
        made = make_engine(f"sqlite:///{tmp_path_factory.mktemp('heads') / 'q.sqlite3'}")
        migrate(made)
        yield made
        made.dispose()
        return
    with postgres_server() as url:
        made = make_engine(url)
        migrate(made)
        yield made
        made.dispose()


@settings(
    max_examples=budget(100),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    policy=POLICIES,
    queue=st.lists(TICKETS, max_size=50),
    recent=st.lists(st.sampled_from(list(Category)), max_size=4),
)
def test_heads_choose_what_the_full_scan_chooses(
    engine: Engine, policy: PolicyConfig, queue: list[Waiting], recent: list[Category]
) -> None:
    config = branch(policy)
    load_queue(engine, queue, recent)
    weighted = WeightedPolicy(config)
    with Session(engine) as session:
        for counter in config.counters:
            args = {"policy": weighted, "counter": counter, "day": DAY, "now": NOW}
            full = choose_by_full_scan(session, **args)  # type: ignore[arg-type]
            chosen = choose_for(session, **args)  # type: ignore[arg-type]
            expected = full.choice if full is not None else None
            assert (chosen.choice if chosen is not None else None) == expected, counter.number
            heads = call_heads.group_heads(
                session, business_day=DAY, query=head_query(config, counter, NOW)
            )
            groups = {(w.service, w.category) for w in queue if w.target_counter is None}
            transferred_here = sum(1 for w in queue if w.target_counter == counter.number)
            assert len(heads) <= 2 * len(groups) + transferred_here
            if expected is not None:
                assert expected.ticket_id in {h.id for h in heads}


def test_the_heads_are_few_in_a_long_queue(engine: Engine) -> None:
    """3,000 waiting tickets of one group: the store returns one head, the first arrival."""
    queue = [Waiting("A", Category.NORMAL, 3000 - i, None, None) for i in range(3000)]
    load_queue(engine, queue, [])
    config = branch(PolicyConfig())
    with Session(engine) as session:
        heads = call_heads.group_heads(
            session, business_day=DAY, query=head_query(config, config.counter(1), NOW)
        )
        chosen = choose_for(
            session, policy=WeightedPolicy(config), counter=config.counter(1), day=DAY, now=NOW
        )
    assert [h.number for h in heads] == ["A001"]
    assert chosen is not None and heads[0].id == chosen.choice.ticket_id == chosen.row.id
