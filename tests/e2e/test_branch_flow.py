"""The flow a README reader runs: a kiosk issues a ticket over REST, prints it with the ESC/POS
driver to the printer emulator, reads the decoded receipt back and reports the print result."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from drivers.printer import PrinterProfile, PrintReason, TicketLayout, open_printer
from hardware_mocks.printer import PrinterEmulator
from server.contract.common import Role
from server.store.tables import Ticket, TicketEvent
from tests.e2e.live import LiveBranch, branch

__all__ = ["branch"]  # the live-server fixture, used by name


@pytest.fixture
def printer(tmp_path: Path) -> Iterator[PrinterEmulator]:
    out_dir = tmp_path / "receipts"
    out_dir.mkdir()  # the emulator writes each receipt there as .txt and .png
    with PrinterEmulator(control_port=None, out_dir=out_dir) as emulator:
        yield emulator


def kiosk(branch: LiveBranch) -> dict[str, str]:
    return {"Authorization": f"Bearer {branch.device_token('kiosk-1', Role.KIOSK)}"}


def issue(branch: LiveBranch, service: str) -> dict[str, Any]:
    with branch.client() as client:
        r = client.post("/api/v1/tickets", json={"service_code": service}, headers=kiosk(branch))
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


def layout(branch: LiveBranch, ticket: dict[str, Any]) -> TicketLayout:
    from datetime import datetime

    assert branch.app is not None
    config = branch.app.state.branch.config
    return TicketLayout(
        branch_name_zh=config.name_zh,
        branch_name_en=config.name_en,
        service_name_zh=ticket["service_name"]["zh"],
        service_name_en=ticket["service_name"]["en"],
        number=ticket["number"],
        people_ahead=ticket["people_ahead"],
        estimated_wait_s=ticket["estimated_wait_s"],
        issued_at=datetime.fromisoformat(ticket["issued_at"]),
        status_url=ticket["status_url"],
    )


def report(branch: LiveBranch, public_id: str, body: dict[str, Any]) -> dict[str, Any]:
    with branch.client() as client:
        r = client.post(
            f"/api/v1/tickets/{public_id}/print-result", json=body, headers=kiosk(branch)
        )
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()
    return result


def print_events(branch: LiveBranch, public_id: str) -> list[dict[str, Any]]:
    assert branch.app is not None
    with Session(branch.app.state.engine) as session:
        ticket = session.exec(select(Ticket).where(Ticket.public_id == public_id)).one()
        events = session.exec(
            select(TicketEvent)
            .where(TicketEvent.ticket_id == ticket.id, TicketEvent.action == "print")
            .order_by(TicketEvent.id)  # type: ignore[arg-type]
        ).all()
        return [dict(e.details) for e in events]


def test_issue_print_read_back_and_report(branch: LiveBranch, printer: PrinterEmulator) -> None:
    issue(branch, "A")  # someone is already waiting
    ticket = issue(branch, "A")
    assert ticket["number"] == "A002" and ticket["people_ahead"] == 1
    assert ticket["status_url"].startswith("http://branch.example/q/")

    device = open_printer(f"tcp://127.0.0.1:{printer.port}", profile=PrinterProfile(paper_mm=80))
    try:
        result = device.print_ticket(layout(branch, ticket))
    finally:
        device.close()
    assert result.ok, result.message_en
    assert result.reason_code is PrintReason.PRINTED

    assert printer.wait_for(1)
    receipt = printer.receipts[0]
    text = receipt.text
    assert "A002" in text
    assert "个人业务" in text and "Personal" in text
    assert "示范支行" in text and "Demo Branch" in text
    assert receipt.qr_payloads == [ticket["status_url"]]
    assert receipt.cut

    out = report(branch, ticket["public_id"], {"status": "printed"})
    assert out == {
        "public_id": ticket["public_id"],
        "number": "A002",
        "print_status": "printed",
        "print_error": None,
    }
    events = print_events(branch, ticket["public_id"])
    assert [(e["status"], e["reason"]) for e in events] == [("printed", None)]
    with branch.client() as client:  # the QR code's page
        status = client.get(f"/api/v1/tickets/{ticket['public_id']}").json()
    assert (status["number"], status["state"], status["people_ahead"]) == ("A002", "WAITING", 1)


def test_paper_out_keeps_the_ticket_and_it_can_be_reprinted(
    branch: LiveBranch, printer: PrinterEmulator
) -> None:
    ticket = issue(branch, "B")
    printer.set_fault("paper_out")
    device = open_printer(f"tcp://127.0.0.1:{printer.port}")
    try:
        failed = device.print_ticket(layout(branch, ticket))
        assert not failed.ok and failed.reason_code is PrintReason.PRINTER_NOT_READY
        out = report(branch, ticket["public_id"], {"status": "failed", "reason": failed.message_en})
        assert out["print_status"] == "failed" and "paper" in out["print_error"]

        printer.set_fault("ok")  # a roll is loaded
        again = device.print_ticket(layout(branch, ticket))
    finally:
        device.close()
    assert again.ok
    assert printer.wait_for(1)
    assert "B001" in printer.receipts[0].text
    report(branch, ticket["public_id"], {"status": "printed"})
    events = print_events(branch, ticket["public_id"])
    assert [e["status"] for e in events] == ["failed", "printed"]
    assert "paper" in events[0]["reason"]
    assert (Path(printer.out_dir or ".") / "receipt-0001.png").exists()
