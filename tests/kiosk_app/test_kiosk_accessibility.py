"""Accessibility: contrast of every text colour pair, touch targets and type sizes."""

from __future__ import annotations

import pytest
from PyQt6.QtWidgets import QAbstractButton, QLabel, QWidget
from pytestqt.qtbot import QtBot

from hardware_mocks.printer.emulator import PrinterEmulator
from kiosk_app import theme
from kiosk_app.app import Kiosk
from kiosk_app.kiosk_model import PrintState, Screen
from tests.kiosk_app.conftest import MakeKiosk, tile_for


def test_every_text_colour_pair_has_at_least_7_to_1_contrast() -> None:
    for pair in theme.TEXT_PAIRS:
        ratio = theme.contrast(pair.foreground, pair.background)
        assert ratio >= theme.MIN_CONTRAST, f"{pair.name}: {ratio:.2f}:1"


def test_contrast_formula_matches_wcag() -> None:
    assert theme.contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert theme.contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    with pytest.raises(ValueError, match="expected #rrggbb"):
        theme.luminance("red")


def test_label_colours_on_screen_come_from_the_checked_pairs(kiosk: Kiosk) -> None:
    pairs = {(p.foreground, p.background) for p in theme.TEXT_PAIRS}
    for label in kiosk.window.findChildren(QLabel):
        palette = label.palette()
        fg = palette.color(palette.ColorRole.WindowText).name()
        bg = palette.color(palette.ColorRole.Window).name()
        if label.autoFillBackground():
            assert (fg, bg) in pairs, f"{label.objectName()}: {fg} on {bg}"


def _check_screen(kiosk: Kiosk, what: str) -> None:
    page: QWidget = kiosk.window.currentWidget()  # type: ignore[assignment]
    sizes = kiosk.window.sizes
    min_px = theme.mm_to_px(theme.MIN_TARGET_MM, sizes.dpi)
    buttons = [b for b in page.findChildren(QAbstractButton) if b.isVisible()]
    assert buttons, what
    for button in buttons:
        assert button.width() >= min_px and button.height() >= min_px, (
            f"{what}: {button.objectName()} is {button.width()}x{button.height()} px; "
            f"2 cm at {sizes.dpi:.0f} dpi is {min_px} px"
        )
    smallest = theme.mm_to_px(5.0, sizes.dpi)
    for label in page.findChildren(QLabel):
        if label.isVisible() and label.text():
            assert label.font().pixelSize() >= smallest, f"{what}: {label.objectName()}"


@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_touch_targets_are_at_least_2_cm_and_text_at_least_5_mm(
    make_kiosk: MakeKiosk, emulator: PrinterEmulator, qtbot: QtBot, orientation: str
) -> None:
    kiosk = make_kiosk(orientation=orientation)
    _check_screen(kiosk, "home")
    kiosk.model.choose(next(k for k in kiosk.window.menu.tiles if kiosk.model.tile(k).has_children))  # type: ignore[union-attr]
    _check_screen(kiosk, "group")
    kiosk.model.go_home()
    vip = tile_for(kiosk, "VIP")
    vip.click()
    assert kiosk.model.screen is Screen.CONFIRM
    _check_screen(kiosk, "confirm")
    emulator.set_fault("paper_out")
    kiosk.window.confirm.yes.click()
    qtbot.waitUntil(
        lambda: (
            kiosk.model.ticket is not None and kiosk.model.ticket.print_state is PrintState.FAILED
        ),
        timeout=10_000,
    )
    emulator.set_fault("ok")
    qtbot.waitUntil(lambda: kiosk.window.ticket.reprint.isVisible(), timeout=10_000)
    _check_screen(kiosk, "ticket")
