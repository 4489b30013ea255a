"""`branchq report ...`: the branch's report and end-of-day reconciliation, straight on the
branch database (read only), as the console shows them.

    branchq report --day 2026-11-29 [--to 2026-11-30] [--by service|counter|teller|hour|category]
                   [--csv FILE | --xlsx FILE] [--lang zh|en]
    branchq report reconcile --day 2026-11-29

``--day`` defaults to yesterday's business day (the last whole day). Every command takes
--data-dir, --database-url (as ``branchq admin``) and --branch-file (the server's, for the
branch's time zone and rollover). Exit code: 0, or 1 when the command cannot run; reconcile
exits 3 when the day does not balance (its differences are listed).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from server.contract.reports import ReconcileOut, ReportOut
    from server.services.context import BranchContext

GROUPINGS = ("service", "counter", "teller", "hour", "category")
UNBALANCED_EXIT = 3


def register(subparsers: Any) -> None:
    report = subparsers.add_parser(
        "report", help="the branch's report for a day or a range; reconcile a day"
    )
    _common(report)
    report.add_argument("--to", type=date.fromisoformat, help="last business day (= --day)")
    report.add_argument("--by", choices=GROUPINGS, default="service", help="one row per ...")
    out = report.add_mutually_exclusive_group()
    out.add_argument("--csv", type=Path, help="write the report as CSV (UTF-8 with BOM)")
    out.add_argument("--xlsx", type=Path, help="write the workbook (every grouping, charts)")
    report.add_argument("--lang", choices=("zh", "en"), default="zh")
    report.set_defaults(handler=lambda args: _run(_report, args))
    sub = report.add_subparsers(dest="report_command", metavar="ACTION")
    reconcile = sub.add_parser("reconcile", help="end-of-day reconciliation of one day")
    _common(reconcile)
    reconcile.add_argument("--lang", choices=("zh", "en"), default="zh")
    reconcile.set_defaults(handler=lambda args: _run(_reconcile, args))


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--day", type=date.fromisoformat, help="business day YYYY-MM-DD (default: yesterday)"
    )
    parser.add_argument(
        "--data-dir", help="the server's data directory (default: $BRANCHQ_DATA_DIR, else ./var)"
    )
    parser.add_argument("--database-url", help="SQLAlchemy URL (default: SQLite in data dir)")
    parser.add_argument(
        "--branch-file", type=Path, help="the branch TOML (default: the server's setting)"
    )


def _run(handler: Any, args: argparse.Namespace) -> int:
    from branchq_cli.admin import AdminCommandError, branch_engine
    from server.branchfile import ConfigError, load_branch
    from server.config import Settings
    from server.services.context import BranchContext
    from server.services.errors import UseCaseError
    from server.store.errors import StoreError

    try:
        engine = branch_engine(args)
        try:
            config = load_branch(args.branch_file or Settings().branch_file)
            result: int = handler(BranchContext(engine=engine, config=config), args)
        finally:
            engine.dispose()
    except (AdminCommandError, ConfigError, StoreError) as exc:
        print(f"branchq report: {exc}", file=sys.stderr)
        return 1
    except UseCaseError as exc:
        print(f"branchq report: {exc.zh if args.lang == 'zh' else exc.message}", file=sys.stderr)
        return 1
    return result


def _day(ctx: BranchContext, args: argparse.Namespace) -> date:
    from server.services import reports

    day: date | None = args.day
    return day or reports.yesterday(ctx)


def _report(ctx: BranchContext, args: argparse.Namespace) -> int:
    from server.services import reports

    first = _day(ctx, args)
    last = args.to or first
    if args.xlsx is not None:
        args.xlsx.write_bytes(
            reports.xlsx_export(ctx, first_day=first, last_day=last, lang=args.lang)
        )
        print(f"wrote {args.xlsx}")
        return 0
    if args.csv is not None:
        body = reports.csv_export(ctx, first_day=first, last_day=last, by=args.by, lang=args.lang)
        args.csv.write_bytes(body)
        print(f"wrote {args.csv}")
        return 0
    print_report(reports.report(ctx, first_day=first, last_day=last, by=args.by), args.lang)
    return 0


SHOWN = (
    "issued",
    "served",
    "no_show",
    "cancelled",
    "abandoned",
    "transferred",
    "wait_p50_s",
    "wait_p90_s",
    "wait_max_s",
    "within_target_pct",
    "service_mean_s",
    "satisfaction_avg",
)


def print_report(report: ReportOut, lang: str) -> None:
    """The report as a plain text table (the CSV has every column)."""
    from server.services.report_export import COLUMNS, TOTAL, cell

    columns = [c for c in COLUMNS if c.id in SHOWN]
    language = "zh" if lang == "zh" else "en"
    span = report.first_day.isoformat()
    if report.last_day != report.first_day:
        span += f" .. {report.last_day.isoformat()}"
    print(f"{'网点报表' if language == 'zh' else 'Branch report'} {span} ({report.by})")
    lines = [["", *(getattr(c, language) for c in columns)]]
    for row in [*report.rows, None]:
        figures = report.total if row is None else row.figures
        name = TOTAL[language] if row is None else f"{row.key} {getattr(row.name, language)}"
        lines.append([name, *(_text(cell(c, figures)) for c in columns)])
    widths = [max(_width(line[i]) for line in lines) for i in range(len(lines[0]))]
    for line in lines:
        print("  ".join(_pad(text, w) for text, w in zip(line, widths, strict=True)).rstrip())


def _text(value: object) -> str:
    return "-" if value is None else str(value)


def _width(text: str) -> int:
    """Columns a text takes in a terminal (a Chinese character takes two)."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _reconcile(ctx: BranchContext, args: argparse.Namespace) -> int:
    from server.services import reports

    out = reports.reconcile(ctx, day=_day(ctx, args))
    print_reconcile(out, args.lang)
    return 0 if out.balanced else UNBALANCED_EXIT


def print_reconcile(out: ReconcileOut, lang: str) -> None:
    c = out.counts
    zh = lang == "zh"
    verdict = (
        ("平衡" if out.balanced else "不平衡")
        if zh
        else ("balanced" if out.balanced else "NOT balanced")
    )
    print(f"{'日终对账' if zh else 'End-of-day reconciliation'} {out.business_day}: {verdict}")
    print(
        f"issued {c.issued} (numbering {c.numbering_issued}) = served {c.served} + no-show "
        f"{c.no_show} + cancelled {c.cancelled} + abandoned {c.abandoned} + open {c.open}; "
        f"transfers {c.transferred}"
    )
    print(f"printed {c.printed}, print failed {c.print_failed}, never printed {c.print_pending}")
    for d in out.differences:
        print(f"  {d.number}  {d.kind:<16} {d.detail.zh if zh else d.detail.en}")
