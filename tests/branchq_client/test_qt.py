"""ClientBridge: results, errors and stream messages arrive on the GUI thread as signals."""

from __future__ import annotations

import threading
from typing import Any

from pytestqt.qtbot import QtBot

from branchq_client import ApiError, BranchApi
from branchq_client.qt import ClientBridge
from server.contract.common import Role
from server.contract.events import Snapshot, TicketIssued
from server.contract.rest import TicketCreate
from tests.e2e.live import LiveBranch


def test_calls_and_stream_messages_arrive_on_the_gui_thread(
    qtbot: QtBot, branch: LiveBranch
) -> None:
    bridge = ClientBridge()
    gui = threading.current_thread()
    api = BranchApi(branch.url, token=branch.device_token("kiosk-1", Role.KIOSK))
    results: list[tuple[Any, threading.Thread]] = []
    errors: list[tuple[BaseException, threading.Thread]] = []
    messages: list[object] = []
    bridge.message_received.connect(messages.append)
    try:
        with qtbot.waitSignal(bridge.connection_changed, timeout=10_000) as connected:
            bridge.start_stream(branch.url, branch.device_token("display-1", Role.DISPLAY))
        assert connected.args == [True]
        qtbot.waitUntil(lambda: bool(messages), timeout=5_000)
        assert isinstance(messages[0], Snapshot)

        bridge.call(
            lambda: api.issue_ticket(TicketCreate(service_code="A")),
            on_result=lambda r: results.append((r, threading.current_thread())),
        )
        bridge.call(
            lambda: api.issue_ticket(TicketCreate(service_code="NOPE")),
            on_error=lambda e: errors.append((e, threading.current_thread())),
        )
        qtbot.waitUntil(lambda: bool(results) and bool(errors), timeout=5_000)
        assert results[0][0].number == "A001" and results[0][1] is gui
        assert isinstance(errors[0][0], ApiError) and errors[0][0].status == 404
        assert errors[0][1] is gui
        qtbot.waitUntil(lambda: any(isinstance(m, TicketIssued) for m in messages), timeout=5_000)

        with qtbot.waitSignal(bridge.connection_changed, timeout=10_000) as lost:
            branch.stop()
        assert lost.args == [False]
        with qtbot.waitSignal(bridge.connection_changed, timeout=15_000) as back:
            branch.start()
        assert back.args == [True]
    finally:
        bridge.run_sync(api.aclose())
        bridge.stop()
    assert not bridge._thread.isRunning()


def test_after_stop_a_call_runs_nothing(qtbot: QtBot) -> None:
    bridge = ClientBridge()
    bridge.stop()
    ran: list[int] = []

    async def work() -> int:
        ran.append(1)
        return 1

    future = bridge.call(work, on_result=ran.append)
    qtbot.wait(50)
    assert future.cancelled() and ran == []
