"""`branchq diag printer URL|--config SITE [--test-ticket]`: printer status in words, what to do.

The printer's settings come from the URL and the options beside it (--paper, --encoding,
--timeout; a contradiction with the URL's own options is refused), or from the site file.

Exit code: 0 ready, 1 warning (paper near end; sent to a printer that cannot confirm),
2 error or unknown (paper out, cover open, offline, no answer, bad URL, test ticket failed).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from drivers.printer import PrinterSettings, PrinterStatus, PrintResult, TicketLayout

EXIT_OK, EXIT_WARNING, EXIT_ERROR = 0, 1, 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "url", nargs="?", help="printer URL, e.g. tcp://192.168.1.50:9100 or mem:// (or --config)"
    )
    parser.add_argument(
        "--config", help="site device file: check its printer with the settings written there"
    )
    parser.add_argument(
        "--printer", dest="printer_id", help="which printer of --config (when it lists several)"
    )
    parser.add_argument(
        "--test-ticket", action="store_true", help="print a bilingual test ticket and report"
    )
    parser.add_argument("--encoding", choices=["gb18030", "gbk"], default=None)
    parser.add_argument("--paper", type=int, choices=[58, 80], default=None, help="paper width")
    parser.add_argument(
        "--timeout", type=float, default=None, help="seconds to wait for each answer (default 2)"
    )
    parser.add_argument(
        "--language",
        choices=["zh", "en"],
        default="zh",
        help="test ticket: the customer's language, printed first (default zh)",
    )
    parser.add_argument(
        "--server", help="branch server URL: the test ticket prints its time zone's clock"
    )
    parser.add_argument(
        "--timezone", help="test ticket clock, e.g. Asia/Shanghai (default: the branch server's)"
    )


def resolve_settings(args: argparse.Namespace) -> PrinterSettings:
    """The printer's settings from --config or from the URL and the options beside it.

    Raises ``PrinterError`` or ``SiteConfigError`` (both say what is wrong).
    """
    from drivers.printer import PrinterSettingsError, printer_settings
    from drivers.site import load_printer_settings

    beside = {"encoding": args.encoding, "paper_mm": args.paper, "timeout_s": args.timeout}
    if args.config:
        if args.url:
            raise PrinterSettingsError("give a printer URL or --config, not both")
        named = {"--encoding": args.encoding, "--paper": args.paper, "--timeout": args.timeout}
        flags = [flag for flag, value in named.items() if value is not None]
        if flags:
            raise PrinterSettingsError(
                f"with --config the printer's settings come from the site file; drop {flags} "
                "or change the file"
            )
        return load_printer_settings(args.config, args.printer_id)
    if not args.url:
        raise PrinterSettingsError("give a printer URL, or --config SITE.toml")
    return printer_settings(args.url, beside, source="command line")


def check_printer(
    target: str | PrinterSettings,
    *,
    test_ticket: bool = False,
    encoding: str | None = None,
    paper_mm: int | None = None,
    timeout_s: float | None = None,
    layout: TicketLayout | None = None,
) -> tuple[PrinterStatus, PrintResult | None]:
    """Status of the printer (a URL, or its settings) and, if asked, the result of a test ticket
    (``layout``, default: the test ticket on this machine's clock).

    Raises ``drivers.printer.PrinterError`` for a bad URL or settings; never for a bad printer.
    """
    from datetime import datetime

    from branchq_cli.diag_ticket import diag_ticket_layout
    from drivers.printer import open_printer, printer_settings

    if isinstance(target, str):
        beside = {"encoding": encoding, "paper_mm": paper_mm, "timeout_s": timeout_s}
        target = printer_settings(target, beside, source="command line")
    printer = open_printer(target, confirm_timeout_s=max(target.timeout_s, 5.0))
    try:
        status = printer.status()
        if test_ticket and layout is None:
            now = datetime.now().astimezone().replace(second=0, microsecond=0)
            layout = diag_ticket_layout(now)
        result = printer.print_ticket(layout) if test_ticket and layout else None
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
    from branchq_cli.diag_ticket import BranchClock, ClockError, branch_clock, diag_ticket_layout
    from drivers.printer import PrinterError
    from drivers.site import SiteConfigError, load_site

    clock: BranchClock | None = None
    try:
        settings = resolve_settings(args)
        layout = None
        if args.test_ticket:
            server = args.server or (load_site(args.config).server.url if args.config else None)
            clock = branch_clock(timezone=args.timezone, server_url=server)
            layout = diag_ticket_layout(clock.now(), args.language)
        status, result = check_printer(settings, test_ticket=args.test_ticket, layout=layout)
    except (PrinterError, SiteConfigError, ClockError) as exc:
        print(f"diag printer: {exc}", file=sys.stderr)
        return EXIT_ERROR
    name = f"{settings.printer_id} ({settings.url})" if settings.printer_id else settings.url
    raw = " ".join("--" if b is None else f"{b:02X}" for b in status.raw)
    print(f"printer {name}: {status.message_en} / {status.message_zh}")
    print(f"  what to do: {status.what_to_do}")
    if status.detail:
        print(f"  detail: {status.detail}")
    print(f"  DLE EOT 1-4: {raw}; flags: {', '.join(sorted(status.flags)) or '-'}")
    print(f"  settings: {settings.describe()}")
    if result is not None:
        verdict_word = "printed" if result.ok else "NOT printed"
        print(f"  test ticket: {verdict_word}, {result.bytes_sent} bytes sent")
        if clock is not None:
            when = result.ticket.issued_at.strftime("%Y-%m-%d %H:%M")
            print(f"    time on it: {when}, {clock.source}; {args.language} first")
        if not result.ok:  # on success the message only repeats "printed"
            print(f"    {result.message_en} / {result.message_zh}")
    code = verdict(status, result)
    word = ["OK", "WARNING", "ERROR"][code]
    if result is None and status.printable:
        print(f"  not checked: {STATUS_BLIND_SPOT}")
        print(f"  verdict: {word} (status only; --test-ticket checks that a ticket prints)")
    else:
        print(f"  verdict: {word}")
    return code


STATUS_BLIND_SPOT = (
    "printing itself. The status answers (DLE EOT) only say the printer is ready now; they "
    "cannot show a connection that drops while a ticket is sent, paper that runs out in the "
    "middle of a ticket, or a head or cutter that fails only while printing. Run again with "
    "--test-ticket to print one and have the printer confirm it / 状态查询看不到打印过程中的故障"
    "（断线、中途缺纸）：加 --test-ticket 打印一张测试票确认"
)
