"""A tap on the touchscreen, end to end: window, real server, printer emulator on the wire."""

from __future__ import annotations

import httpx
import pytest
from PyQt6.QtCore import Qt
from pytestqt.qtbot import QtBot

from hardware_mocks.printer.emulator import PrinterEmulator
from kiosk_app.app import Kiosk
from kiosk_app.kiosk_model import PrintState, Screen
from server.contract.common import Role
from tests.e2e.live import LiveBranch
from tests.kiosk_app.conftest import MakeKiosk, stored, tile_for


def tap(qtbot: QtBot, widget: object) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)  # type: ignore[arg-type]


def test_home_shows_the_branch_its_menu_and_live_queues(
    kiosk: Kiosk, branch: LiveBranch, qtbot: QtBot
) -> None:
    menu = kiosk.window.menu
    assert menu.branch.text() == "示范支行"
    assert menu.language.text() == "English"
    corporate = tile_for(kiosk, "Corporate banking")
    assert corporate.title.text() == "对公业务"
    assert corporate.subtitle.text() == "Corporate banking"
    assert corporate.status.text().startswith("无人等候")
    assert "400-820-9588" in menu.contacts.text()  # phone numbers from the branch file
    with httpx.Client(base_url=branch.url) as client:  # another kiosk issues a B ticket
        r = client.post(
            "/api/v1/tickets",
            json={"service_code": "B"},
            headers={"Authorization": f"Bearer {branch.device_token('kiosk-2', Role.KIOSK)}"},
        )
        assert r.status_code in (200, 201), r.text
    qtbot.waitUntil(lambda: corporate.status.text().startswith("1 人等候"), timeout=5000)
    assert "约等" in corporate.status.text()


def test_home_shows_the_branch_notices_in_turn(make_kiosk: MakeKiosk, qtbot: QtBot) -> None:
    kiosk = make_kiosk(notice_rotate_s=0.1)
    notices = kiosk.window.menu.notices
    seen: set[str] = set()

    def collect() -> bool:
        seen.add(notices.text())
        return len(seen) >= 5

    qtbot.waitUntil(collect, timeout=5000)
    assert any("密码" in text for text in seen)  # the safety notice is among them
    assert "请在屏幕上选择您要办理的业务，取号后留意叫号屏和广播。" in seen


def test_tap_shows_the_number_and_prints_a_decodable_ticket(
    kiosk: Kiosk, branch: LiveBranch, emulator: PrinterEmulator, qtbot: QtBot
) -> None:
    tap(qtbot, tile_for(kiosk, "Corporate banking"))

    qtbot.waitUntil(lambda: kiosk.model.screen is Screen.TICKET, timeout=5000)
    page = kiosk.window.ticket
    assert page.number.text() == "B001"
    assert page.service.text() == "对公业务"
    assert page.ahead.text() == "您是下一位 · 无需等待"
    view = kiosk.model.ticket
    assert view is not None
    assert page.qr.data == view.ticket.status_url
    assert emulator.wait_for(1)
    receipt = emulator.receipts[0]
    assert "B001" in receipt.text and "对公业务" in receipt.text
    assert "客户" not in receipt.text  # a normal ticket prints no category
    assert receipt.qr_payloads == [view.ticket.status_url]
    qtbot.waitUntil(
        lambda: (
            kiosk.model.ticket is not None
            and (kiosk.model.ticket.print_state is PrintState.PRINTED)
        ),
        timeout=5000,
    )
    assert page.status.text() == "请取走您的号票"
    qtbot.waitUntil(lambda: stored(branch, view.ticket.public_id).print_status == "printed")

    tap(qtbot, page)  # a touch ends the ticket screen
    assert kiosk.model.screen is Screen.HOME


def test_ticket_screen_returns_home_by_itself(make_kiosk: MakeKiosk, qtbot: QtBot) -> None:
    kiosk = make_kiosk(ticket_screen_s=0.3)
    tap(qtbot, tile_for(kiosk, "Foreign exchange"))
    qtbot.waitUntil(lambda: kiosk.model.screen is Screen.TICKET, timeout=5000)
    qtbot.waitUntil(lambda: kiosk.model.screen is Screen.HOME, timeout=5000)
    assert kiosk.model.ticket is None


def test_group_opens_its_items_and_back_returns(kiosk: Kiosk, qtbot: QtBot) -> None:
    tap(qtbot, tile_for(kiosk, "Personal banking"))
    assert kiosk.model.screen is Screen.GROUP
    assert kiosk.window.menu.title.text() == "个人业务"
    assert kiosk.window.menu.back.isVisible()
    open_account = tile_for(kiosk, "Open an account")
    assert open_account.title.text() == "开户"
    tap(qtbot, kiosk.window.menu.back)
    assert kiosk.model.screen is Screen.HOME

    tap(qtbot, tile_for(kiosk, "Personal banking"))
    tap(qtbot, tile_for(kiosk, "Savings and investments"))
    qtbot.waitUntil(lambda: kiosk.model.screen is Screen.TICKET, timeout=5000)
    assert kiosk.window.ticket.number.text() == "A001"


@pytest.mark.parametrize(
    ("path", "category", "printed"),
    [
        (
            ["Priority", "Foreign exchange (priority)"],
            "PRIORITY",
            ("优先客户", "Priority customer"),
        ),
        (["VIP"], "VIP", ("贵宾客户", "VIP customer")),
    ],
)
def test_priority_and_vip_confirm_first_and_print_the_category(
    kiosk: Kiosk,
    branch: LiveBranch,
    emulator: PrinterEmulator,
    qtbot: QtBot,
    path: list[str],
    category: str,
    printed: tuple[str, str],
) -> None:
    for label in path:
        tap(qtbot, tile_for(kiosk, label))
    assert kiosk.model.screen is Screen.CONFIRM
    assert "确认" in kiosk.window.confirm.question.text()
    tap(qtbot, kiosk.window.confirm.no)  # cancel: nothing issued
    assert kiosk.model.screen in (Screen.HOME, Screen.GROUP)
    assert kiosk.model.ticket is None

    kiosk.model.go_home()
    for label in path:
        tap(qtbot, tile_for(kiosk, label))
    tap(qtbot, kiosk.window.confirm.yes)
    qtbot.waitUntil(lambda: kiosk.model.screen is Screen.TICKET, timeout=5000)
    view = kiosk.model.ticket
    assert view is not None and view.ticket.category == category
    assert kiosk.window.ticket.category.text() == printed[0]
    assert emulator.wait_for(1)
    assert printed[0] in emulator.receipts[0].text
    assert printed[1] in emulator.receipts[0].text
    assert stored(branch, view.ticket.public_id).category == category


def test_language_switch_changes_the_screen_and_the_ticket(
    kiosk: Kiosk, branch: LiveBranch, qtbot: QtBot
) -> None:
    tap(qtbot, kiosk.window.menu.language)
    assert kiosk.window.menu.language.text() == "中文"
    assert kiosk.window.menu.title.text() == "Please choose a service"
    fx = tile_for(kiosk, "Foreign exchange")
    assert fx.title.text() == "Foreign exchange"
    assert fx.subtitle.text() == "外汇"
    tap(qtbot, fx)
    qtbot.waitUntil(lambda: kiosk.model.screen is Screen.TICKET, timeout=5000)
    assert kiosk.window.ticket.service.text() == "Foreign exchange"
    assert kiosk.window.ticket.ahead.text() == "You are next · No wait"
    view = kiosk.model.ticket
    assert view is not None
    assert stored(branch, view.ticket.public_id).language == "en"


def test_idle_timeout_returns_home_and_resets_the_language(
    make_kiosk: MakeKiosk, qtbot: QtBot
) -> None:
    kiosk = make_kiosk(idle_timeout_s=0.5)
    tap(qtbot, kiosk.window.menu.language)
    tap(qtbot, tile_for(kiosk, "Personal banking"))
    assert kiosk.model.screen is Screen.GROUP
    assert kiosk.window.menu.title.text() == "Personal banking"

    qtbot.waitUntil(lambda: kiosk.model.screen is Screen.HOME, timeout=5000)
    assert kiosk.window.menu.title.text() == "请选择业务"
    assert kiosk.window.menu.language.text() == "English"
