"""The counter terminal against the real server: a teller serves a queue with the keyboard
and the buttons (offscreen Qt, loopback only)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PyQt6.QtCore import Qt
from pytestqt.qtbot import QtBot

from branchq_client.qt import ClientBridge
from counter_display.terminal import texts
from counter_display.terminal.app import build, start
from counter_display.terminal.config import CounterConfig
from counter_display.terminal.dialogs import TransferDialog
from server.contract.common import Role, TicketState
from tests.counter_display.terminal.conftest import Terminal, issue
from tests.e2e.live import PASSWORD, LiveBranch

Make = Callable[..., Terminal]


def server_counters(branch: LiveBranch) -> dict[int, Any]:
    with branch.client() as client:
        token = branch.device_token("lobby-1", Role.DISPLAY)  # a device: no session expiry
        r = client.get("/api/v1/counters", headers={"Authorization": f"Bearer {token}"})
    return {c["counter_number"]: c for c in r.json()}


def key(t: Terminal, k: Qt.Key) -> None:
    sent = t.vm.actions_sent
    t.qtbot.keyClick(t.window, k)
    t.wait(lambda: t.vm.actions_sent > sent and t.settled())


def test_sign_in_opens_the_counter_and_shows_what_it_may_call(
    branch: LiveBranch, make_terminal: Make
) -> None:
    issue(branch, "A", 2)
    issue(branch, "B")  # counter 3 does not serve B
    issue(branch, "F")
    t = make_terminal()
    assert server_counters(branch)[3]["state"] == "OPEN"
    assert server_counters(branch)[3]["teller"] == "teller3"
    assert [w.ticket.number for w in t.vm.desk.waiting] == ["A001", "A002", "F001"]
    assert t.window.waiting.rowCount() == 3 and t.window.waiting.item(2, 0).text() == "F001"
    assert t.window.buttons["call-next"].isEnabled()
    for action in ("recall", "start", "finish", "no-show", "park", "transfer", "unpark"):
        assert not t.window.buttons[action].isEnabled(), action
    assert t.window.queues.rowCount() == 4  # every service's queue with its estimated wait
    assert t.window.counters.rowCount() == 5  # the other counters
    assert "teller3" in t.window.header.text()


def test_a_queue_served_by_keyboard_alone(branch: LiveBranch, make_terminal: Make) -> None:
    issue(branch, "A", 3)
    t = make_terminal()
    key(t, Qt.Key.Key_F1)
    assert t.number() == "A001" and t.window.number.text() == "A001"
    assert t.vm.current is not None and t.vm.current.reason is not None
    assert t.window.reason.text().startswith("Why this customer: ")
    assert not t.window.buttons["call-next"].isEnabled()  # it holds a ticket now
    key(t, Qt.Key.Key_F2)
    assert t.vm.current.recall_count == 1 and "Recalls: 1" in t.window.facts.text()
    key(t, Qt.Key.Key_F3)
    assert t.vm.current.ticket.state is TicketState.SERVING
    key(t, Qt.Key.Key_F4)
    assert t.vm.current is None and t.vm.today is not None and t.vm.today.served == 1
    key(t, Qt.Key.Key_Space)
    assert t.number() == "A002"
    key(t, Qt.Key.Key_F5)  # no-show
    assert t.vm.current is None and t.vm.today.no_shows == 1
    key(t, Qt.Key.Key_Return)
    assert t.number() == "A003"
    # the figures on screen come from the teller's own endpoint
    assert t.window.figures[0][0].text() == "1" and t.window.figures[1][0].text() == "1"


def test_a_double_key_press_calls_one_customer(branch: LiveBranch, make_terminal: Make) -> None:
    issue(branch, "A", 2)
    t = make_terminal()
    sent = t.vm.actions_sent
    for _ in range(3):
        t.qtbot.keyClick(t.window, Qt.Key.Key_F1)  # the answer has not come yet
    t.wait(lambda: t.vm.actions_sent > sent and t.settled())
    t.qtbot.keyClick(t.window, Qt.Key.Key_F1)  # now it holds a ticket: disabled
    t.qtbot.wait(200)
    assert t.vm.actions_sent == sent + 1 and t.number() == "A001"
    assert [w.ticket.number for w in t.vm.desk.waiting] == ["A002"]


def test_park_unpark_call_chosen_cancel(branch: LiveBranch, make_terminal: Make) -> None:
    issue(branch, "A", 3)
    issue(branch, "F", 1)
    t = make_terminal()
    t.window.waiting.selectRow(2)  # A003, chosen by the teller
    t.press("call")
    assert t.number() == "A003"
    assert t.vm.current.reason is not None and t.vm.current.reason.en == "chosen by the teller"
    t.press("park")
    assert t.vm.current is None and [p.ticket.number for p in t.vm.desk.parked] == ["A003"]
    assert t.window.tabs.tabText(1) == "Parked tickets (1)"
    t.window.waiting.selectRow(0)  # A001: the customer left
    t.press("cancel")
    assert [w.ticket.number for w in t.vm.desk.waiting] == ["A002", "F001"]
    t.window.parked.selectRow(0)
    t.press("unpark")
    assert t.number() == "A003" and t.vm.desk.parked == []


def test_transfer_to_a_service_and_to_a_counter(branch: LiveBranch, make_terminal: Make) -> None:
    issue(branch, "A", 2)
    t = make_terminal()
    other = make_terminal(counter=4, teller="teller4")  # counter 4 serves only B
    t.press("call-next")
    dialog = t.window.open_transfer()
    assert isinstance(dialog, TransferDialog)
    dialog.choose("service", "B")
    sent = t.vm.actions_sent
    dialog.ok.click()
    t.wait(lambda: t.vm.actions_sent > sent and t.settled())
    assert t.vm.current is None
    other.wait(lambda: [w.ticket.number for w in other.vm.desk.waiting] == ["A001"])

    t.press("call-next")
    assert t.number() == "A002"
    dialog = t.window.open_transfer()
    assert dialog is not None
    dialog.choose("counter", 4)
    sent = t.vm.actions_sent
    dialog.ok.click()
    t.wait(lambda: t.vm.actions_sent > sent and t.settled())
    other.wait(lambda: "A002" in [w.ticket.number for w in other.vm.desk.waiting])
    assert t.vm.desk.waiting == []  # sent to counter 4 only


def test_pause_resume_and_close(branch: LiveBranch, make_terminal: Make) -> None:
    issue(branch, "A", 1)
    t = make_terminal()
    t.press("pause")
    assert server_counters(branch)[3]["state"] == "PAUSED"
    assert not t.window.buttons["call-next"].isEnabled()
    assert t.window.buttons["open"].text() == "Resume"
    t.press("open")
    assert server_counters(branch)[3]["state"] == "OPEN"
    t.press("call-next")
    assert not t.window.buttons["close"].isEnabled()  # refused while it holds a ticket
    t.press("start")
    t.press("finish")
    t.press("close")
    assert server_counters(branch)[3]["state"] == "CLOSED"
    assert server_counters(branch)[3]["teller"] is None
    t.wait(lambda: t.window.sign_in.isVisible())  # signed out: the next teller signs in


def test_the_servers_refusal_is_shown_in_the_tellers_language(
    branch: LiveBranch, make_terminal: Make
) -> None:
    issue(branch, "A", 1)
    t = make_terminal(language="zh")
    t.press("call-next")
    # the state changed underneath: a supervisor's client finished nothing, but another
    # request of this teller (another PC) parked the ticket
    with branch.client() as client:
        r = client.post("/api/v1/counters/3/park", headers=branch.auth("teller3"))
    assert r.status_code == 200
    t.vm.desk = t.vm.desk.model_copy(update={"allowed": ["start"]})  # the stale screen
    sent_before = t.vm.actions_sent
    t.window.buttons["start"].setEnabled(True)
    t.window.buttons["start"].click()
    t.wait(lambda: t.window.notice.isVisible() and t.settled())
    assert t.vm.actions_sent == sent_before
    shown = t.window.notice.text()
    assert shown and shown == t.vm.last_notice.zh and shown != t.vm.last_notice.en
    assert t.vm.current is None  # re-read after the refusal


def test_the_language_switches_on_screen(branch: LiveBranch, make_terminal: Make) -> None:
    t = make_terminal(language="zh")
    assert t.window.buttons["call-next"].text().startswith("叫号")
    t.window.language_button.click()
    t.wait(t.settled)
    assert t.window.buttons["call-next"].text().startswith("Call next")
    assert t.window.number.text() == texts.NO_TICKET.en


def test_unattended_sign_in_from_the_environment(
    branch: LiveBranch, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    branch.user_token("teller3")
    monkeypatch.setenv("BQ_TEST_COUNTER_PW", PASSWORD)
    config = CounterConfig(
        server_url=branch.url, counter=3, username="teller3", password_env="BQ_TEST_COUNTER_PW"
    )
    bridge = ClientBridge()
    vm, window = build(config, bridge)
    qtbot.addWidget(window)
    try:
        start(vm, window, config)
        qtbot.waitUntil(lambda: vm.teller == "teller3" and vm.online, timeout=10_000)
        assert not window.sign_in.isVisible()
        assert server_counters(branch)[3]["state"] == "OPEN"
    finally:
        vm.shutdown()
        bridge.stop()
