"""The kiosk's tap, end to end: real server, real printer driver, printer emulator on the wire."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, select

from drivers.printer import PrintReason, open_printer
from hardware_mocks.printer.emulator import PrinterEmulator
from kiosk_app.issue_flow import KioskError, KioskFlow
from server.contract.common import Category, Language, Role, TicketState
from server.store.tables import Ticket
from tests.e2e.live import LiveBranch


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


@pytest.fixture
def flow(branch: LiveBranch, emulator: PrinterEmulator) -> Iterator[KioskFlow]:
    printer = open_printer(f"tcp://127.0.0.1:{emulator.port}", timeout_s=1.0)
    kiosk = KioskFlow(
        server_url=branch.url,
        token=branch.device_token("kiosk-1", Role.KIOSK),
        printer=printer,
    )
    yield kiosk
    kiosk.close()
    printer.close()


def _stored(branch: LiveBranch, public_id: str) -> Ticket:
    assert branch.app is not None
    with Session(branch.app.state.engine) as session:
        return session.exec(select(Ticket).where(Ticket.public_id == public_id)).one()


def test_tap_prints_a_bilingual_ticket_and_reports_it(
    flow: KioskFlow, branch: LiveBranch, emulator: PrinterEmulator
) -> None:
    outcome = flow.issue("A", language=Language.EN)

    assert outcome.print_result.ok, outcome.print_result
    assert outcome.ticket.number == "A001"
    assert emulator.wait_for(1)
    receipt = emulator.receipts[0]
    assert "A001" in receipt.text
    assert "个人业务" in receipt.text and "Personal" in receipt.text
    assert "示范支行" in receipt.text and "Demo Branch" in receipt.text  # from GET /branch
    assert "2026-11-29 10:00" in receipt.text  # 02:00 UTC, printed on the branch's clock
    assert receipt.qr_payloads == [outcome.ticket.status_url]
    assert receipt.cut in ("full", "partial")
    assert outcome.screen_en == "Please take your ticket: A001, 0 people ahead"
    stored = _stored(branch, outcome.ticket.public_id)
    assert stored.print_status == "printed"


def test_paper_out_keeps_the_ticket_and_tells_the_customer_their_number(
    flow: KioskFlow, branch: LiveBranch, emulator: PrinterEmulator
) -> None:
    emulator.set_fault("paper_out")

    outcome = flow.issue("V", category=Category.VIP)

    assert not outcome.print_result.ok
    assert outcome.print_result.reason_code is PrintReason.PRINTER_NOT_READY
    number = outcome.ticket.number
    assert number.startswith("V")
    assert (
        outcome.screen_zh == f"抱歉，取号机暂时无法打印。请记住您的号码：{number}（前面还有 0 人）"
    )
    assert outcome.screen_en == (
        f"Sorry, the ticket could not be printed. Please remember your number: {number} "
        "(0 people ahead)"
    )
    assert "paper out" in outcome.print_result.message_en  # for staff and the heartbeat
    assert emulator.receipts == []
    stored = _stored(branch, outcome.ticket.public_id)
    assert stored.state == TicketState.WAITING  # the ticket survives and keeps its place
    assert stored.print_status == "failed"
    assert stored.print_error is not None and "paper out" in stored.print_error
    # the customer can still be called with it
    with httpx.Client(base_url=branch.url) as client:
        status = client.get(f"/api/v1/tickets/{outcome.ticket.public_id}").json()
    assert status["number"] == number and status["state"] == "WAITING"


def test_unknown_service_is_refused_in_both_languages(flow: KioskFlow) -> None:
    with pytest.raises(KioskError) as err:
        flow.issue("Z")
    assert "unknown service 'Z'" in err.value.message_en
    assert err.value.message_zh == "未能取号：没有这项业务（Z）"


def test_closed_service_is_refused_in_both_languages(flow: KioskFlow, branch: LiveBranch) -> None:
    with httpx.Client(base_url=branch.url) as client:
        r = client.patch(
            "/api/v1/admin/services/F",
            json={"is_open": False},
            headers=branch.auth("boss", Role.ADMIN),
        )
        assert r.status_code == 200, r.text
    with pytest.raises(KioskError) as err:
        flow.issue("F")
    assert err.value.message_en == "no ticket: service F is closed"
    assert err.value.message_zh == "未能取号：该业务暂停取号"


def test_server_down_gives_a_clear_message(emulator: PrinterEmulator, tmp_path: Path) -> None:
    live = LiveBranch(data_dir=tmp_path / "d").start()
    url = live.url
    token = live.device_token("kiosk-1", Role.KIOSK)
    live.stop()
    printer = open_printer(f"tcp://127.0.0.1:{emulator.port}", timeout_s=1.0)
    kiosk = KioskFlow(server_url=url, token=token, printer=printer, timeout_s=0.5)
    try:
        with pytest.raises(KioskError) as err:
            kiosk.issue("A")
    finally:
        kiosk.close()
        printer.close()
    assert "does not answer" in err.value.message_en
    assert "无响应" in err.value.message_zh
    assert emulator.receipts == []


def test_printer_trouble_reaches_the_technicians_device_list(
    flow: KioskFlow, branch: LiveBranch, emulator: PrinterEmulator
) -> None:
    flow.issue("A")
    tech = branch.auth("tech-1", Role.TECHNICIAN)
    with httpx.Client(base_url=branch.url, headers=tech) as client:
        devices = {d["name"]: d for d in client.get("/api/v1/devices").json()}
    assert devices["kiosk-1"]["status"] == "OK"

    emulator.set_fault("cover_open")
    outcome = flow.issue("A")
    assert not outcome.print_result.ok

    with httpx.Client(base_url=branch.url, headers=tech) as client:
        devices = {d["name"]: d for d in client.get("/api/v1/devices").json()}
    kiosk = devices["kiosk-1"]
    assert kiosk["status"] == "ERROR"
    printer = next(c for c in kiosk["components"] if c["id"] == "printer")
    assert printer["status"] == "ERROR"
    assert "cover open" in printer["detail"]
