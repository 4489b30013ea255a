"""The rating pad on the offscreen platform, following the real server: its counter finishes a
ticket, the pad asks, the customer taps a face and reasons, the rating is stored once with the
teller; a low score leads to a complaint; the pad goes back to its welcome on its own; a second
rating of the same ticket (phone first) is thanked, not doubled."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot

from counter_display.rating.model import Screen
from counter_display.rating.texts import THANKS
from server.contract.feedback import RatingReason
from tests.counter_display.rating.conftest import WAIT_MS, MakePad, admin_get, serve_one
from tests.counter_display.terminal.conftest import Terminal, make_terminal
from tests.e2e.live import LiveBranch

__all__ = ["make_terminal"]
MakeTerminal = Callable[..., Terminal]


def test_a_finish_at_the_counter_asks_the_customer_and_the_rating_is_stored(
    make_pad: MakePad, branch: LiveBranch, qtbot: QtBot
) -> None:
    pad = make_pad(thanks_s=1)
    model, window = pad.model, pad.window
    assert model.screen is Screen.IDLE and window.welcome.text() == "欢迎光临"
    ticket = serve_one(branch, "alice")
    qtbot.waitUntil(lambda: model.screen is Screen.ASK, timeout=WAIT_MS)
    assert model.ticket is not None and model.ticket.number == ticket["number"]
    assert model.teller == "alice" and "alice" in window.teller.text()
    assert window.ask_title.text() == "请您对本次服务进行评价"

    window.faces[5].click()
    assert model.screen is Screen.REASONS
    assert [chip.text() for chip in window.chips] == ["态度好", "办理快", "业务熟练", "解释清楚"]
    window.chips[1].click()
    window.chips[0].click()
    assert model.reasons == [RatingReason.QUICK, RatingReason.FRIENDLY]
    window.send_button.click()
    qtbot.waitUntil(lambda: model.screen is Screen.THANKS, timeout=WAIT_MS)
    assert model.rated is not None and not window.thanks_complain.isVisibleTo(window)

    stored = admin_get(
        branch, "/feedback/ratings?first_day=2026-11-29&last_day=2026-11-29&group_by=teller"
    ).json()
    assert stored["groups"] == [
        {"key": "alice", "count": 1, "average": 5.0, "distribution": [0, 0, 0, 0, 1]}
    ]
    # the thank-you stays thanks_s (1 s), then the pad welcomes the next customer
    qtbot.waitUntil(lambda: model.screen is Screen.IDLE, timeout=WAIT_MS)
    assert model.ticket is None


def test_a_low_score_leads_to_a_complaint_tied_to_the_ticket(
    make_pad: MakePad, branch: LiveBranch, qtbot: QtBot
) -> None:
    pad = make_pad()
    model, window = pad.model, pad.window
    ticket = serve_one(branch, "bob")
    qtbot.waitUntil(lambda: model.screen is Screen.ASK, timeout=WAIT_MS)
    window.switch.click()  # the customer reads English
    assert window.ask_title.text() == "Please rate our service"
    window.faces[2].click()
    assert [chip.text() for chip in window.chips][:2] == ["Long wait", "Slow service"]
    window.chips[0].click()
    window.send_button.click()
    qtbot.waitUntil(lambda: model.screen is Screen.THANKS, timeout=WAIT_MS)
    assert window.thanks_complain.isVisibleTo(window)
    assert window.thanks_complain.text() == "Make a complaint"

    window.thanks_complain.click()
    assert model.screen is Screen.COMPLAINT
    window.complaint_send.click()  # no category yet: told so, nothing sent
    assert model.screen is Screen.COMPLAINT
    assert window.complaint_error.text() == "Please choose what it is about"
    window.categories[next(iter(window.categories))].click()
    for digit in "13812345678":
        window.digits.keys[digit].click()
    assert window.phone.text() == "13812345678"
    window.text.setText("Waited 40 minutes")
    window.text.textEdited.emit("Waited 40 minutes")
    window.complaint_send.click()
    qtbot.waitUntil(lambda: model.screen is Screen.COMPLAINT_DONE, timeout=WAIT_MS)
    assert model.receipt is not None
    assert window.done_reference.text() == model.receipt.reference
    assert "within 24 h" in window.done_message.text()

    listed = admin_get(branch, "/complaints").json()
    assert len(listed) == 1
    complaint = listed[0]
    assert complaint["ticket_number"] == ticket["number"] and complaint["teller"] == "bob"
    assert complaint["rating_score"] == 2 and complaint["channel"] == "counter"
    assert complaint["category"] == "wait_time" and complaint["text"] == "Waited 40 minutes"
    assert complaint["phone_masked"] == "138****5678"


def test_a_ticket_rated_on_the_phone_first_is_thanked_not_doubled_and_the_next_one_waits(
    make_pad: MakePad, branch: LiveBranch, qtbot: QtBot
) -> None:
    pad = make_pad()
    model, window = pad.model, pad.window
    first = serve_one(branch)
    qtbot.waitUntil(lambda: model.screen is Screen.ASK, timeout=WAIT_MS)
    with branch.client() as client:
        phone = client.post(f"/api/v1/tickets/{first['public_id']}/rating", json={"score": 4})
    assert phone.status_code == 201
    window.faces[3].click()
    window.skip_button.click()
    qtbot.waitUntil(lambda: model.screen is Screen.THANKS, timeout=WAIT_MS)
    assert model.message == THANKS and model.rated is None

    # a customer complaining from the welcome screen is not interrupted by the next finish
    model.timed_out()
    window.idle_complain.click()
    assert model.screen is Screen.COMPLAINT and model.ticket is None
    second = serve_one(branch)
    qtbot.waitUntil(lambda: model.waiting_ticket is not None, timeout=WAIT_MS)
    assert model.screen is Screen.COMPLAINT
    window.cancel_button.click()
    assert model.screen is Screen.ASK and model.ticket is not None
    assert model.ticket.number == second["number"]
    stored = admin_get(
        branch, "/feedback/ratings?first_day=2026-11-29&last_day=2026-11-29&group_by=counter"
    ).json()
    assert stored["total"]["count"] == 1 and stored["total"]["average"] == 4.0


def test_the_tellers_terminal_shows_their_average_as_soon_as_the_customer_rates(
    make_pad: MakePad, make_terminal: MakeTerminal, branch: LiveBranch, qtbot: QtBot
) -> None:
    pad = make_pad()
    terminal = make_terminal(1, "alice", language="zh")
    value, label = terminal.window.figures[4]
    assert value.text() == "—" and label.text() == "满意度（0人评价）"
    for score in (5, 2):
        serve_one(branch, "alice")
        qtbot.waitUntil(lambda: pad.model.screen is Screen.ASK, timeout=WAIT_MS)
        pad.window.faces[score].click()
        pad.window.skip_button.click()
        qtbot.waitUntil(lambda: pad.model.screen is Screen.THANKS, timeout=WAIT_MS)
    # pushed by the rating.given event: no key pressed at the terminal
    qtbot.waitUntil(lambda: value.text() == "3.5 / 5", timeout=WAIT_MS)
    assert label.text() == "满意度（2人评价）"


def test_the_pad_reports_itself_alive_in_the_device_list(
    make_pad: MakePad, branch: LiveBranch, qtbot: QtBot
) -> None:
    make_pad()  # its device is "rating-1-0"

    def listed() -> dict | None:  # type: ignore[type-arg]
        r = admin_get(branch, "/devices")
        assert r.status_code == 200, r.text
        return next((d for d in r.json() if d["name"] == "rating-1-0"), None)

    qtbot.waitUntil(lambda: (listed() or {}).get("status") == "OK", timeout=WAIT_MS)
    device = listed()
    assert device is not None and device["kind"] == "rating_pad"
    assert device["heartbeat_interval_s"] == 30 and "counter 1" in device["detail"]
