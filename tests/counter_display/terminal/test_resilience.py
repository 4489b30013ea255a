"""The counter terminal when things go wrong: two terminals race, another teller holds the
counter, the server restarts mid-shift, the session expires, an answer is lost."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from PyQt6.QtCore import Qt

from counter_display.terminal import texts
from server.config import Settings
from server.contract.common import Bilingual, Role
from tests.counter_display.terminal.conftest import Terminal, issue
from tests.counter_display.terminal.proxy import LossyProxy
from tests.e2e.live import PASSWORD, LiveBranch

Make = Callable[..., Terminal]
# behind the lossy proxy a lost answer never comes: the terminal gives a request up after this
# (its default is 3 s, each lost answer waited that long for nothing)
LOST_ANSWER_S = 1.5


def server_counters(branch: LiveBranch) -> dict[int, Any]:
    with branch.client() as client:
        token = branch.device_token("lobby-1", Role.DISPLAY)  # a device: no session expiry
        r = client.get("/api/v1/counters", headers={"Authorization": f"Bearer {token}"})
    return {c["counter_number"]: c for c in r.json()}


def waiting(branch: LiveBranch, service: str = "A") -> int:
    with branch.client() as client:
        r = client.get("/api/v1/services")
    return int(next(q for q in r.json() if q["service_code"] == service)["waiting"])


def test_two_terminals_race_for_one_ticket(branch: LiveBranch, make_terminal: Make) -> None:
    issue(branch, "A", 1)
    one = make_terminal(counter=1, teller="teller1")
    three = make_terminal(counter=3, teller="teller3")
    sent = (one.vm.actions_sent, three.vm.actions_sent)
    one.window.buttons["call-next"].click()  # both requests are on their way at once
    three.window.buttons["call-next"].click()
    one.wait(lambda: one.vm.actions_sent > sent[0] and one.settled())
    three.wait(lambda: three.vm.actions_sent > sent[1] and three.settled())
    got = sorted([one.number() or "", three.number() or ""])
    assert got == ["", "A001"]  # one got it, the other nobody
    loser = one if one.number() is None else three
    assert loser.vm.last_notice == texts.CALLED_NOBODY
    assert loser.window.notice.isVisible()
    # the winner's call reached the loser's screen as an event
    winner = three if loser is one else one
    loser.wait(
        lambda: any(
            c.current is not None and c.current.number == "A001"
            for c in loser.vm.board.others()
            if c.counter_number == winner.vm.counter_number
        )
    )
    # a new ticket: the loser calls it
    issue(branch, "A", 1)
    loser.wait(lambda: [w.ticket.number for w in loser.vm.desk.waiting] == ["A002"])
    loser.press("call-next")
    assert loser.number() == "A002"


def test_another_tellers_counter_is_refused_with_their_name(
    branch: LiveBranch, make_terminal: Make
) -> None:
    with branch.client() as client:
        r = client.post("/api/v1/counters/3/open", headers=branch.auth("alice"))
    assert r.status_code == 200
    t = make_terminal(sign_in=False)
    t.vm.sign_in("teller3", PASSWORD)
    t.wait(lambda: t.window.sign_in.message.isVisible())
    assert "alice" in t.window.sign_in.message.text()
    assert t.vm.teller is None and server_counters(branch)[3]["teller"] == "alice"


def test_a_wrong_password_is_said_and_nothing_opens(
    branch: LiveBranch, make_terminal: Make
) -> None:
    t = make_terminal(sign_in=False, language="zh")
    t.window.sign_in.ask("teller3", None)
    t.window.sign_in.password.setText("not the password")
    t.window.sign_in.button.click()
    t.wait(lambda: t.window.sign_in.message.isVisible() and t.window.sign_in.button.isEnabled())
    assert t.window.sign_in.message.text()  # the server's refusal, in Chinese
    assert server_counters(branch)[3]["state"] == "CLOSED"
    t.window.sign_in.password.setText(PASSWORD)
    t.window.sign_in.button.click()
    t.wait(lambda: t.vm.teller == "teller3" and t.settled())
    assert not t.window.sign_in.isVisible()


def test_server_restart_mid_shift(branch: LiveBranch, make_terminal: Make) -> None:
    issue(branch, "A", 3)
    t = make_terminal()
    t.press("call-next")
    assert t.number() == "A001"
    branch.stop()
    t.wait(lambda: t.window.offline.isVisible())
    assert not any(b.isEnabled() for b in t.window.buttons.values())
    t.qtbot.keyClick(t.window, Qt.Key.Key_F3)  # ignored while offline
    branch.start()
    t.wait(lambda: not t.window.offline.isVisible() and t.vm.online and t.settled())
    assert t.number() == "A001"  # nothing lost
    t.press("start")
    t.press("finish")
    t.press("call-next")
    assert t.number() == "A002"  # nothing doubled
    assert waiting(branch) == 1


def test_an_expired_session_asks_the_password_and_keeps_the_state(
    branch: LiveBranch, make_terminal: Make
) -> None:
    issue(branch, "A", 2)
    t = make_terminal()
    t.press("call-next")
    t.press("start")
    branch.clock.now += timedelta(seconds=Settings(data_dir=branch.data_dir).token_ttl_s + 60)
    t.qtbot.keyClick(t.window, Qt.Key.Key_F4)  # finish: the server answers 401
    t.wait(lambda: t.window.sign_in.isVisible() and t.window.sign_in.message.isVisible())
    assert t.window.sign_in.message.text() == texts.SESSION_EXPIRED.en
    assert t.window.sign_in.username.text() == "teller3"
    assert t.window.sign_in.username.isReadOnly()
    assert t.number() == "A001"  # the screen keeps its state meanwhile
    assert server_counters(branch)[3]["current"]["state"] == "SERVING"
    sent = t.vm.actions_sent
    t.window.sign_in.password.setText(PASSWORD)
    t.window.sign_in.button.click()
    t.wait(lambda: t.vm.actions_sent > sent and t.settled())  # the finish went through
    assert t.vm.current is None and t.vm.today is not None and t.vm.today.served == 1
    assert server_counters(branch)[3]["teller"] == "teller3"
    t.press("call-next")
    assert t.number() == "A002"


@pytest.fixture
def proxy(branch: LiveBranch) -> Iterator[LossyProxy]:
    lossy = LossyProxy(branch.port).start()
    try:
        yield lossy
    finally:
        lossy.stop()


def test_a_lost_answer_is_retried_with_the_same_key_and_calls_nobody_else(
    branch: LiveBranch, make_terminal: Make, proxy: LossyProxy
) -> None:
    issue(branch, "A", 3)
    t = make_terminal(
        server_url=proxy.url, timeout_s=LOST_ANSWER_S
    )  # REST and events through the proxy
    # the server commits the call, the answer never arrives (nor to the client's own retry);
    # the server is too slow to answer the terminal's reads either, so the screen cannot learn
    # that the counter holds a ticket now: the teller presses again
    proxy.lose_answers(b"/call-next", 2)
    proxy.lose_answers(b"/desk", 1000)
    sent = t.vm.actions_sent
    t.qtbot.keyClick(t.window, Qt.Key.Key_F1)
    t.wait(lambda: t.vm.last_notice == texts.RETRY_SAFE and t.vm.busy is None)
    assert proxy.lost[b"/call-next"] == 2 and t.vm.actions_sent == sent
    assert server_counters(branch)[3]["current"]["number"] == "A001"
    assert t.vm.enabled("call-next")
    # the teller presses again: the same key, the server answers what it did
    t.qtbot.keyClick(t.window, Qt.Key.Key_F1)
    t.wait(lambda: t.vm.actions_sent > sent and t.vm.busy is None)
    assert t.number() == "A001" and t.window.number.text() == "A001"
    assert waiting(branch) == 2  # A002 and A003 still wait: no second customer called


def test_the_client_retries_a_lost_answer_by_itself(
    branch: LiveBranch, make_terminal: Make, proxy: LossyProxy
) -> None:
    issue(branch, "A", 2)
    t = make_terminal(server_url=proxy.url, timeout_s=LOST_ANSWER_S)
    proxy.lose_answers(b"/call-next", 1)
    t.press("call-next")
    assert proxy.lost[b"/call-next"] == 1
    assert t.number() == "A001" and t.vm.last_notice is None
    assert waiting(branch) == 1


def test_after_the_screen_showed_what_a_lost_request_did_a_press_is_new(
    branch: LiveBranch, make_terminal: Make, proxy: LossyProxy
) -> None:
    issue(branch, "A", 1)
    t = make_terminal(server_url=proxy.url, timeout_s=LOST_ANSWER_S)
    t.press("call-next")
    proxy.lose_answers(b"/recall", 2)  # the recall is done, its answers are lost
    t.qtbot.keyClick(t.window, Qt.Key.Key_F2)
    t.wait(lambda: t.vm.last_notice == texts.RETRY_SAFE and t.vm.busy is None)
    # the recall's event makes the terminal re-read its desk: it shows the recall
    t.wait(lambda: t.vm.current is not None and t.vm.current.recall_count == 1 and t.settled())
    t.wait(lambda: t.vm._pending is None)
    t.press("recall")  # the teller recalls again: a new key, a second recall
    assert t.vm.current.recall_count == 2
    assert server_counters(branch)[3]["current"]["recall_count"] == 2


def test_sign_in_is_retried_while_the_server_cannot_be_reached(
    make_terminal: Make, proxy: LossyProxy
) -> None:
    """The first two logins get no answer (as when the server is starting or swamped): the
    terminal says it is retrying and signs in by itself, without asking for the password."""
    proxy.lose_answers(b"/auth/login", 2)
    t = make_terminal(server_url=proxy.url, sign_in=False, timeout_s=LOST_ANSWER_S)
    notices: list[object] = []
    asked: list[object] = []
    t.vm.notice.connect(notices.append)
    t.vm.sign_in_required.connect(asked.append)
    t.vm.sign_in("teller3", PASSWORD)
    t.wait(lambda: t.vm.teller == "teller3" and t.vm.online and t.settled(), timeout_ms=20_000)
    assert proxy.lost[b"/auth/login"] == 2
    assert asked == [], "nobody was asked for the password"
    retrying = [n for n in notices if isinstance(n, Bilingual) and "trying again" in n.en]
    assert len(retrying) == 2 and "自动重试" in retrying[0].zh
    assert t.vm.last_notice is None, "the notice is gone once signed in"


def test_a_wrong_password_asks_again_and_is_not_retried(
    make_terminal: Make, proxy: LossyProxy
) -> None:
    t = make_terminal(server_url=proxy.url, sign_in=False, timeout_s=LOST_ANSWER_S)
    asked: list[object] = []
    t.vm.sign_in_required.connect(asked.append)
    t.vm.sign_in("teller3", "not-the-password")
    t.wait(lambda: len(asked) == 1)
    assert t.vm.teller is None
    assert t.vm._sign_in_credentials is None, "nothing kept to retry with"
