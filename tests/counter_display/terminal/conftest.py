"""Fixtures of the counter terminal tests: the real server on a loopback port, terminals
(view-model + window + network thread) signed in as tellers, kiosk tickets."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from pytestqt.qtbot import QtBot

from branchq_client.qt import ClientBridge
from counter_display.terminal.app import build
from counter_display.terminal.config import CounterConfig
from counter_display.terminal.view import TerminalWindow
from counter_display.terminal.viewmodel import CounterTerminal
from server.contract.common import Role
from tests.e2e.live import PASSWORD, LiveBranch, branch

__all__ = ["branch"]  # the live-server fixture, used by name

WAIT_MS = 10_000


@dataclass
class Terminal:
    vm: CounterTerminal
    window: TerminalWindow
    bridge: ClientBridge
    qtbot: QtBot

    def wait(self, condition: Callable[[], object], timeout_ms: int = WAIT_MS) -> None:
        self.qtbot.waitUntil(lambda: bool(condition()), timeout=timeout_ms)

    def settled(self) -> bool:
        vm = self.vm
        return (
            vm.busy is None
            and not vm._desk_reading
            and vm.desk is not None
            and not self.window.render_pending
        )

    def press(self, action: str) -> None:
        """Press a button and wait for the answer and the fresh desk."""
        self.wait(lambda: self.vm.enabled(action))
        sent = self.vm.actions_sent
        self.window.buttons[action].click()
        self.wait(lambda: self.vm.actions_sent > sent and self.settled())

    def number(self) -> str | None:
        return self.vm.current.ticket.number if self.vm.current else None


def issue(branch: LiveBranch, service: str = "A", count: int = 1, **extra: object) -> list[str]:
    kiosk = {"Authorization": f"Bearer {branch.device_token('kiosk-1', Role.KIOSK)}"}
    numbers = []
    with branch.client() as client:
        for _ in range(count):
            r = client.post(
                "/api/v1/tickets", json={"service_code": service, **extra}, headers=kiosk
            )
            assert r.status_code == 201, r.text
            numbers.append(r.json()["number"])
    return numbers


@pytest.fixture
def make_terminal(qtbot: QtBot, branch: LiveBranch) -> Iterator[Callable[..., Terminal]]:
    made: list[Terminal] = []

    def make(
        counter: int = 3,
        teller: str = "teller3",
        *,
        language: str = "en",
        sign_in: bool = True,
        password: str = PASSWORD,
        server_url: str | None = None,
        timeout_s: float | None = None,
    ) -> Terminal:
        branch.user_token(teller)  # creates the teller (password PASSWORD)
        config = CounterConfig(
            server_url=server_url or branch.url,
            counter=counter,
            language=language,
            **({} if timeout_s is None else {"timeout_s": timeout_s}),
        )
        bridge = ClientBridge()
        vm, window = build(config, bridge)
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        terminal = Terminal(vm, window, bridge, qtbot)
        made.append(terminal)
        if sign_in:
            vm.sign_in(teller, password)
            terminal.wait(lambda: vm.teller == teller and vm.online and terminal.settled())
        return terminal

    yield make
    for terminal in made:
        terminal.vm.shutdown()
        terminal.bridge.stop()
