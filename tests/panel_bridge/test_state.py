from datetime import UTC, datetime

from panel_bridge.state import PanelCommand, PanelPlanner
from server.contract.common import Bilingual, Category, CounterState, TicketState
from server.contract.events import (
    CallInfo,
    CounterChanged,
    CounterInfo,
    QueueInfo,
    Snapshot,
    TicketCalled,
    TicketChanged,
    TicketRecalled,
    TicketRef,
)

AT = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)
REASON = Bilingual(zh="先到先叫", en="first come, first served")
NAME = Bilingual(zh="个人业务", en="Personal")


def ticket(number: str, state: TicketState = TicketState.CALLED, counter: int = 3) -> TicketRef:
    return TicketRef(
        public_id=f"p-{number}",
        number=number,
        service_code="A",
        service_name=NAME,
        category=Category.NORMAL,
        state=state,
        counter_number=counter,
        issued_at=AT,
    )


def queue() -> QueueInfo:
    return QueueInfo(
        service_code="A",
        prefix="A",
        name=NAME,
        is_open=True,
        waiting=2,
        estimated_wait_s=300,
        open_counters=1,
    )


def call(number: str, counter: int, seq: int, recalls: int = 0) -> CallInfo:
    return CallInfo(
        ticket=ticket(number, counter=counter),
        counter_number=counter,
        counter_name=Bilingual(zh=f"{counter}号窗口", en=f"Counter {counter}"),
        recall_count=recalls,
        called_at=AT,
    )


def counter_info(n: int, state: CounterState, current: TicketRef | None = None) -> CounterInfo:
    return CounterInfo(
        counter_number=n,
        name=Bilingual(zh=f"{n}号窗口", en=f"Counter {n}"),
        state=state,
        current=current,
    )


def test_call_shows_blinking_number_on_that_counter_only() -> None:
    planner = PanelPlanner([1, 3])
    cmds = planner.apply(
        TicketCalled(seq=5, at=AT, call=call("A023", 3, 5), reason=REASON, queue=queue())
    )
    assert cmds == [PanelCommand(3, "show", "A023", blink=True)]
    assert planner.last_seq == 5
    assert planner.shown == {3: "A023"}


def test_call_to_counter_without_panel_is_ignored() -> None:
    planner = PanelPlanner([1])
    cmds = planner.apply(
        TicketCalled(seq=1, at=AT, call=call("A001", 4, 1), reason=REASON, queue=queue())
    )
    assert cmds == []


def test_recall_blinks_again() -> None:
    planner = PanelPlanner([3])
    planner.apply(TicketCalled(seq=1, at=AT, call=call("A023", 3, 1), reason=REASON, queue=queue()))
    cmds = planner.apply(TicketRecalled(seq=2, at=AT, call=call("A023", 3, 2, recalls=1)))
    assert cmds == [PanelCommand(3, "show", "A023", blink=True)]


def test_closing_counter_clears_its_panel() -> None:
    planner = PanelPlanner([3])
    planner.apply(TicketCalled(seq=1, at=AT, call=call("A023", 3, 1), reason=REASON, queue=queue()))
    cmds = planner.apply(CounterChanged(seq=2, at=AT, counter=counter_info(3, CounterState.CLOSED)))
    assert cmds == [PanelCommand(3, "clear")]
    assert planner.shown == {}


def test_finished_ticket_stays_on_panel_until_next_call() -> None:
    planner = PanelPlanner([3])
    planner.apply(TicketCalled(seq=1, at=AT, call=call("A023", 3, 1), reason=REASON, queue=queue()))
    done = ticket("A023", TicketState.DONE)
    cmds = planner.apply(
        TicketChanged(seq=2, at=AT, action="finished", ticket=done, counter_number=3, queue=queue())
    )
    assert cmds == []
    assert planner.shown == {3: "A023"}


def test_parking_clears_the_parked_number() -> None:
    planner = PanelPlanner([3])
    planner.apply(TicketCalled(seq=1, at=AT, call=call("A023", 3, 1), reason=REASON, queue=queue()))
    parked = ticket("A023", TicketState.PARKED)
    cmds = planner.apply(
        TicketChanged(seq=2, at=AT, action="parked", ticket=parked, counter_number=3, queue=queue())
    )
    assert cmds == [PanelCommand(3, "clear")]


def test_snapshot_after_reconnect_restores_every_panel_without_blinking() -> None:
    planner = PanelPlanner([1, 2, 3])
    planner.apply(TicketCalled(seq=1, at=AT, call=call("A020", 2, 1), reason=REASON, queue=queue()))
    snap = Snapshot(
        seq=9,
        at=AT,
        queues=[queue()],
        counters=[
            counter_info(1, CounterState.OPEN, ticket("B007", TicketState.SERVING, 1)),
            counter_info(2, CounterState.OPEN),
            counter_info(3, CounterState.CLOSED),
        ],
        recent_calls=[],
    )
    cmds = planner.apply(snap)
    assert cmds == [
        PanelCommand(1, "show", "B007"),
        PanelCommand(2, "show", "A020"),
        PanelCommand(3, "clear"),
    ]
    assert planner.last_seq == 9
