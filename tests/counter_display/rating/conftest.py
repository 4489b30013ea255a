"""Fixtures of the rating pad tests: the real server on a loopback port, a pad (view-model,
window, network thread) for counter 1, and a teller who serves customers at that counter."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from pytestqt.qtbot import QtBot

from counter_display.rating.app import SIZES, RatingPadApp
from counter_display.rating.config import load_config
from server.contract.common import Role
from tests.e2e.live import LiveBranch, branch

__all__ = ["branch"]  # the live-server fixture, used by name

WAIT_MS = 10_000
MakePad = Callable[..., RatingPadApp]


@pytest.fixture
def make_pad(qtbot: QtBot, branch: LiveBranch) -> Iterator[MakePad]:
    made: list[RatingPadApp] = []

    def make(*, orientation: str = "landscape", **screen: object) -> RatingPadApp:
        config = load_config(None, counter=1, server_url=branch.url, orientation=orientation)
        config = config.model_copy(update={"screen": config.screen.model_copy(update=screen)})
        token = branch.device_token(f"rating-1-{len(made)}", Role.RATING_PAD)
        pad = RatingPadApp(config, token=token)
        made.append(pad)
        qtbot.addWidget(pad.window)
        pad.window.resize(*SIZES[orientation])
        pad.window.show()
        pad.start()
        qtbot.waitUntil(lambda: pad.model.online, timeout=WAIT_MS)
        return pad

    yield make
    for pad in made:
        pad.stop()


def serve_one(branch: LiveBranch, teller: str = "alice", counter: int = 1) -> dict[str, str]:
    """A customer takes a ticket; the teller calls, serves and finishes it. The ticket."""
    kiosk = {"Authorization": f"Bearer {branch.device_token('kiosk-1', Role.KIOSK)}"}
    with branch.client() as client:
        r = client.post("/api/v1/tickets", json={"service_code": "A"}, headers=kiosk)
        assert r.status_code == 201, r.text
        ticket: dict[str, str] = r.json()
        for action in ("open", "call-next", "start", "finish"):
            reply = client.post(f"/api/v1/counters/{counter}/{action}", headers=branch.auth(teller))
            assert reply.status_code == 200, reply.text
    return ticket


def admin_get(branch: LiveBranch, path: str) -> httpx.Response:
    with branch.client() as client:
        return client.get(f"/api/v1{path}", headers=branch.auth("root", Role.ADMIN))
