"""The kiosk's issue-and-print flow, without a window (the PyQt6 kiosk will drive this).

One tap = ``KioskFlow.issue(service_code)``:
1. POST /api/v1/tickets with a fresh idempotency key; a lost answer is retried with the SAME
   key, so a retry never makes a second ticket.
2. Print the ticket on the kiosk's printer (status is checked before and after by the driver).
3. Report the print result to the server (printed / failed with the reason).
The ticket is committed by the server before anything is printed: when printing fails the
outcome still carries the ticket and a bilingual message telling the customer their number.
"""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass

import httpx
from pydantic import ValidationError

from drivers.printer import PrinterStatus, PrintResult, TicketLayout, TicketPrinter
from kiosk_app.tickets import FOOTER, heartbeat, print_report, ticket_layout
from server.contract.common import Bilingual, Category, DeviceStatus, Language
from server.contract.rest import BranchInfo, ErrorBody, TicketIssuedOut


class KioskError(Exception):
    """The kiosk could not get a ticket; ``message_zh``/``message_en`` are for the screen."""

    def __init__(self, message_en: str, message_zh: str) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_zh = message_zh


@dataclass(frozen=True)
class KioskOutcome:
    ticket: TicketIssuedOut
    print_result: PrintResult
    screen_zh: str  # what the kiosk shows after the tap
    screen_en: str


@dataclass(frozen=True)
class BranchText:
    """What the kiosk prints about its branch; names and time zone come from the server."""

    name_zh: str
    name_en: str
    timezone: str = "UTC"
    footer_zh: str = FOOTER.zh
    footer_en: str = FOOTER.en


class KioskFlow:
    def __init__(
        self,
        *,
        server_url: str,
        token: str,
        printer: TicketPrinter,
        branch: BranchText | None = None,
        timeout_s: float = 3.0,
        retries: int = 2,
    ) -> None:
        self._client = httpx.Client(
            base_url=server_url.rstrip("/") + "/api/v1",
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout_s,
        )
        self._printer = printer
        self._branch = branch  # None: read from GET /api/v1/branch at the first tap
        self._retries = retries

    def branch_text(self) -> BranchText:
        """The branch's names and time zone, from the server unless given (read once)."""
        if self._branch is None:
            try:
                response = self._client.get("/branch")
                response.raise_for_status()
            except httpx.HTTPError as exc:
                raise KioskError(
                    f"the branch server does not answer ({exc}); please ask the staff",
                    "排队服务器无响应，请咨询工作人员",
                ) from exc
            info = BranchInfo.model_validate_json(response.content)
            self._branch = BranchText(
                name_zh=info.name.zh, name_en=info.name.en, timezone=info.timezone
            )
        return self._branch

    def close(self) -> None:
        self._client.close()

    def issue(
        self,
        service_code: str,
        *,
        category: Category = Category.NORMAL,
        language: Language = Language.ZH,
    ) -> KioskOutcome:
        branch = self.branch_text()
        ticket = self._issue(service_code, category, language)
        result = self._printer.print_ticket(self._layout(ticket, branch))
        self._report(ticket, result)
        self.report_health(result.status_after or result.status_before)
        ahead = ticket.people_ahead
        ahead_en = "1 person ahead" if ahead == 1 else f"{ahead} people ahead"
        if result.ok:
            zh = f"请取票：{ticket.number}，前面还有 {ahead} 人"
            en = f"Please take your ticket: {ticket.number}, {ahead_en}"
        else:  # the customer needs their number, not the printer's trouble (staff get that)
            zh = f"抱歉，取号机暂时无法打印。请记住您的号码：{ticket.number}（前面还有 {ahead} 人）"
            en = (
                "Sorry, the ticket could not be printed. "
                f"Please remember your number: {ticket.number} ({ahead_en})"
            )
        return KioskOutcome(ticket=ticket, print_result=result, screen_zh=zh, screen_en=en)

    def _issue(self, service_code: str, category: Category, language: Language) -> TicketIssuedOut:
        body = {
            "service_code": service_code,
            "category": category.value,
            "language": language.value,
            "idempotency_key": uuid.uuid4().hex,
        }
        last_error: Exception | None = None
        for _attempt in range(self._retries + 1):
            try:
                response = self._client.post("/tickets", json=body)
            except httpx.TransportError as exc:  # lost request or answer: retry, same key
                last_error = exc
                continue
            if response.status_code in (200, 201):
                return TicketIssuedOut.model_validate_json(response.content)
            raise _refused(response, service_code)
        raise KioskError(
            f"the branch server does not answer ({last_error}); please ask the staff",
            "排队服务器无响应，请咨询工作人员",
        ) from last_error

    def _layout(self, ticket: TicketIssuedOut, branch: BranchText) -> TicketLayout:
        return ticket_layout(
            ticket,
            branch_name=Bilingual(zh=branch.name_zh, en=branch.name_en),
            timezone=branch.timezone,
            footer=Bilingual(zh=branch.footer_zh, en=branch.footer_en),
        )

    def _report(self, ticket: TicketIssuedOut, result: PrintResult) -> None:
        body = print_report(result).model_dump(mode="json", exclude_none=True)
        # the ticket is safe on the server; a lost print report is only bookkeeping
        with contextlib.suppress(httpx.TransportError):
            self._client.post(f"/tickets/{ticket.public_id}/print-result", json=body)

    def report_health(self, status: PrinterStatus | None = None) -> DeviceStatus:
        """Send the kiosk's heartbeat with its printer's status (read now when not given).

        The server lists it for technicians (GET /api/v1/devices). Returns the printer's
        status as reported; a lost heartbeat is not an error for the customer.
        """
        status = status if status is not None else self._printer.status()
        beat = heartbeat(status)
        with contextlib.suppress(httpx.TransportError):
            self._client.post("/devices/me/heartbeat", json=beat.model_dump(mode="json"))
        return beat.status


def _refused(response: httpx.Response, service_code: str) -> KioskError:
    """The server refused the ticket: say why in both languages (no English in the zh line)."""
    body = _error_body(response)
    if body is None:
        return KioskError(f"no ticket: HTTP {response.status_code}", "未能取号，请咨询工作人员")
    text = body.message
    if body.error == "service_unavailable":
        return KioskError(f"no ticket: {text.en}", f"未能取号：{text.zh}")
    if body.error == "not_found":
        return KioskError(f"no ticket: {text.en}", f"未能取号：没有这项业务（{service_code}）")
    return KioskError(f"no ticket: {text.en}", "未能取号，请咨询工作人员")


def _error_body(response: httpx.Response) -> ErrorBody | None:
    """The server's error answer, or None when the answer is not one (a proxy's page)."""
    try:
        return ErrorBody.model_validate_json(response.content)
    except ValidationError:
        return None
