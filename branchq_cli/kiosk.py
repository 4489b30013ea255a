"""`branchq kiosk run`: the touchscreen kiosk; `branchq kiosk issue SERVICE`: its tap, from a
terminal (issue, print, report)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any


def register(subparsers: Any) -> None:
    kiosk = subparsers.add_parser(
        "kiosk", help="kiosk actions without the touchscreen (issue and print a ticket)"
    )
    sub = kiosk.add_subparsers(dest="kiosk_command", metavar="ACTION")
    run = sub.add_parser(
        "run",
        help="run the touchscreen kiosk (PyQt6)",
        description="Run the touchscreen kiosk described by a kiosk file (see "
        "deploy/kiosk-example.toml): full screen, or in a window with --windowed.",
    )
    run.add_argument("--config", required=True, help="the kiosk file, e.g. kiosk.toml")
    run.add_argument(
        "--windowed", action="store_true", help="a window instead of full screen (development)"
    )
    run.set_defaults(handler=_run)
    issue = sub.add_parser(
        "issue",
        help="issue a ticket for SERVICE and print it, as a tap on the kiosk does",
        description="Issue a ticket, print it, report the print result. The kiosk device token "
        "is read from $BRANCHQ_DEVICE_TOKEN.",
    )
    issue.add_argument("service", help="service code, e.g. A")
    issue.add_argument("--server", default="http://127.0.0.1:8000", help="branch server URL")
    issue.add_argument(
        "--printer",
        default=None,
        help="printer URL (default tcp://127.0.0.1:9100), or with --config the printer's id",
    )
    issue.add_argument(
        "--config", help="site device file: print on its printer, with the settings written there"
    )
    issue.add_argument(
        "--category", default="NORMAL", choices=["NORMAL", "PRIORITY", "VIP", "APPOINTMENT"]
    )
    issue.add_argument("--language", default="zh", choices=["zh", "en"])
    issue.set_defaults(handler=_issue)
    kiosk.set_defaults(handler=lambda _a: (kiosk.print_help(), 2)[1])


def _run(args: argparse.Namespace) -> int:
    from kiosk_app.config import KioskConfigError, load_kiosk_config

    try:
        config = load_kiosk_config(args.config)
    except KioskConfigError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 2
    if not config.token:
        print(
            f"kiosk: no device token: set ${config.server.token_env} or server.token_file in "
            f"{args.config} (create one with: branchq admin create-device NAME --role kiosk)",
            file=sys.stderr,
        )
        return 2
    import logging

    from kiosk_app.app import run

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    return run(config, windowed=args.windowed)


def _issue(args: argparse.Namespace) -> int:
    from drivers.printer import PrinterError, open_printer
    from drivers.site import SiteConfigError, load_printer_settings
    from kiosk_app.issue_flow import KioskError, KioskFlow
    from server.contract.common import Category, Language

    token = os.environ.get("BRANCHQ_DEVICE_TOKEN", "")
    if not token:
        print("set BRANCHQ_DEVICE_TOKEN to the kiosk's device token", file=sys.stderr)
        return 2
    try:
        if args.config:
            printer = open_printer(load_printer_settings(args.config, args.printer))
        else:
            printer = open_printer(args.printer or "tcp://127.0.0.1:9100")
    except (PrinterError, SiteConfigError) as exc:
        print(f"printer: {exc}", file=sys.stderr)
        return 2
    flow = KioskFlow(
        server_url=args.server,
        token=token,
        printer=printer,  # branch names and time zone come from the server
    )
    try:
        outcome = flow.issue(
            args.service, category=Category(args.category), language=Language(args.language)
        )
    except KioskError as exc:
        print(exc.message_zh)
        print(exc.message_en)
        return 1
    finally:
        flow.close()
        printer.close()
    ticket = outcome.ticket
    print(outcome.screen_zh)
    print(outcome.screen_en)
    print(f"status URL: {ticket.status_url}")
    return 0 if outcome.print_result.ok else 1
