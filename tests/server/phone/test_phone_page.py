"""The ticket's status URL: JSON for programs, the phone page for browsers (headers, language,
assets, nothing about other customers), its polling view and its server-sent events."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import httpx
import pytest

from server.contract.common import Language
from server.contract.phone import PhoneView
from server.contract.rest import TicketStatusOut
from server.services.phone_page import choose_language
from tests.server.core.conftest import Branch
from tests.server.core.live import wait_until

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


def _path(ticket: dict[str, object]) -> str:
    return f"/api/v1/tickets/{ticket['public_id']}"


def _page(branch: Branch, path: str, *, language: str = "zh-CN,zh;q=0.9") -> httpx.Response:
    return branch.client.get(path, headers={"Accept": BROWSER, "Accept-Language": language})


@pytest.mark.parametrize(
    "accept", [None, "*/*", "application/json", "text/html;q=0.5, application/json"]
)
def test_programs_keep_the_json_answer(branch: Branch, accept: str | None) -> None:
    ticket = branch.issue("A")
    headers = {"Accept": accept} if accept else {}
    r = branch.client.get(_path(ticket), headers=headers)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    status = TicketStatusOut.model_validate(r.json())
    assert (status.number, status.state, status.language) == ("A001", "WAITING", Language.ZH)


def test_status_url_opens_the_phone_page_in_a_browser(branch: Branch) -> None:
    ticket = branch.issue("A")
    assert str(ticket["status_url"]).endswith(_path(ticket))
    r = _page(branch, _path(ticket))
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp and "unsafe" not in csp
    assert r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["cache-control"] == "no-store"
    assert "Accept" in r.headers["vary"]
    html = r.text
    assert '<html lang="zh-CN">' in html
    assert "A001" in html and "个人业务" in html and "等候中" in html
    assert "前面还有" in html and "0 人" in html
    # nothing but this server: no absolute URL, no inline script or style, no event handler
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "<style" not in html and " style=" not in html and not re.search(r" on[a-z]+=", html)
    scripts = re.findall(r"<script([^>]*)>", html)
    assert all('type="application/json"' in s or "src=" in s for s in scripts)


def test_every_asset_the_page_names_is_served(branch: Branch) -> None:
    ticket = branch.issue("A")
    html = _page(branch, _path(ticket)).text
    names = set(re.findall(r'(?:src|href)="\.\./phone/([^"]+)"', html))
    assert names == {"phone.js", "feedback.js", "phone.css", "logo.svg"}
    faces = {f"face-{score}.svg" for score in range(1, 6)}  # the rating's, named by feedback.js
    types = {
        "phone.js": "text/javascript",
        "feedback.js": "text/javascript",
        "phone.css": "text/css",
        "logo.svg": "image/svg+xml",
        **dict.fromkeys(faces, "image/svg+xml"),
    }
    for name in names | faces:
        r = branch.client.get(f"/api/v1/phone/{name}")
        assert r.status_code == 200, name
        assert r.headers["content-type"].startswith(types[name])
        assert r.headers["x-content-type-options"] == "nosniff"
        assert b"http://" not in r.content.replace(b"http://www.w3.org/2000/svg", b"")
        assert b"https://" not in r.content
    r = branch.client.get("/api/v1/phone/..%2Fserver.py")
    assert r.status_code == 404
    known = {*types, "book.css", "book.js"}  # the appointment pages' (tested with them)
    r = branch.client.get("/api/v1/phone/secrets.txt")
    assert r.status_code == 404 and r.json()["error"] == "not_found"
    assert r.json()["message"] == {
        "zh": "没有这个文件：secrets.txt（可选：" + "、".join(sorted(known)) + "）",
        "en": f"unknown file 'secrets.txt'; expected one of {sorted(known)}",
    }


@pytest.mark.parametrize(
    ("accept_language", "query", "expected"),
    [
        ("en-US,en;q=0.9", "", "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "", "zh"),
        ("en;q=0.4, zh-TW;q=0.7", "", "zh"),
        ("fr-FR,fr;q=0.9", "", "zh"),  # neither: the language chosen at the kiosk
        ("en-US", "?lang=zh", "zh"),
        ("zh-CN", "?lang=en", "en"),
    ],
)
def test_language_from_the_browser_or_the_switch(
    branch: Branch, accept_language: str, query: str, expected: str
) -> None:
    ticket = branch.issue("A")
    html = _page(branch, _path(ticket) + query, language=accept_language).text
    assert f'data-lang="{expected}"' in html
    if expected == "en":
        assert "Your number" in html and ">Waiting<" in html and ">中文<" in html
    else:
        assert ">您的号码<" in html and ">等候中<" in html and ">English<" in html
    # both languages are in the page, so the switch needs no round trip
    assert 'data-zh="等候中" data-en="Waiting"' in html


def test_a_ticket_issued_in_english_opens_in_english_when_the_browser_says_nothing(
    branch: Branch,
) -> None:
    ticket = branch.issue("A", language="en")
    html = _page(branch, _path(ticket), language="").text
    assert 'data-lang="en"' in html
    assert choose_language(lang="fr", accept_language="de", ticket_language=None) is Language.ZH


def test_the_page_shows_nothing_about_other_customers(branch: Branch) -> None:
    first = branch.issue("A")
    second = branch.issue("A")
    branch.issue("B")
    html = _page(branch, _path(second)).text
    assert "A002" in html and "1 人" in html
    for other in ("A001", "B001", str(first["public_id"])):
        assert other not in html
    view = branch.client.get(_path(second) + "/view").json()
    assert "A001" not in json.dumps(view) and "B001" not in json.dumps(view)


def test_unknown_ticket(branch: Branch) -> None:
    r = _page(branch, "/api/v1/tickets/doesnotexist123")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "找不到这张号票" in r.text and r.headers["content-security-policy"]
    r = branch.client.get("/api/v1/tickets/doesnotexist123")
    assert r.status_code == 404 and r.json()["error"] == "not_found"
    r = branch.client.get("/api/v1/tickets/doesnotexist123/view")
    assert r.status_code == 404 and r.json()["error"] == "not_found"
    r = branch.client.get("/api/v1/tickets/doesnotexist123/events")
    assert r.status_code == 404 and r.json()["error"] == "not_found"


def test_view_follows_the_ticket_to_the_counter(branch: Branch) -> None:
    branch.issue("A")
    ticket = branch.issue("A")
    view = PhoneView.model_validate(branch.client.get(_path(ticket) + "/view").json())
    assert (view.state, view.tone, view.final) == ("WAITING", "waiting", False)
    assert view.facts[0].value.en == "1"
    branch.teller_post("carol", "/counters/3/open")
    branch.teller_post("carol", "/counters/3/call", {"number": "A002"})
    view = PhoneView.model_validate(branch.client.get(_path(ticket) + "/view").json())
    assert (view.state, view.tone) == ("CALLED", "called")
    assert view.headline is not None
    assert (view.headline.zh, view.headline.en) == ("请到 3号窗口", "Please go to Counter 3")
    html = _page(branch, _path(ticket)).text
    assert "请到 3号窗口" in html and 'class="card tone-called"' in html


def _events(lines: Iterator[str]) -> Iterator[tuple[str, str]]:
    name, data = "", ""
    for line in lines:
        if line.startswith("event: "):
            name = line.removeprefix("event: ")
        elif line.startswith("data: "):
            data = line.removeprefix("data: ")
        elif line == "" and name:
            yield name, data
            name, data = "", ""


def test_events_stream_the_view_until_the_ticket_is_done(branch: Branch) -> None:
    ticket = branch.issue("A")
    with branch.client.stream("GET", _path(ticket) + "/events", timeout=10) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        events = _events(r.iter_lines())
        name, data = next(events)
        assert name == "view" and PhoneView.model_validate_json(data).state == "WAITING"
        branch.issue("B")  # another service's ticket: this view does not change, no event
        branch.teller_post("carol", "/counters/3/open")
        branch.teller_post("carol", "/counters/3/call-next")
        name, data = next(events)
        called = PhoneView.model_validate_json(data)
        assert name == "view" and called.state == "CALLED"
        assert called.headline is not None and called.headline.en == "Please go to Counter 3"
        branch.teller_post("carol", "/counters/3/start")
        assert PhoneView.model_validate_json(next(events)[1]).state == "SERVING"
        branch.teller_post("carol", "/counters/3/finish")
        done = PhoneView.model_validate_json(next(events)[1])
        assert (done.state, done.final, done.tone) == ("DONE", True, "done")
        assert next(events)[0] == "end"
    # a finished ticket's stream ends at once
    with branch.client.stream("GET", _path(ticket) + "/events", timeout=10) as r:
        assert [name for name, _ in _events(r.iter_lines())] == ["view", "end"]


def test_all_phones_share_one_hub_subscription(branch: Branch) -> None:
    hub = branch.app.state.hub
    first = branch.issue("A")
    branch.issue("F")
    second = branch.issue("F")  # one ahead of it
    with (
        branch.client.stream("GET", _path(first) + "/events", timeout=10) as a,
        branch.client.stream("GET", _path(second) + "/events", timeout=10) as b,
    ):
        events_a, events_b = _events(a.iter_lines()), _events(b.iter_lines())
        assert next(events_a)[0] == "view"
        before = PhoneView.model_validate_json(next(events_b)[1])
        assert hub.stats.clients == 1  # one subscriber for every phone
        assert before.facts[1].value.en == "about 7 min"  # no counter open: F001 on one
        # counter 1 serves A and F: A001 (before it) and F001 are both its work (12 min); then
        # counter 6 (F and B) shares it (6 min). The views may come one by one or coalesced.
        branch.teller_post("alice", "/counters/1/open")
        branch.teller_post("frank", "/counters/6/open")
        seen: list[str] = []
        while not seen or seen[-1] != "about 6 min":
            seen.append(PhoneView.model_validate_json(next(events_b)[1]).facts[1].value.en)
        assert set(seen) <= {"about 12 min", "about 6 min"}, seen
        branch.teller_post("alice", "/counters/1/call", {"number": first["number"]})
        called = PhoneView.model_validate_json(next(events_a)[1])
        assert called.headline is not None and called.headline.en == "Please go to Counter 1"
    wait_until(lambda: hub.stats.clients == 0, what="the phones' subscription to end")
