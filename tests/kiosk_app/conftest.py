"""The touchscreen kiosk against a real branch server and the printer emulator on the wire."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlmodel import Session, select

from drivers.printer import open_printer
from drivers.site import PrinterEntry
from hardware_mocks.printer.emulator import PrinterEmulator
from kiosk_app.app import Kiosk, build_kiosk
from kiosk_app.config import KioskConfig
from kiosk_app.kiosk_model import Screen
from kiosk_app.views.widgets import TileButton
from server.contract.common import Role
from server.store.tables import Ticket
from tests.e2e.live import LiveBranch

FAST_STREAM = {"min_backoff_s": 0.05, "max_backoff_s": 0.2, "open_timeout_s": 2.0}


@pytest.fixture
def branch(tmp_path: Path) -> Iterator[LiveBranch]:
    live = LiveBranch(data_dir=tmp_path / "data").start()
    yield live
    live.stop()


@pytest.fixture
def emulator() -> Iterator[PrinterEmulator]:
    emu = PrinterEmulator().start()
    yield emu
    emu.stop()


def kiosk_config(branch: LiveBranch, emulator: PrinterEmulator, **screen: object) -> KioskConfig:
    return KioskConfig(
        server={"url": branch.url, "timeout_s": 1.0},  # type: ignore[arg-type]
        screen={"idle_timeout_s": 30, "fullscreen": False, **screen},  # type: ignore[arg-type]
        timing={  # type: ignore[arg-type]
            "printer_poll_s": 0.3,
            "printer_poll_fault_s": 0.2,
            "heartbeat_interval_s": 1,
            "retry_s": 0.2,
        },
        printer=PrinterEntry(id="kiosk-1-printer", url=f"tcp://127.0.0.1:{emulator.port}"),
        token=branch.device_token("kiosk-1", Role.KIOSK),
    )


MakeKiosk = Callable[..., Kiosk]


@pytest.fixture
def make_kiosk(qtbot: QtBot, branch: LiveBranch, emulator: PrinterEmulator) -> Iterator[MakeKiosk]:
    built: list[Kiosk] = []

    def make(**screen: object) -> Kiosk:
        config = kiosk_config(branch, emulator, **screen)
        printer = open_printer(f"tcp://127.0.0.1:{emulator.port}", timeout_s=1.0)
        kiosk = build_kiosk(config, printer=printer, stream_options=FAST_STREAM)
        built.append(kiosk)
        qtbot.addWidget(kiosk.window)
        kiosk.window.show()
        qtbot.waitUntil(lambda: kiosk.model.screen is Screen.HOME, timeout=10_000)
        qtbot.waitUntil(lambda: bool(kiosk.model.queues), timeout=10_000)
        return kiosk

    yield make
    for kiosk in built:
        kiosk.stop()


@pytest.fixture
def kiosk(make_kiosk: MakeKiosk) -> Kiosk:
    return make_kiosk()


def tile_for(kiosk: Kiosk, label_en: str) -> TileButton:
    """The visible button whose label (in English) is ``label_en``."""
    for key, button in kiosk.window.menu.tiles.items():
        found = kiosk.model.tile(key)
        if found is not None and found.label.en == label_en:
            return button
    labels = [t.label.en for t in kiosk.model.home_tiles() + kiosk.model.group_tiles()]
    raise AssertionError(f"no button {label_en!r}; buttons: {labels}")


def stored(branch: LiveBranch, public_id: str) -> Ticket:
    assert branch.app is not None
    with Session(branch.app.state.engine) as session:
        return session.exec(select(Ticket).where(Ticket.public_id == public_id)).one()


def all_tickets(branch: LiveBranch) -> list[Ticket]:
    assert branch.app is not None
    with Session(branch.app.state.engine) as session:
        return list(session.exec(select(Ticket)).all())
