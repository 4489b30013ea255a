"""QueueInfo.unavailable reaches the kiosk: in the snapshot, in queues.changed and in the
ticket.issued event of the ticket that fills a daily cap or takes the last free number;
GET /branch serves the screens' contacts, notices and menu from the branch file."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from websockets.sync.client import ClientConnection, connect

from server.branchfile import DEMO_BRANCH_FILE
from server.contract.common import Bilingual, Category, Role
from server.contract.events import (
    AlertAcknowledged,
    AlertCleared,
    AlertRaised,
    QueueInfo,
    QueuesChanged,
    ServerMessage,
    Snapshot,
    Subscribe,
    TicketIssued,
    parse_server_message,
)
from server.contract.rest import BranchInfo
from server.domain.availability import TEXTS, Unavailability
from server.main import create_app
from server.services.rollover import rollover
from tests.server.core.conftest import Branch, Clock, make_settings
from tests.server.core.live import serve

CAP = TEXTS[Unavailability.CAP_REACHED]
CLOSED = TEXTS[Unavailability.CLOSED]
NO_COUNTER = TEXTS[Unavailability.NO_COUNTER]
IN_USE = TEXTS[Unavailability.NUMBERS_IN_USE]


@contextmanager
def _kiosk_stream(branch: Branch) -> Iterator[tuple[ClientConnection, Snapshot]]:
    url = str(branch.client.base_url).replace("http://", "ws://") + "/api/v1/ws"
    token = branch.kiosk()["Authorization"].removeprefix("Bearer ")
    with connect(url, open_timeout=10) as ws:
        ws.send(Subscribe(token=token).model_dump_json())
        snap = parse_server_message(ws.recv(timeout=10))
        assert isinstance(snap, Snapshot)
        yield ws, snap


def _next(ws: ClientConnection) -> ServerMessage:
    """The next message that is not a wait alert (a queue filling up may raise one, on a timer
    of its own: these tests are about the queues' availability)."""
    while True:
        message = parse_server_message(ws.recv(timeout=10))
        if not isinstance(message, AlertRaised | AlertAcknowledged | AlertCleared):
            return message


def _next_queues(ws: ClientConnection) -> QueuesChanged:
    for _ in range(10):  # counters' changes come first
        message = _next(ws)
        if isinstance(message, QueuesChanged):
            return message
    raise AssertionError("no queues.changed among the next 10 events")


def _by_code(queues: list[QueueInfo]) -> dict[str, Bilingual | None]:
    return {q.service_code: q.unavailable for q in queues}


def _admin_patch(branch: Branch, code: str, body: dict[str, object]) -> None:
    r = branch.client.patch(
        f"/api/v1/admin/services/{code}", json=body, headers=branch.user("boss", Role.ADMIN)
    )
    assert r.status_code == 200, r.text


def test_the_ticket_that_fills_the_cap_says_so(branch: Branch) -> None:
    _admin_patch(branch, "V", {"daily_cap": 2})
    with _kiosk_stream(branch) as (ws, snap):
        assert _by_code(snap.queues)["V"] is None
        branch.issue("V", category="VIP")
        first = _next(ws)
        assert isinstance(first, TicketIssued) and first.queue.unavailable is None
        branch.issue("V", category="VIP")
        filled = _next(ws)
        assert isinstance(filled, TicketIssued)
        assert filled.ticket.number == "V02"
        assert filled.queue.unavailable == CAP
    r = branch.client.post("/api/v1/tickets", json={"service_code": "V"}, headers=branch.kiosk())
    assert r.status_code == 409 and r.json()["error"] == "service_unavailable"
    services = {q["service_code"]: q for q in branch.client.get("/api/v1/services").json()}
    assert services["V"]["unavailable"] == CAP.model_dump()
    assert services["A"]["unavailable"] is None
    with _kiosk_stream(branch) as (_, snap):  # a kiosk that connects now sees it too
        assert _by_code(snap.queues)["V"] == CAP
    _admin_patch(branch, "V", {"daily_cap": 0})  # the admin lifts the cap
    services = {q["service_code"]: q for q in branch.client.get("/api/v1/services").json()}
    assert services["V"]["unavailable"] is None


def test_a_cap_lowered_below_today_s_count_and_a_closed_service(branch: Branch) -> None:
    branch.issue("F")
    with _kiosk_stream(branch) as (ws, _):
        _admin_patch(branch, "F", {"daily_cap": 1})
        changed = _next(ws)
        assert isinstance(changed, QueuesChanged)
        assert _by_code(changed.queues) == {"A": None, "B": None, "V": None, "F": CAP}
        _admin_patch(branch, "B", {"is_open": False})
        changed = _next(ws)
        assert isinstance(changed, QueuesChanged)
        assert _by_code(changed.queues) == {"A": None, "B": CLOSED, "V": None, "F": CAP}


def test_no_counter_serves_a_service_while_the_branch_is_serving(branch: Branch) -> None:
    with _kiosk_stream(branch) as (ws, snap):
        # before any counter opens, customers take tickets for the opening
        assert set(_by_code(snap.queues).values()) == {None}
        branch.teller_post("dora", "/counters/4/open")  # counter 4 serves B only
        changed = _next_queues(ws)
        assert _by_code(changed.queues) == {
            "A": NO_COUNTER,
            "B": None,
            "V": NO_COUNTER,
            "F": NO_COUNTER,
        }
        branch.teller_post("dora", "/counters/4/pause")  # a short break keeps B available
        changed = _next_queues(ws)
        assert _by_code(changed.queues)["B"] is None
        assert _by_code(changed.queues)["A"] == NO_COUNTER
        branch.teller_post("erin", "/counters/6/open")  # counter 6 serves F and B
        changed = _next_queues(ws)
        assert _by_code(changed.queues) == {
            "A": NO_COUNTER,
            "B": None,
            "V": NO_COUNTER,
            "F": None,
        }


def test_branch_serves_contacts_notices_and_the_menu(branch: Branch) -> None:
    r = branch.client.get("/api/v1/branch")
    assert r.status_code == 200, r.text
    info = BranchInfo.model_validate(r.json())
    assert info.name == Bilingual(zh="示范支行", en="Demo Branch")
    assert [(c.label.zh, c.phone) for c in info.contacts] == [
        ("24小时客服热线", "400-820-9588"),
        ("挂失专线", "400-820-9599"),
        ("投诉电话", "021-6210-8000"),
    ]
    assert any("密码" in n.zh and "PIN" in n.en for n in info.notices)
    personal = info.menu[0]
    assert (personal.label.zh, personal.service_code, len(personal.children)) == (
        "个人业务",
        None,
        4,
    )
    assert personal.children[0].label == Bilingual(zh="开户", en="Open an account")
    assert personal.children[0].service_code == "A"
    leaves = [c for m in info.menu for c in (m.children or [m])]
    assert {(leaf.service_code, leaf.category) for leaf in leaves} >= {
        ("A", Category.PRIORITY),
        ("V", Category.VIP),
        ("B", Category.NORMAL),
    }
    assert all(not leaf.children for leaf in leaves)


def test_a_new_business_day_lifts_yesterday_s_cap(branch: Branch) -> None:
    _admin_patch(branch, "V", {"daily_cap": 1})
    branch.issue("V", category="VIP")
    for action in ("open", "call-next", "start", "finish"):  # nothing is left open tonight
        branch.teller_post("vera", f"/counters/5/{action}")
    with _kiosk_stream(branch) as (ws, snap):
        assert _by_code(snap.queues)["V"] == CAP
        branch.clock.now = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # the next morning
        assert rollover(branch.app.state.branch) == 0  # what the server's periodic check runs
        changed = _next_queues(ws)
    assert changed.reason == "new business day"
    assert _by_code(changed.queues) == {"A": None, "B": NO_COUNTER, "V": None, "F": NO_COUNTER}


def test_a_branch_file_without_a_menu_gets_one_button_per_service(
    tmp_path: Path, clock: Clock
) -> None:
    text = DEMO_BRANCH_FILE.read_text(encoding="utf-8")
    plain = tmp_path / "branch.toml"
    plain.write_text(text[: text.index("# What the screens show")], encoding="utf-8")
    app = create_app(make_settings(tmp_path / "data", branch_file=plain), clock=clock)
    with serve(app) as client:
        info = BranchInfo.model_validate(client.get("/api/v1/branch").json())
    assert (info.contacts, info.notices) == ([], [])
    assert [(m.label.zh, m.service_code, m.category, m.children) for m in info.menu] == [
        ("个人业务", "A", Category.NORMAL, []),
        ("对公业务", "B", Category.NORMAL, []),
        ("贵宾理财", "V", Category.NORMAL, []),
        ("外汇", "F", Category.NORMAL, []),
    ]


def test_the_ticket_that_takes_the_last_free_number_says_so(tmp_path: Path, clock: Clock) -> None:
    """V numbered 1..3: the third open ticket fills every number; the server refuses a fourth
    (numbers_in_use) and every queue a kiosk sees says why; a finished ticket frees one."""
    text = DEMO_BRANCH_FILE.read_text(encoding="utf-8")
    small = tmp_path / "branch.toml"
    small.write_text(text.replace("number_min = 1\nnumber_max = 99\n", "number_max = 3\n"))
    app = create_app(make_settings(tmp_path / "data", branch_file=small), clock=clock)
    with serve(app) as client:
        branch = Branch(client=client, app=app, clock=clock, data_dir=tmp_path / "data")
        with _kiosk_stream(branch) as (ws, _):
            for number in ("V1", "V2", "V3"):
                branch.issue("V", category="VIP")
                issued = _next(ws)
                assert isinstance(issued, TicketIssued) and issued.ticket.number == number
                assert issued.queue.unavailable == (IN_USE if number == "V3" else None)
        r = client.post("/api/v1/tickets", json={"service_code": "V"}, headers=branch.kiosk())
        assert r.status_code == 409, r.text
        assert "every number is in use" in r.json()["message"]["en"]
        services = {q["service_code"]: q for q in client.get("/api/v1/services").json()}
        assert services["V"]["unavailable"] == IN_USE.model_dump()
        assert services["A"]["unavailable"] is None
        with _kiosk_stream(branch) as (_, snap):
            assert _by_code(snap.queues)["V"] == IN_USE
        for action in ("open", "call-next", "start", "finish"):  # V1 is done: its number frees
            branch.teller_post("vera", f"/counters/5/{action}")
        services = {q["service_code"]: q for q in client.get("/api/v1/services").json()}
        assert services["V"]["unavailable"] is None
        assert branch.issue("V", category="VIP")["number"] == "V1"
