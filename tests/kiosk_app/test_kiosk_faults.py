"""Printer faults and a server that goes away: the customer always leaves with a number, the
server always learns the truth, and the screen never freezes."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
from PyQt6.QtCore import QElapsedTimer, Qt, QTimer
from pytestqt.qtbot import QtBot

from hardware_mocks.printer.emulator import PrinterEmulator
from kiosk_app.app import Kiosk
from kiosk_app.kiosk_model import PrintState, Screen
from server.contract.common import Role
from tests.e2e.live import LiveBranch
from tests.kiosk_app.conftest import MakeKiosk, all_tickets, stored, tile_for


def tap(qtbot: QtBot, widget: object) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)  # type: ignore[arg-type]


def print_state(kiosk: Kiosk) -> PrintState | None:
    return kiosk.model.ticket.print_state if kiosk.model.ticket else None


FAULTS = [
    ("paper_out", None, "printer_not_ready"),
    ("cover_open", None, "printer_not_ready"),
    ("offline", None, "printer_not_ready"),
    ("drop", None, "connection_lost"),
    ("run_out", None, "paper_out_during_print"),
    ("slow", 3.0, "printer_not_ready"),  # no status answer within the 1 s timeout
]


@pytest.mark.parametrize(("fault", "arg", "reason"), FAULTS, ids=[f[0] for f in FAULTS])
def test_printer_fault_shows_the_number_reports_it_and_offers_a_reprint(
    make_kiosk: MakeKiosk,
    branch: LiveBranch,
    emulator: PrinterEmulator,
    qtbot: QtBot,
    fault: str,
    arg: float | None,
    reason: str,
) -> None:
    kiosk = make_kiosk(unprinted_screen_s=60)
    emulator.set_fault(fault, arg)

    tap(qtbot, tile_for(kiosk, "Corporate banking"))
    qtbot.waitUntil(lambda: kiosk.model.screen is Screen.TICKET, timeout=5000)
    page = kiosk.window.ticket
    assert page.number.text() == "B001"  # on screen before the printer has answered
    qtbot.waitUntil(lambda: print_state(kiosk) is PrintState.FAILED, timeout=15_000)
    assert page.status.text() == "请记住您的号码"
    assert "Please note your number" in page.status_other.text()
    assert page.number.text() == "B001"
    view = kiosk.model.ticket
    assert view is not None and page.qr.data == view.ticket.status_url
    if fault == "drop":  # one job dropped; the printer's next status read says it is fine
        qtbot.waitUntil(lambda: page.reprint.isVisible(), timeout=10_000)
    else:
        assert not page.reprint.isVisible()  # not until the status read says it is back
    public_id = view.ticket.public_id
    qtbot.waitUntil(lambda: stored(branch, public_id).print_status == "failed", timeout=5000)
    error = stored(branch, public_id).print_error or ""
    assert error.startswith(reason), error
    assert emulator.receipts == []

    emulator.set_fault("ok")
    qtbot.waitUntil(lambda: page.reprint.isVisible(), timeout=10_000)
    assert "打印机已恢复，可以重新打印" in page.status_other.text()
    tap(qtbot, page.reprint)
    qtbot.waitUntil(lambda: print_state(kiosk) is PrintState.PRINTED, timeout=15_000)
    assert emulator.wait_for(1)
    assert "B001" in emulator.receipts[0].text
    qtbot.waitUntil(lambda: stored(branch, public_id).print_status == "printed", timeout=5000)
    assert len(all_tickets(branch)) == 1  # a reprint is the same ticket


def _scheduler_wait_ms() -> float:
    """Time this (GUI) thread has spent runnable but kept off a CPU by the OS, in ms."""
    fields = Path("/proc/thread-self/schedstat").read_text().split()
    return int(fields[1]) / 1e6


def test_gui_answers_within_50_ms_while_the_printer_is_slow(
    kiosk: Kiosk, emulator: PrinterEmulator, qtbot: QtBot
) -> None:
    emulator.set_fault("slow", 3.0)
    gaps: list[tuple[int, float]] = []  # (wall ms between ticks, ms the OS kept us waiting)
    clock = QElapsedTimer()
    ticker = QTimer()
    ticker.setInterval(5)
    last_wait = [_scheduler_wait_ms()]

    def tick() -> None:
        wait = _scheduler_wait_ms()
        gaps.append((clock.restart(), wait - last_wait[0]))
        last_wait[0] = wait

    ticker.timeout.connect(tick)
    clock.start()
    ticker.start()
    tap(qtbot, tile_for(kiosk, "Corporate banking"))  # prints on a printer 3 s per chunk
    qtbot.waitUntil(lambda: kiosk.model.screen is Screen.TICKET, timeout=5000)
    kiosk.model.touched()
    kiosk.model.toggle_language()  # the screen still reacts while the printer thread waits
    qtbot.waitUntil(lambda: print_state(kiosk) is PrintState.FAILED, timeout=20_000)
    ticker.stop()
    assert kiosk.window.ticket.status.text() == "Please note your number"
    # A printer call on the GUI thread would stall it for >= 1 s (the status timeout; the slow
    # printer takes 3 s per 64 bytes). On a shared, overloaded test machine the OS also keeps
    # the process off the CPU now and then; that time (the thread's run-queue wait, from
    # /proc) is not the kiosk's doing and is taken out of each gap before the 50 ms check.
    walls = sorted(wall for wall, _ in gaps[1:])
    own = sorted(wall - os_wait for wall, os_wait in gaps[1:])
    assert len(walls) > 100
    print(
        f"event loop gaps: wall p50 {walls[len(walls) // 2]} ms, max {walls[-1]} ms; "
        f"without the OS's run-queue wait: max {own[-1]:.1f} ms"
    )
    assert own[-1] < 50, f"the event loop was busy or blocked for {own[-1]:.0f} ms"
    assert walls[-1] < 1000, f"the event loop stalled {walls[-1]} ms"


def test_server_down_shows_unavailable_retries_with_the_same_key_and_resumes(
    kiosk: Kiosk, branch: LiveBranch, qtbot: QtBot
) -> None:
    button = tile_for(kiosk, "Corporate banking")
    branch.stop()  # the kiosk has not noticed yet: its next tap meets a server that is gone
    tap(qtbot, button)
    qtbot.waitUntil(lambda: kiosk.model.screen is Screen.UNAVAILABLE, timeout=10_000)
    assert kiosk.window.message.title.text() == "取号服务暂时不可用"
    assert kiosk.window.message.title_other.text() == "Tickets are temporarily unavailable"
    assert "400-820-9588" in kiosk.window.message.contacts.text()
    key = kiosk.model.pending_key
    assert key is not None
    qtbot.wait(500)  # several retries fail meanwhile, all with the same key
    assert kiosk.model.pending_key == key

    branch.start()  # same port, same database
    qtbot.waitUntil(lambda: kiosk.model.screen is Screen.TICKET, timeout=15_000)
    assert kiosk.window.ticket.number.text() == "B001"
    tickets = all_tickets(branch)
    assert [(t.number, t.idempotency_key) for t in tickets] == [("B001", key)]
    qtbot.waitUntil(lambda: kiosk.model.online, timeout=10_000)  # the event stream resumed
    qtbot.waitUntil(lambda: kiosk.model.queues["B"].waiting == 1, timeout=5000)
    kiosk.model.go_home()
    assert kiosk.model.screen is Screen.HOME
    assert tile_for(kiosk, "Corporate banking").status.text().startswith("1 人等候")


def test_stream_lost_shows_unavailable_until_the_server_is_back(
    kiosk: Kiosk, branch: LiveBranch, qtbot: QtBot
) -> None:
    branch.stop()
    qtbot.waitUntil(lambda: kiosk.model.screen is Screen.UNAVAILABLE, timeout=10_000)
    assert kiosk.model.pending_key is None
    branch.start()
    qtbot.waitUntil(lambda: kiosk.model.screen is Screen.HOME, timeout=15_000)


def test_closed_service_is_disabled_with_the_reason(
    kiosk: Kiosk, branch: LiveBranch, qtbot: QtBot
) -> None:
    fx = tile_for(kiosk, "Foreign exchange")
    assert fx.isEnabled()
    with httpx.Client(base_url=branch.url) as client:
        r = client.patch(
            "/api/v1/admin/services/F",
            json={"is_open": False},
            headers=branch.auth("boss", Role.ADMIN),
        )
        assert r.status_code == 200, r.text
    qtbot.waitUntil(lambda: not fx.isEnabled(), timeout=5000)
    assert fx.status.text() == kiosk.model.queues["F"].unavailable.zh  # type: ignore[union-attr]
    assert fx.status.text()
    tap(qtbot, fx)
    assert kiosk.model.screen is Screen.HOME


def test_a_refusal_the_kiosk_did_not_foresee_is_shown_in_both_languages(
    kiosk: Kiosk, branch: LiveBranch, qtbot: QtBot
) -> None:
    key = next(
        k for k, b in kiosk.window.menu.tiles.items() if b is tile_for(kiosk, "Foreign exchange")
    )
    with httpx.Client(base_url=branch.url) as client:  # the GUI has not seen the event yet
        r = client.patch(
            "/api/v1/admin/services/F",
            json={"is_open": False},
            headers=branch.auth("boss", Role.ADMIN),
        )
        assert r.status_code == 200, r.text
    kiosk.model.choose(key)  # as a tap that raced the event
    qtbot.waitUntil(lambda: kiosk.model.screen is Screen.NOTICE, timeout=5000)
    page = kiosk.window.message
    assert page.title.text() == "未能取号"
    assert page.body.text().startswith("外汇：")  # which service, and the server's reason
    assert page.body_other.text().startswith("Foreign exchange: ")
    assert all_tickets(branch) == []


def test_daily_cap_reached_disables_the_service(
    kiosk: Kiosk, branch: LiveBranch, qtbot: QtBot
) -> None:
    vip = tile_for(kiosk, "VIP")
    with httpx.Client(base_url=branch.url) as client:
        auth = {"Authorization": f"Bearer {branch.device_token('kiosk-2', Role.KIOSK)}"}
        for _ in range(60):  # the demo branch's cap for V
            r = client.post("/api/v1/tickets", json={"service_code": "V"}, headers=auth)
            assert r.status_code in (200, 201), r.text
    qtbot.waitUntil(lambda: not vip.isEnabled(), timeout=5000)
    reason = kiosk.model.queues["V"].unavailable
    assert reason is not None and vip.status.text() == reason.zh


def test_heartbeats_on_a_timer_carry_the_printer_status(
    kiosk: Kiosk, branch: LiveBranch, emulator: PrinterEmulator, qtbot: QtBot
) -> None:
    tech = branch.auth("tech-1", Role.TECHNICIAN)

    def kiosk_device() -> dict[str, object]:
        with httpx.Client(base_url=branch.url, headers=tech) as client:
            devices = {d["name"]: d for d in client.get("/api/v1/devices").json()}
        return devices.get("kiosk-1", {})

    deadline = time.monotonic() + 10
    while kiosk_device().get("status") != "OK":  # no ticket issued: the timer's heartbeat
        assert time.monotonic() < deadline, kiosk_device()
        qtbot.wait(100)
    emulator.set_fault("cover_open")
    qtbot.waitUntil(lambda: kiosk_device().get("status") == "ERROR", timeout=10_000)
    printer = next(c for c in kiosk_device()["components"] if c["id"] == "printer")  # type: ignore[union-attr,index]
    assert "cover open" in printer["detail"]
    assert kiosk.window.menu.alert.isVisible()  # the home screen says tickets show on screen
    assert kiosk.window.menu.alert.text() == "打印机暂不可用，号码将显示在屏幕上"
