"""Every text of the queue table and the recent calls fits its cell, in both orientations,
also with long English names: a long name is drawn smaller, never cut; the usual names are
drawn at their full size."""

from __future__ import annotations

import dataclasses

import pytest
from PyQt6.QtGui import QFontMetrics

from counter_display.lobby.widgets import FitLabel
from server.contract.common import Bilingual
from tests.counter_display.lobby.conftest import Branch, LobbyFactory
from tests.counter_display.lobby.test_screenshots import busy

LONG = {
    "A": "Personal banking, accounts and cards",
    "B": "Corporate banking and business accounts",
    "F": "Foreign exchange and international remittance",
    "V": "VIP wealth management and private banking",
}


def drawn_cells(window) -> list[FitLabel]:  # type: ignore[no-untyped-def]
    cells = [label for row in window.history_rows for label in row]
    cells += [label for row in window.queue_cells for pair in row for label in pair]
    return [c for c in cells if c.isVisible() and c.text()]


def assert_fits(cells: list[FitLabel]) -> None:
    for cell in cells:
        width = QFontMetrics(cell.font()).horizontalAdvance(cell.text())
        assert width <= cell.contentsRect().width(), (cell.text(), width, cell.geometry())
        assert cell.geometry().right() < cell.window().width(), cell.text()
        assert QFontMetrics(cell.font()).height() <= cell.height() + 1, cell.text()


@pytest.mark.parametrize("orientation", ["landscape", "portrait"])
def test_queue_and_history_texts_fit_their_cells(
    qtbot, branch: Branch, make_lobby: LobbyFactory, orientation: str
) -> None:
    busy(branch)
    lobby = make_lobby(extra="", orientation=orientation)
    window, model = lobby.window, lobby.model
    qtbot.waitUntil(
        lambda: len(model.queues) == 4 and all(r[0].text() for r in window.history_rows)
    )
    qtbot.waitUntil(lambda: all(c.font().pixelSize() == round(c.px) for c in drawn_cells(window)))
    cells = drawn_cells(window)
    assert len(cells) == 3 * 8 + 6 * 4
    assert_fits(cells)  # the usual names at their full size

    state = model.state
    for code, q in list(state.queues.items()):
        state.queues[code] = q.model_copy(
            update={"name": Bilingual(zh=q.name.zh + "及相关业务", en=LONG[code])}
        )
    long_counter = Bilingual(zh="5号贵宾理财窗口", en="Counter 5, VIP wealth management suite")
    state.calls = [
        dataclasses.replace(c, call=c.call.model_copy(update={"counter_name": long_counter}))
        for c in state.calls
    ]
    model.changed.emit()
    qtbot.waitUntil(lambda: window.history_rows[0][2].text() == long_counter.en)
    window.grab()  # lays out and paints with the new texts
    cells = drawn_cells(window)
    assert {LONG[code] for code in LONG} <= {c.text() for c in cells}
    assert_fits(cells)
    # the numbers keep their size; the newest call is still the largest text on the screen
    assert all(r[0].font().pixelSize() == round(r[0].px) for r in window.history_rows)
