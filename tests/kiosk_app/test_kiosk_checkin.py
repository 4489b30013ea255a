"""Appointment check-in at the kiosk, against the real server and the printer emulator:
"我有预约 / I have an appointment", the code on the on-screen keypad or from a scanner that
types like a keyboard and ends with Enter; early, on time, late; wrong and used codes.

Set BRANCHQ_SCREENSHOTS to a directory (e.g. docs/screenshots) to keep the pictures there
(``appointments-kiosk-checkin-{zh,en}.png``, ``appointments-kiosk-ticket-{zh,en}.png``).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PyQt6.QtCore import Qt
from pytestqt.qtbot import QtBot

from hardware_mocks.printer.emulator import PrinterEmulator
from kiosk_app.app import Kiosk
from kiosk_app.kiosk_model import Screen
from server.contract.common import Category
from tests.e2e.live import LiveBranch
from tests.kiosk_app.conftest import MakeKiosk, stored

MONDAY_0900 = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai


def _book(branch: LiveBranch, start: datetime = MONDAY_0900, contact: str = "13812345678") -> str:
    with branch.client() as client:
        r = client.post(
            "/api/v1/appointments",
            json={"service_code": "A", "start": start.isoformat(), "contact": contact},
        )
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    code: str = body["booking"]["code"]
    return code


def _shots(tmp_path: Path) -> Path:
    wanted = os.environ.get("BRANCHQ_SCREENSHOTS")
    folder = Path(wanted) if wanted else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _open_checkin(kiosk: Kiosk, qtbot: QtBot) -> None:
    button = kiosk.window.menu.appointment
    assert button.isVisible()
    assert "我有预约" in button.text() and "Appointment" in button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.model.screen is Screen.CHECKIN, timeout=2000)


def _type_on_keypad(kiosk: Kiosk, qtbot: QtBot, code: str) -> None:
    for char in code:
        qtbot.mouseClick(kiosk.window.checkin.keys[char], Qt.MouseButton.LeftButton)


def _scan(kiosk: Kiosk, qtbot: QtBot, text: str) -> None:
    """A keyboard-wedge scanner: key presses to the focused window, then Enter."""
    window = kiosk.window
    for char in text:
        qtbot.keyClicks(window, char)
    qtbot.keyClick(window, Qt.Key.Key_Return)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_check_in_on_the_keypad_on_time(
    make_kiosk: MakeKiosk,
    branch: LiveBranch,
    emulator: PrinterEmulator,
    qtbot: QtBot,
    tmp_path: Path,
    language: str,
) -> None:
    code = _book(branch)
    branch.clock.now = MONDAY_0900 - timedelta(minutes=10)
    kiosk = make_kiosk(language=language)
    _open_checkin(kiosk, qtbot)
    page = kiosk.window.checkin
    _type_on_keypad(kiosk, qtbot, code[:5])
    qtbot.mouseClick(page.keys["DEL"], Qt.MouseButton.LeftButton)
    assert page.code.text() == f"{code[:4]}-____"
    _type_on_keypad(kiosk, qtbot, code[4:])
    assert page.code.text() == f"{code[:4]}-{code[4:]}"
    shots = _shots(tmp_path)
    kiosk.window.grab().save(str(shots / f"appointments-kiosk-checkin-{language}.png"))
    qtbot.mouseClick(page.submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.model.screen is Screen.TICKET, timeout=5000)
    view = kiosk.model.ticket
    assert view is not None and view.ticket.category is Category.APPOINTMENT
    note = kiosk.window.ticket.note
    assert note.isVisible()
    assert "09:00-09:30" in note.text()
    assert (
        "临近 09:00 时将优先叫号" if language == "zh" else "called with priority"
    ) in note.text()
    assert emulator.wait_for(1)
    receipt = emulator.receipts[0]
    assert view.ticket.number in receipt.text
    assert "预约时段 09:00-09:30" in receipt.text and "Appointment 09:00-09:30" in receipt.text
    assert "预约客户" in receipt.text
    row = stored(branch, view.ticket.public_id)
    assert row.appointment_at == MONDAY_0900
    qtbot.waitUntil(lambda: not kiosk.window.ticket.status.text().startswith("正在"), timeout=5000)
    kiosk.window.grab().save(str(shots / f"appointments-kiosk-ticket-{language}.png"))


def test_a_scanner_typing_on_the_home_screen_checks_in(
    make_kiosk: MakeKiosk, branch: LiveBranch, qtbot: QtBot
) -> None:
    code = _book(branch)
    branch.clock.now = MONDAY_0900 + timedelta(minutes=10)  # late, within the grace
    kiosk = make_kiosk()
    kiosk.window.activateWindow()
    _scan(kiosk, qtbot, code.lower())  # a scanner in lower case still reads
    qtbot.waitUntil(lambda: kiosk.model.screen is Screen.TICKET, timeout=5000)
    view = kiosk.model.ticket
    assert view is not None and view.ticket.category is Category.APPOINTMENT
    assert view.note is not None and "保留预约优先" in view.note.zh


def test_late_gets_a_normal_ticket_with_the_reason(
    make_kiosk: MakeKiosk, branch: LiveBranch, emulator: PrinterEmulator, qtbot: QtBot
) -> None:
    code = _book(branch)
    branch.clock.now = MONDAY_0900 + timedelta(minutes=40)
    kiosk = make_kiosk(language="en")
    _open_checkin(kiosk, qtbot)
    _scan(kiosk, qtbot, f"{code[:4]}-{code[4:]}")
    qtbot.waitUntil(lambda: kiosk.model.screen is Screen.TICKET, timeout=5000)
    view = kiosk.model.ticket
    assert view is not None and view.ticket.category is Category.NORMAL
    assert "More than 15 min late" in kiosk.window.ticket.note.text()
    assert emulator.wait_for(1)
    assert "Late for the 09:00-09:30 appointment" in emulator.receipts[0].text


def test_wrong_early_and_used_codes_say_why_and_keep_the_code(
    make_kiosk: MakeKiosk, branch: LiveBranch, qtbot: QtBot
) -> None:
    code = _book(branch)
    branch.clock.now = MONDAY_0900 - timedelta(hours=2)
    kiosk = make_kiosk()
    _open_checkin(kiosk, qtbot)
    page = kiosk.window.checkin
    model = kiosk.model.checkin

    qtbot.mouseClick(page.submit, Qt.MouseButton.LeftButton)  # nothing typed
    assert model.message is not None and "8" in model.message.zh
    _type_on_keypad(kiosk, qtbot, "ZZZZZZZZ")
    qtbot.mouseClick(page.submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not model.busy and model.message is not None, timeout=5000)
    assert page.message.isVisible()
    assert "没有找到这个预约码" in page.message.text()
    assert "No appointment has this code" in page.message_other.text()
    assert page.code.text() == "ZZZZ-ZZZZ"  # kept, to be corrected
    assert kiosk.model.screen is Screen.CHECKIN

    qtbot.mouseClick(page.keys["CLEAR"], Qt.MouseButton.LeftButton)
    assert model.message is None
    _scan(kiosk, qtbot, code)  # two hours early
    qtbot.waitUntil(lambda: not model.busy and model.message is not None, timeout=5000)
    assert "08:30 起可签到" in page.message.text()
    assert "check-in opens at 08:30" in page.message_other.text()
    assert kiosk.model.ticket is None

    branch.clock.now = MONDAY_0900
    qtbot.mouseClick(page.submit, Qt.MouseButton.LeftButton)  # the code is still there
    qtbot.waitUntil(lambda: kiosk.model.screen is Screen.TICKET, timeout=5000)
    assert kiosk.model.ticket is not None
    number = kiosk.model.ticket.ticket.number

    kiosk.model.go_home()
    _open_checkin(kiosk, qtbot)
    _scan(kiosk, qtbot, code)
    qtbot.waitUntil(lambda: not model.busy and model.message is not None, timeout=5000)
    assert "该预约已签到" in page.message.text() and number in page.message.text()
