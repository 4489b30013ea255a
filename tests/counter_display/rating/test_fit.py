"""Every screen of the rating pad fits its real screen (1280x800 landscape, 800x1280 portrait)
in both languages: the window's minimum size is no larger than the screen and no text or
button label is clipped. Set BRANCHQ_SCREENSHOTS to a folder (e.g. docs/screenshots) to keep
``rating-pad-{landscape,portrait}-{screen}-{zh,en}.png``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PyQt6.QtWidgets import QApplication, QLabel, QPushButton
from pytestqt.qtbot import QtBot

from counter_display.rating.app import SIZES, RatingPadApp
from counter_display.rating.model import Screen
from tests.counter_display.rating.conftest import WAIT_MS, MakePad, serve_one
from tests.e2e.live import LiveBranch

SHOTS = {
    "landscape": {Screen.IDLE, Screen.ASK, Screen.REASONS, Screen.THANKS, Screen.COMPLAINT},
    "portrait": {Screen.ASK, Screen.COMPLAINT},
}


def _problems(pad: RatingPadApp, shots: Path, orientation: str) -> list[str]:
    found: list[str] = []
    model, window = pad.model, pad.window
    for _ in range(2):  # zh, then en (then back to zh)
        QApplication.processEvents()
        where = f"{orientation} {model.screen.value} ({model.language})"
        width, height = SIZES[orientation]
        hint = window.minimumSizeHint()
        if hint.width() > width or hint.height() > height:
            found.append(f"{where}: minimum size {hint.width()}x{hint.height()}")
        if (window.width(), window.height()) != (width, height):
            found.append(f"{where}: window is {window.width()}x{window.height()}")
        page = window.stack.currentWidget()
        assert page is not None
        for label in page.findChildren(QLabel):
            if not label.isVisibleTo(page) or not label.text():
                continue
            need = (
                label.heightForWidth(label.width())
                if label.wordWrap()
                else label.sizeHint().height()
            )
            if need > label.height() or (
                not label.wordWrap() and label.sizeHint().width() > label.width()
            ):
                found.append(f"{where}: {label.text()!r} clipped")
        for button in page.findChildren(QPushButton):
            if button.isVisibleTo(page) and button.sizeHint().width() > button.width() + 2:
                found.append(f"{where}: button {button.text()!r} clipped")
        if model.screen in SHOTS[orientation]:
            name = f"rating-pad-{orientation}-{model.screen.value}-{model.language}.png"
            assert window.grab().save(str(shots / name))
        model.switch_language()
    return found


@pytest.mark.parametrize("orientation", ["landscape", "portrait"])
def test_every_screen_fits_with_no_text_clipped(
    make_pad: MakePad, branch: LiveBranch, qtbot: QtBot, tmp_path: Path, orientation: str
) -> None:
    wanted = os.environ.get("BRANCHQ_SCREENSHOTS")
    shots = Path(wanted) if wanted else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    pad = make_pad(orientation=orientation, ask_s=600, reasons_s=600, thanks_s=120)
    model, window = pad.model, pad.window
    problems = _problems(pad, shots, orientation)  # welcome, counter closed... then:
    serve_one(branch, "zhangmin")
    qtbot.waitUntil(lambda: model.screen is Screen.ASK, timeout=WAIT_MS)
    problems += _problems(pad, shots, orientation)
    window.faces[2].click()
    window.chips[0].click()
    window.chips[2].click()
    problems += _problems(pad, shots, orientation)
    window.send_button.click()
    qtbot.waitUntil(lambda: model.screen is Screen.THANKS, timeout=WAIT_MS)
    problems += _problems(pad, shots, orientation)
    window.thanks_complain.click()
    window.categories[next(iter(window.categories))].click()
    for digit in "13812345678":
        window.digits.keys[digit].click()
    problems += _problems(pad, shots, orientation)
    window.complaint_send.click()
    qtbot.waitUntil(lambda: model.screen is Screen.COMPLAINT_DONE, timeout=WAIT_MS)
    problems += _problems(pad, shots, orientation)
    model.timed_out()
    problems += _problems(pad, shots, orientation)
    assert problems == [], "\n".join(problems)
