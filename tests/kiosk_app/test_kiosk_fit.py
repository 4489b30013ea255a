"""Every kiosk screen fits its real screen (1080x1920 portrait, 1920x1080 landscape) in both
languages: the window's minimum size is no larger than the screen, and no text is clipped."""

from __future__ import annotations

import time

import httpx
import pytest
from PyQt6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from hardware_mocks.printer.emulator import PrinterEmulator
from kiosk_app import theme
from kiosk_app.app import Kiosk
from kiosk_app.kiosk_model import PrintState, Screen
from kiosk_app.theme import Sizes
from kiosk_app.views.widgets import TITLE_UNITS, TileButton
from kiosk_app.views.window import SCREEN_SIZES
from server.contract.common import Language, Role
from tests.e2e.live import LiveBranch
from tests.kiosk_app.conftest import MakeKiosk, tile_for


def _settle(page: QWidget) -> None:
    """Wait until the page's layout has settled: it settles in steps, each one posted to the
    event loop (the page's layout resizes the service buttons, a button refits its title to its
    new size, the button's own layout then moves its labels), so one pass of the event loop
    can leave a label where the previous step put it. Settled: an event loop pass that moves
    no widget and changes no font."""

    def geometry() -> list[tuple[object, ...]]:
        return [(w.geometry(), w.font().pixelSize()) for w in page.findChildren(QWidget)]

    deadline = time.monotonic() + 5.0
    before = None
    while (now := geometry()) != before:
        assert time.monotonic() < deadline, "the kiosk's layout did not settle in 5 s"
        before = now
        QApplication.processEvents()


def _problems(kiosk: Kiosk, what: str) -> list[str]:
    page = kiosk.window.currentWidget()
    assert page is not None
    _settle(page)
    window = kiosk.window
    target = SCREEN_SIZES[kiosk.model.config.screen.orientation]
    where = f"{what} ({kiosk.model.language.value})"
    found: list[str] = []
    hint = window.minimumSizeHint()
    if hint.width() > target.width() or hint.height() > target.height():
        pages = [(p.objectName(), p.minimumSizeHint()) for p in map(window.widget, range(4)) if p]
        found.append(f"{where}: minimum size {hint.width()}x{hint.height()} > {target}: {pages}")
    if window.size() != target:
        found.append(f"{where}: window is {window.width()}x{window.height()}")
    for label in page.findChildren(QLabel):
        if not label.isVisibleTo(page) or not label.text():
            continue
        need = (
            label.heightForWidth(label.width()) if label.wordWrap() else label.sizeHint().height()
        )
        if need > label.height():
            found.append(
                f"{where}: {label.objectName() or 'label'} {label.text()!r} needs {need} px,"
                f" has {label.height()}"
            )
    return found


@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_every_screen_fits_the_kiosk_screen_with_no_text_clipped(
    make_kiosk: MakeKiosk,
    branch: LiveBranch,
    emulator: PrinterEmulator,
    qtbot: QtBot,
    orientation: str,
) -> None:
    kiosk = make_kiosk(orientation=orientation, ticket_screen_s=600, idle_timeout_s=600)
    model = kiosk.model
    kiosk_auth = {"Authorization": f"Bearer {branch.device_token('kiosk-2', Role.KIOSK)}"}
    with httpx.Client(base_url=branch.url, headers=kiosk_auth) as client:
        for code in "AAAAAAABBV":  # people waiting: every button shows a count and a wait
            assert client.post("/api/v1/tickets", json={"service_code": code}).is_success
    qtbot.waitUntil(lambda: (model.queues["A"].waiting or 0) >= 7, timeout=10_000)
    problems: list[str] = []
    for language in (Language.ZH, Language.EN):
        model.go_home()
        model.set_language(language)
        problems += _problems(kiosk, "home")
        tile_for(kiosk, "Personal banking").click()
        assert model.screen is Screen.GROUP
        problems += _problems(kiosk, "group")
        model.go_home()
        model.checkin.open()  # "I have an appointment", with a refusal shown
        model.checkin.submit()
        assert model.screen is Screen.CHECKIN and model.checkin.message is not None
        problems += _problems(kiosk, "check-in")
        model.go_home()
        tile_for(kiosk, "VIP").click()
        assert model.screen is Screen.CONFIRM
        problems += _problems(kiosk, "confirm")
        kiosk.window.confirm.yes.click()
        qtbot.waitUntil(
            lambda: model.ticket is not None and model.ticket.print_state is PrintState.PRINTED,
            timeout=10_000,
        )
        problems += _problems(kiosk, "ticket")
        model.go_home()
        emulator.set_fault("paper_out")
        qtbot.waitUntil(lambda: not model.printer_ready, timeout=10_000)
        problems += _problems(kiosk, "home, printer down")
        tile_for(kiosk, "Corporate banking").click()
        qtbot.waitUntil(
            lambda: model.ticket is not None and model.ticket.print_state is PrintState.FAILED,
            timeout=10_000,
        )
        problems += _problems(kiosk, "ticket not printed")
        emulator.set_fault("ok")
        qtbot.waitUntil(
            lambda: model.ticket is not None and model.ticket.reprint_ready, timeout=10_000
        )
        problems += _problems(kiosk, "ticket, print again")
        model.go_home()
        model.set_language(language)
    with httpx.Client(base_url=branch.url) as client:  # a refusal the kiosk did not foresee
        r = client.patch(
            "/api/v1/admin/services/F",
            json={"is_open": False},
            headers=branch.auth("boss", Role.ADMIN),
        )
        assert r.status_code == 200, r.text
    foreign = next(
        k for k, b in kiosk.window.menu.tiles.items() if b is tile_for(kiosk, "Foreign exchange")
    )
    model.choose(foreign)
    qtbot.waitUntil(lambda: model.screen is Screen.NOTICE, timeout=10_000)
    for language in (Language.ZH, Language.EN):
        model.set_language(language)
        problems += _problems(kiosk, "no ticket")
    branch.stop()
    qtbot.waitUntil(lambda: model.screen is Screen.UNAVAILABLE, timeout=10_000)
    for language in (Language.ZH, Language.EN):
        model.set_language(language)
        problems += _problems(kiosk, "unavailable")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("short_side_px", [1080, 768])
def test_a_service_button_at_its_minimum_size_shows_a_two_line_status_unclipped(
    qtbot: QtBot, short_side_px: int
) -> None:
    """The button's minimum height is what its labels need (the smallest title on one line,
    the other language, two status lines), measured as the labels lay their text out: the grid
    may squeeze the buttons to it when the page is full."""
    button = TileButton(Sizes(dpi=96.0, short_side_px=short_side_px), "0")
    qtbot.addWidget(button)
    status = "Nobody waiting\nNo wait"
    button.show_tile("Foreign exchange", "外汇", status, enabled=True, background=theme.ACCENT)
    button.resize(short_side_px // 2, button.minimumHeight())
    button.show()
    _settle(button)
    assert button.height() == button.minimumHeight()
    assert button.title_units == TITLE_UNITS[-1]  # squeezed: the smallest title
    for label in (button.title, button.subtitle, button.status):
        need = label.heightForWidth(label.width())
        assert label.height() >= need, f"{label.text()!r} needs {need} px, has {label.height()}"


@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_home_with_the_printer_down_gives_every_status_its_two_lines(
    make_kiosk: MakeKiosk,
    branch: LiveBranch,
    emulator: PrinterEmulator,
    qtbot: QtBot,
    orientation: str,
) -> None:
    """The fullest home screen: the printer-down notice shown, every service button with people
    waiting and a wait (two status lines), each of the branch's notices, both languages."""
    kiosk = make_kiosk(orientation=orientation, notice_rotate_s=0.2, idle_timeout_s=600)
    model = kiosk.model
    kiosk_auth = {"Authorization": f"Bearer {branch.device_token('kiosk-2', Role.KIOSK)}"}
    with httpx.Client(base_url=branch.url, headers=kiosk_auth) as client:
        for code in "ABFV":
            assert client.post("/api/v1/tickets", json={"service_code": code}).is_success
    qtbot.waitUntil(lambda: all(q.waiting for q in model.queues.values()), timeout=10_000)
    emulator.set_fault("paper_out")
    qtbot.waitUntil(lambda: not model.printer_ready, timeout=10_000)
    assert model.branch is not None and len(model.branch.notices) > 1
    menu = kiosk.window.menu
    seen: set[str] = set()  # the notices checked, in the language being checked

    def unseen() -> bool:
        return menu.notices.text() not in seen

    problems: list[str] = []
    for language in (Language.ZH, Language.EN):
        model.set_language(language)
        seen.clear()
        while len(seen) < len(model.branch.notices):
            qtbot.waitUntil(unseen)
            notice = menu.notices.text()
            _settle(menu)
            assert menu.alert.isVisible()
            for tile in model.home_tiles():
                if tile.service_code is not None:  # a service: people waiting and the wait
                    assert menu.tiles[tile.key].status.text().count("\n") == 1
            problems += _problems(kiosk, f"home, printer down, notice {notice[:12]!r}")
            if menu.notices.text() == notice:  # not turned to the next one meanwhile
                seen.add(notice)
    assert not problems, "\n".join(problems)
