"""The diag test ticket: printed on the branch's clock, in the customer's language first.

Tickets print the branch's local time (the kiosk converts to the time zone the server gives);
the test ticket does the same. The zone comes from ``--timezone``, else from the branch server
(``GET /api/v1/branch``, public), else it is the machine's own, and the output says which.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

if TYPE_CHECKING:
    from collections.abc import Callable

    from drivers.printer import TicketLayout


class ClockError(Exception):
    """An unknown time zone was asked for."""


@dataclass(frozen=True)
class BranchClock:
    zone: tzinfo
    source: str  # for the output: where the zone came from

    def now(self, utc_now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> datetime:
        return utc_now().astimezone(self.zone).replace(second=0, microsecond=0)


def branch_clock(
    *, timezone: str | None = None, server_url: str | None = None, timeout_s: float = 2.0
) -> BranchClock:
    """The branch's time zone: given, from the server, or this machine's (said in ``source``)."""
    if timezone:
        return BranchClock(_zone(timezone), f"{timezone} (--timezone)")
    note = "no branch server given (--server or --config)"
    if server_url:
        import httpx

        from server.contract.rest import BranchInfo

        url = server_url.rstrip("/") + "/api/v1/branch"
        try:
            response = httpx.get(url, timeout=timeout_s)
            response.raise_for_status()
            zone_name = BranchInfo.model_validate_json(response.content).timezone
            return BranchClock(_zone(zone_name), f"{zone_name}, the branch's, from {url}")
        except (httpx.HTTPError, ValueError, ClockError) as exc:
            note = f"could not ask {url}: {exc}"
    local = datetime.now().astimezone().tzinfo or UTC
    return BranchClock(local, f"this machine's zone {local} ({note}; --timezone sets it)")


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ClockError(
            f"time zone {name!r} unknown; expected an IANA name such as Asia/Shanghai"
        ) from exc


def diag_ticket_layout(issued_at: datetime, language: str = "zh") -> TicketLayout:
    from drivers.printer import TicketLayout

    return TicketLayout(
        branch_name_zh="打印机测试",
        branch_name_en="Printer test",
        service_name_zh="测试票（不是排队号）",
        service_name_en="Test ticket (not a queue number)",
        number="T000",
        people_ahead=0,
        estimated_wait_s=0,
        issued_at=issued_at,
        status_url="branchq diag printer",
        footer_zh="中文、数字 0123 与二维码应清晰可读。",
        footer_en="Chinese, digits 0123 and the QR code should be readable.",
        language=language,
    )
