"""The kiosk under an admin's emergency switch (real server): the notice covers a screen where
the customer is choosing, a ticket on screen finishes first, and the menu comes back after."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kiosk_app.app import Kiosk
from kiosk_app.kiosk_model import Screen
from server.contract.common import Role
from tests.e2e.live import LiveBranch
from tests.kiosk_app.conftest import MakeKiosk, all_tickets, tile_for

NOTICE = {"zh": "系统维护，暂停取号", "en": "System maintenance: no tickets for now"}


def switch(branch: LiveBranch, on: bool) -> None:
    admin = branch.auth("root", Role.ADMIN)
    with branch.client() as client:
        if on:
            r = client.post("/api/v1/admin/emergency/on", json={"notice": NOTICE}, headers=admin)
        else:
            r = client.post("/api/v1/admin/emergency/off", headers=admin)
    assert r.status_code == 200, r.text


def test_the_notice_covers_a_confirm_screen_and_confirming_issues_nothing(
    kiosk: Kiosk, branch: LiveBranch, qtbot: QtBot
) -> None:
    tile_for(kiosk, "VIP").click()
    assert kiosk.model.screen is Screen.CONFIRM
    switch(branch, on=True)
    qtbot.waitUntil(lambda: kiosk.model.screen is Screen.EMERGENCY, timeout=5000)
    assert kiosk.window.message.title.text() == "暂停取号"
    assert kiosk.window.message.body.text() == NOTICE["zh"]
    assert kiosk.window.message.body_other.text() == NOTICE["en"]
    kiosk.model.confirm()  # a press that was on its way: nothing is asked for
    assert kiosk.model.screen is Screen.EMERGENCY and kiosk.model.pending_key is None
    assert all_tickets(branch) == []
    switch(branch, on=False)
    qtbot.waitUntil(lambda: kiosk.model.screen is Screen.HOME, timeout=5000)


def test_a_ticket_on_screen_finishes_then_the_notice_covers(
    make_kiosk: MakeKiosk, branch: LiveBranch, qtbot: QtBot
) -> None:
    kiosk = make_kiosk(ticket_screen_s=1.0)
    tile_for(kiosk, "Foreign exchange").click()
    qtbot.waitUntil(lambda: kiosk.model.screen is Screen.TICKET, timeout=5000)
    switch(branch, on=True)
    qtbot.waitUntil(lambda: kiosk.model.emergency is not None, timeout=5000)
    assert kiosk.model.screen is Screen.TICKET  # the customer still sees their number
    qtbot.waitUntil(lambda: kiosk.model.screen is Screen.EMERGENCY, timeout=5000)
    assert len(all_tickets(branch)) == 1
