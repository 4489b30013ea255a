"""What the kiosk prints and reports: a ticket's layout, and the heartbeat for its printer.

Shared by the touchscreen kiosk and ``branchq kiosk issue``.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from drivers.printer import PrinterState, PrinterStatus, PrintResult, TicketLayout
from kiosk_app import texts
from server.contract.auth import ComponentReport, Heartbeat
from server.contract.common import Bilingual, Category, DeviceStatus
from server.contract.rest import PrintResult as PrintReport
from server.contract.rest import TicketIssuedOut

FOOTER = Bilingual(
    zh="请留意叫号，过号请重新取号",
    en="Please listen for your number; if you miss it, take a new ticket",
)


def ticket_layout(
    ticket: TicketIssuedOut,
    *,
    branch_name: Bilingual,
    timezone: str,
    footer: Bilingual = FOOTER,
    note: Bilingual | None = None,
) -> TicketLayout:
    """The printed ticket; the time in the branch's zone, the category when not a normal one."""
    category = (
        texts.category_ticket(ticket.category) if ticket.category is not Category.NORMAL else None
    )
    return TicketLayout(
        branch_name_zh=branch_name.zh,
        branch_name_en=branch_name.en,
        service_name_zh=ticket.service_name.zh,
        service_name_en=ticket.service_name.en,
        number=ticket.number,
        people_ahead=ticket.people_ahead,
        estimated_wait_s=ticket.estimated_wait_s,
        issued_at=ticket.issued_at.astimezone(ZoneInfo(timezone)),
        status_url=ticket.status_url,
        footer_zh=footer.zh,
        footer_en=footer.en,
        category_zh=category.zh if category else "",
        category_en=category.en if category else "",
        language=ticket.language.value,  # the customer's language is printed first
        note_zh=note.zh if note else "",
        note_en=note.en if note else "",
    )


def print_report(result: PrintResult) -> PrintReport:
    """The print result as the server records it (the reason is for staff, in English)."""
    if result.ok:
        return PrintReport(status="printed")
    return PrintReport(status="failed", reason=f"{result.reason_code}: {result.message_en}"[:500])


def device_status(state: PrinterState) -> DeviceStatus:
    if state is PrinterState.OK:
        return DeviceStatus.OK
    if state is PrinterState.PAPER_NEAR_END:
        return DeviceStatus.WARNING
    if state is PrinterState.UNKNOWN:
        return DeviceStatus.UNKNOWN
    return DeviceStatus.ERROR


def heartbeat(status: PrinterStatus, *, interval_s: int | None = None) -> Heartbeat:
    """The kiosk's heartbeat: its own health is its printer's; the next one within interval_s."""
    printer_status = device_status(status.state)
    return Heartbeat(
        status=printer_status,
        detail="" if printer_status is DeviceStatus.OK else f"printer: {status.describe()}"[:1000],
        components=[
            ComponentReport(
                id="printer",
                kind="printer",
                status=printer_status,
                detail=status.describe()[:1000],
            )
        ],
        interval_s=interval_s,
    )
