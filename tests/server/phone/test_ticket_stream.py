"""Which hub events wake a phone's stream: only those that can change its ticket's view."""

from __future__ import annotations

from datetime import UTC, datetime

from server.contract.common import Bilingual, Category, DeviceStatus, TicketState
from server.contract.events import (
    CallInfo,
    DeviceHealthChanged,
    EmergencyChanged,
    QueueInfo,
    QueuesChanged,
    TicketCalled,
    TicketChanged,
    TicketIssued,
    TicketRef,
    TicketTransferred,
)
from server.realtime.ticket_stream import concerns

AT = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)
MINE = "mine-public-id-0001"


def _ref(public_id: str, service: str, state: TicketState = TicketState.CALLED) -> TicketRef:
    return TicketRef(
        public_id=public_id,
        number=f"{service}001",
        service_code=service,
        service_name=Bilingual(zh=service, en=service),
        category=Category.NORMAL,
        state=state,
        issued_at=AT,
    )


def _queue(service: str) -> QueueInfo:
    return QueueInfo(
        service_code=service,
        prefix=service,
        name=Bilingual(zh=service, en=service),
        is_open=True,
        waiting=1,
        estimated_wait_s=60,
        open_counters=1,
    )


def _called(public_id: str, service: str) -> str:
    call = CallInfo(
        ticket=_ref(public_id, service),
        counter_number=3,
        counter_name=Bilingual(zh="3号窗口", en="Counter 3"),
        called_at=AT,
    )
    reason = Bilingual(zh="", en="")
    return TicketCalled(
        seq=1, at=AT, call=call, reason=reason, queue=_queue(service)
    ).model_dump_json()


def _wakes(text: str) -> bool:
    """Whether the event concerns a phone watching ticket MINE of service A."""
    what = concerns(text)
    if what is None:
        return False
    return what == "*" or what[0] == MINE or what[1] == "A"


def test_calls_in_its_service_or_of_itself_wake_it() -> None:
    assert _wakes(_called("someone-else-0001", "A"))  # one ahead of it was called
    assert _wakes(_called(MINE, "A"))
    assert not _wakes(_called("someone-else-0001", "B"))


def test_changes_in_its_service_wake_it() -> None:
    done = TicketChanged(
        seq=2, at=AT, action="finished", ticket=_ref("x-000000001", "A"), queue=_queue("A")
    )
    assert _wakes(done.model_dump_json())
    other = done.model_copy(update={"ticket": _ref("x-000000001", "F"), "queue": _queue("F")})
    assert not _wakes(other.model_dump_json())


def test_every_queue_and_transfers_wake_it() -> None:
    queues = QueuesChanged(seq=3, at=AT, queues=[_queue("A")], reason="counter 3 open")
    assert _wakes(queues.model_dump_json())
    moved = TicketTransferred(
        seq=4, at=AT, ticket=_ref("x-000000002", "A"), from_service_code="B", queues=[]
    )
    assert _wakes(moved.model_dump_json())


def test_an_emergency_switch_wakes_every_phone() -> None:
    on = EmergencyChanged(seq=7, at=AT, notice=Bilingual(zh="暂停", en="Paused"))
    assert concerns(on.model_dump_json()) == "*"
    assert concerns(on.model_copy(update={"notice": None}).model_dump_json()) == "*"


def test_new_tickets_and_device_health_do_not() -> None:
    issued = TicketIssued(
        seq=5, at=AT, ticket=_ref("x-000000003", "A", TicketState.WAITING), queue=_queue("A")
    )
    assert not _wakes(issued.model_dump_json())  # a new ticket queues behind
    health = DeviceHealthChanged(
        seq=6, at=AT, device_id="kiosk-1", kind="printer", status=DeviceStatus.ERROR
    )
    assert not _wakes(health.model_dump_json())
