"""Pictures of the lobby in a busy state, from the real server, at 1920x1080 and 1080x1920,
with checks that they show what they should. Set BRANCHQ_SCREENSHOTS to a directory (e.g.
docs/screenshots) to keep them there; otherwise they go to the test's temporary directory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from server.contract.common import Bilingual
from tests.counter_display.lobby.conftest import Branch, LobbyFactory


def busy(branch: Branch) -> None:
    branch.issue("A", 20)
    branch.issue("B", 6)
    branch.issue("V", 3)
    branch.issue("F", 2)
    for counter in (6, 4, 5, 1, 2, 3):
        branch.call_next(counter)
    for counter in (1, 2, 4):
        branch.serve_and_call_next(counter)
    branch.serve_and_call_next(3)


@pytest.mark.parametrize("orientation", ["landscape", "portrait"])
def test_busy_lobby_screenshot(
    qtbot, branch: Branch, make_lobby: LobbyFactory, orientation: str, tmp_path: Path
) -> None:
    shots = Path(os.environ.get("BRANCHQ_SCREENSHOTS") or tmp_path)
    busy(branch)
    lobby = make_lobby(extra="", orientation=orientation)
    window = lobby.window
    qtbot.waitUntil(lambda: window.title_zh.text() == "示范支行" and bool(window.notice_bar.text))
    window.newest._timer.stop()
    window.newest.flash_on = False
    window.notice_bar.offset = window.width() * 0.98  # the bar's text starts at the left edge
    size = (1920, 1080) if orientation == "landscape" else (1080, 1920)
    image = window.grab().toImage()
    assert (image.width(), image.height()) == size
    assert window.newest.number == lobby.model.newest.call.ticket.number
    assert all(row[0].text() for row in window.history_rows)  # the history is full
    shots.mkdir(parents=True, exist_ok=True)
    assert image.save(str(shots / f"lobby-{orientation}.png"))
    if orientation == "landscape":
        branch.set_emergency(
            Bilingual(
                zh="因系统维护，暂停取号。已取号的客户请继续等候叫号。",
                en="Ticket issuing is paused for maintenance. If you have a ticket, "
                "please wait to be called.",
            )
        )
        qtbot.waitUntil(lambda: window.cover.isVisibleTo(window))
        assert window.grab().toImage().save(str(shots / "lobby-emergency.png"))
