"""Satisfaction ratings through the real server: one rating per ticket from either channel (also
when both race), only for a served ticket, only within the rating window, tied to the ticket's
service, counter and teller; bad input refused with nothing stored; the teller's average today;
``rating.given`` on the event stream."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from websockets.sync.client import ClientConnection, connect

from server.contract.common import Role
from server.contract.events import (
    RatingGiven,
    ServerMessage,
    Snapshot,
    Subscribe,
    parse_server_message,
)
from server.main import create_app
from server.services import users
from server.store.db import write_session
from tests.server.core.conftest import Branch, Clock, make_settings
from tests.server.core.live import serve
from tests.server.core.pg import postgres_server

API = "/api/v1"


def pad(branch: Branch, name: str = "pad-1") -> dict[str, str]:
    if name not in branch.tokens:
        with write_session(branch.app.state.engine) as session:
            branch.tokens[name] = users.create_device_token(
                session, name=name, role=Role.RATING_PAD, now=branch.clock()
            )
    return {"Authorization": f"Bearer {branch.tokens[name]}"}


def served(branch: Branch, teller: str = "alice", counter: int = 1) -> dict[str, object]:
    """A ticket of service A issued, called, started and finished at ``counter``."""
    ticket = branch.issue("A")
    branch.teller_post(teller, f"/counters/{counter}/open")
    branch.teller_post(teller, f"/counters/{counter}/call-next")
    branch.teller_post(teller, f"/counters/{counter}/start")
    branch.teller_post(teller, f"/counters/{counter}/finish")
    return ticket


def rate_phone(branch: Branch, public_id: object, **body: object) -> httpx.Response:
    return branch.client.post(f"{API}/tickets/{public_id}/rating", json={"score": 5, **body})


def rate_pad(branch: Branch, public_id: object, counter: int = 1, **body: object) -> httpx.Response:
    payload = {"public_id": public_id, "score": 4, **body}
    return branch.client.post(f"{API}/counters/{counter}/rating", json=payload, headers=pad(branch))


def test_a_ticket_is_rated_once_from_either_channel_with_a_clear_bilingual_refusal(
    branch: Branch,
) -> None:
    ticket = served(branch)
    r = rate_pad(branch, ticket["public_id"], score=5, reasons=["friendly", "quick", "quick"])
    assert r.status_code == 201, r.text
    out = r.json()
    rating = out["rating"]
    assert rating["ticket_number"] == ticket["number"] and rating["service_code"] == "A"
    assert rating["counter_number"] == 1 and rating["teller"] == "alice"
    assert rating["reasons"] == ["friendly", "quick"] and rating["channel"] == "counter"
    assert out["offer_complaint"] is False

    for again in (rate_phone(branch, ticket["public_id"]), rate_pad(branch, ticket["public_id"])):
        assert again.status_code == 409, again.text
        body = again.json()
        assert body["error"] == "already_rated"
        assert "already been rated" in body["message"]["en"]
        assert "已经评价过" in body["message"]["zh"]
    prompt = branch.client.get(f"{API}/tickets/{ticket['public_id']}/rating").json()
    assert prompt["rateable"] is False and prompt["rated_score"] == 5


def test_two_channels_racing_store_exactly_one_rating(branch: Branch) -> None:
    tickets = [served(branch) for _ in range(5)]
    pad(branch)  # tokens made before the race
    for ticket in tickets:
        answers = _race(branch, ticket["public_id"])
        assert sorted(answers) == [201, 409], answers
    summary = branch.client.get(
        f"{API}/feedback/ratings",
        params={"first_day": "2026-11-29", "last_day": "2026-11-29", "group_by": "counter"},
        headers=branch.user("root", Role.ADMIN),
    ).json()
    assert summary["total"]["count"] == 5


def _race(branch: Branch, public_id: object) -> list[int]:
    """The phone and the pad rate ``public_id`` at the same moment; their status codes."""
    answers: list[int] = []
    barrier = threading.Barrier(2)

    def send(channel: str) -> None:
        with httpx.Client(base_url=branch.client.base_url, timeout=10) as client:
            barrier.wait()
            if channel == "phone":
                r = client.post(f"{API}/tickets/{public_id}/rating", json={"score": 2})
            else:
                r = client.post(
                    f"{API}/counters/1/rating",
                    json={"public_id": public_id, "score": 3},
                    headers=pad(branch),
                )
            answers.append(r.status_code)

    threads = [threading.Thread(target=send, args=(c,)) for c in ("phone", "pad")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    return answers


def test_only_a_served_ticket_is_rated(branch: Branch) -> None:
    waiting = branch.issue("A")
    r = rate_phone(branch, waiting["public_id"])
    assert r.status_code == 409 and r.json()["error"] == "not_rateable"
    assert "WAITING" in r.json()["message"]["en"] and "等候中" in r.json()["message"]["zh"]

    branch.teller_post("alice", "/counters/1/open")
    branch.teller_post("alice", "/counters/1/call-next")
    branch.teller_post("alice", "/counters/1/no-show")
    r = rate_pad(branch, waiting["public_id"])
    assert r.status_code == 409 and r.json()["error"] == "not_rateable"
    assert "NO_SHOW" in r.json()["message"]["en"]
    r = branch.client.post(f"{API}/tickets/nosuchticket123/rating", json={"score": 5})
    assert r.status_code == 404


def test_the_rating_window_closes_two_hours_after_the_finish(branch: Branch) -> None:
    early, late = served(branch), served(branch)
    branch.clock.advance(minutes=119)
    assert rate_phone(branch, early["public_id"]).status_code == 201
    branch.clock.advance(minutes=2)
    r = rate_phone(branch, late["public_id"])
    assert r.status_code == 409 and r.json()["error"] == "rating_closed"
    assert "120 minutes" in r.json()["message"]["en"]
    prompt = branch.client.get(f"{API}/tickets/{late['public_id']}/rating").json()
    assert prompt["rateable"] is False


def test_a_pad_rates_only_its_own_counter_and_only_a_pad_rates_at_a_counter(
    branch: Branch,
) -> None:
    ticket = served(branch, counter=1)
    r = rate_pad(branch, ticket["public_id"], counter=2)
    assert r.status_code == 422 and "counter 1" in r.json()["message"]["en"]
    r = branch.client.post(
        f"{API}/counters/1/rating",
        json={"public_id": ticket["public_id"], "score": 5},
        headers=branch.display(),
    )
    assert r.status_code == 403
    assert rate_pad(branch, ticket["public_id"], counter=1).status_code == 201


def test_bad_ratings_are_refused_naming_the_field_and_store_nothing(branch: Branch) -> None:
    ticket = served(branch)
    for body, field in (
        ({"score": 6}, "score"),
        ({"score": 0}, "score"),
        ({"score": 5, "reasons": ["nice"]}, "reasons"),
        ({"score": 5, "reasons": ["quick"] * 9}, "reasons"),
        ({"score": 5, "comment": "x"}, "comment"),
    ):
        r = branch.client.post(f"{API}/tickets/{ticket['public_id']}/rating", json=body)
        assert r.status_code == 422, (body, r.text)
        assert field in r.json()["field"] and r.json()["message"]["zh"]
    r = branch.client.post(
        f"{API}/tickets/{ticket['public_id']}/rating",
        content=b"{" + b" " * 9000 + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 413
    assert rate_phone(branch, ticket["public_id"], score=1).json()["offer_complaint"] is True


def test_the_teller_sees_their_own_average_rating_today(branch: Branch) -> None:
    a, b, c = served(branch, "alice", 1), served(branch, "alice", 1), served(branch, "bob", 2)
    rate_phone(branch, a["public_id"], score=5)
    rate_pad(branch, b["public_id"], score=2)
    rate_pad(branch, c["public_id"], counter=2, score=1)
    alice = branch.client.get(f"{API}/tellers/me/today", headers=branch.user("alice")).json()
    assert alice["ratings"] == 2 and alice["avg_rating"] == 3.5
    bob = branch.client.get(f"{API}/tellers/me/today", headers=branch.user("bob")).json()
    assert bob["ratings"] == 1 and bob["avg_rating"] == 1.0
    carol = branch.client.get(f"{API}/tellers/me/today", headers=branch.user("carol")).json()
    assert carol["ratings"] == 0 and carol["avg_rating"] is None

    by_teller = branch.client.get(
        f"{API}/feedback/ratings",
        params={"first_day": "2026-11-29", "last_day": "2026-11-29", "group_by": "teller"},
        headers=branch.user("root", Role.ADMIN),
    ).json()
    groups = {g["key"]: g for g in by_teller["groups"]}
    assert groups["alice"]["distribution"] == [0, 1, 0, 0, 1]
    assert groups["bob"]["average"] == 1.0 and by_teller["total"]["count"] == 3


@contextmanager
def _stream(branch: Branch) -> Iterator[ClientConnection]:
    url = str(branch.client.base_url).replace("http://", "ws://") + "/api/v1/ws"
    token = pad(branch)["Authorization"].removeprefix("Bearer ")
    with connect(url, open_timeout=10) as ws:
        ws.send(Subscribe(token=token).model_dump_json())
        assert isinstance(parse_server_message(ws.recv(timeout=10)), Snapshot)
        yield ws


def _next_of(ws: ClientConnection, kind: type[ServerMessage]) -> ServerMessage:
    for _ in range(20):
        message = parse_server_message(ws.recv(timeout=10))
        if isinstance(message, kind):
            return message
    raise AssertionError(f"no {kind} among the next 20 events")


def test_a_rating_is_published_on_the_event_stream(branch: Branch) -> None:
    ticket = served(branch)
    with _stream(branch) as ws:
        assert rate_phone(branch, ticket["public_id"], score=4).status_code == 201
        event = _next_of(ws, RatingGiven)
    assert isinstance(event, RatingGiven)
    assert event.rating.ticket_number == ticket["number"] and event.rating.score == 4
    assert event.rating.teller == "alice" and event.rating.channel == "phone"


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url


@pytest.mark.postgres
def test_two_channels_racing_on_postgresql_store_exactly_one_rating(
    pg_url: str, tmp_path: Path
) -> None:
    """On PostgreSQL the ticket's row lock orders the two, the unique ticket_id backs it."""
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("CREATE DATABASE ratings_race"))
    admin.dispose()
    url = pg_url.rsplit("/", 1)[0] + "/ratings_race"
    clock = Clock()
    app = create_app(make_settings(tmp_path, database_url=url), clock=clock)
    with serve(app) as client:
        branch = Branch(client=client, app=app, clock=clock, data_dir=tmp_path)
        tickets = [served(branch) for _ in range(5)]
        pad(branch)
        for ticket in tickets:
            answers = _race(branch, ticket["public_id"])
            assert sorted(answers) == [201, 409], answers
        r = client.get(f"{API}/tickets/{tickets[0]['public_id']}/rating").json()
        assert r["rated_score"] in (2, 3)
