"""`branchq diag printer URL [--test-ticket]`: printer status in words, and what to do.

Exit code: 0 ready, 1 warning (paper near end; sent to a printer that cannot confirm),
2 error or unknown (paper out, cover open, offline, no answer, bad URL, test ticket failed).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from drivers.printer import PrinterStatus, PrintResult, TicketLayout

EXIT_OK, EXIT_WARNING, EXIT_ERROR = 0, 1, 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("url", help="printer URL, e.g. tcp://192.168.1.50:9100 or mem://")
    parser.add_argument(
        "--test-ticket", action="store_true", help="print a bilingual test ticket and report"
    )
    parser.add_argument("--encoding", choices=["gb18030", "gbk"], default=None)
    parser.add_argument("--paper", type=int, choices=[58, 80], default=None, help="paper width")
    parser.add_argument(
        "--timeout", type=float, default=2.0, help="seconds to wait for each answer"
    )


def test_layout() -> TicketLayout:
    from datetime import datetime

    from drivers.printer import TicketLayout

    return TicketLayout(
        branch_name_zh="打印机测试",
        branch_name_en="Printer test",
        service_name_zh="测试票（不是排队号）",
        service_name_en="Test ticket (not a queue number)",
        number="T000",
        people_ahead=0,
        estimated_wait_s=0,
        issued_at=datetime.now().replace(second=0, microsecond=0),
        status_url="branchq diag printer",
        footer_zh="中文、数字 0123 与二维码应清晰可读。",
        footer_en="Chinese, digits 0123 and the QR code should be readable.",
    )


def check_printer(
    url: str,
    *,
    test_ticket: bool = False,
    encoding: str | None = None,
    paper_mm: int | None = None,
    timeout_s: float = 2.0,
) -> tuple[PrinterStatus, PrintResult | None]:
    """Status of the printer at ``url`` and, if asked, the result of a test ticket.

    Raises ``drivers.printer.PrinterUrlError`` for a bad URL; never raises for a bad printer.
    """
    from dataclasses import replace

    from drivers.printer import PrinterProfile, open_printer

    profile = PrinterProfile()
    if paper_mm is not None:
        profile = replace(profile, paper_mm=paper_mm)
    printer = open_printer(
        url,
        profile=profile,
        encoding=encoding,
        timeout_s=timeout_s,
        confirm_timeout_s=max(timeout_s, 5.0),
    )
    try:
        status = printer.status()
        result = printer.print_ticket(test_layout()) if test_ticket else None
    finally:
        printer.close()
    return status, result


def verdict(status: PrinterStatus, result: PrintResult | None = None) -> int:
    """Exit code for a status (and test ticket result): 0 ok, 1 warning, 2 error/unknown."""
    from drivers.printer import PrinterState, PrintReason

    if result is not None and not result.ok:
        return EXIT_ERROR
    if result is not None and result.reason_code == PrintReason.SENT_UNVERIFIED:
        return EXIT_WARNING
    if status.state == PrinterState.OK:
        return EXIT_OK
    if status.state == PrinterState.PAPER_NEAR_END:
        return EXIT_WARNING
    return EXIT_ERROR


def run(args: argparse.Namespace) -> int:
    from drivers.printer import PrinterError

    try:
        status, result = check_printer(
            args.url,
            test_ticket=args.test_ticket,
            encoding=args.encoding,
            paper_mm=args.paper,
            timeout_s=args.timeout,
        )
    except PrinterError as exc:
        print(f"printer {args.url}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    raw = " ".join("--" if b is None else f"{b:02X}" for b in status.raw)
    print(f"printer {args.url}: {status.message_en} / {status.message_zh}")
    print(f"  what to do: {status.what_to_do}")
    if status.detail:
        print(f"  detail: {status.detail}")
    print(f"  DLE EOT 1-4: {raw}; flags: {', '.join(sorted(status.flags)) or '-'}")
    if result is not None:
        verdict_word = "printed" if result.ok else "NOT printed"
        print(f"  test ticket: {verdict_word}, {result.bytes_sent} bytes sent")
        if not result.ok:  # on success the message only repeats "printed"
            print(f"    {result.message_en} / {result.message_zh}")
    code = verdict(status, result)
    print(f"  verdict: {['OK', 'WARNING', 'ERROR'][code]}")
    return code
