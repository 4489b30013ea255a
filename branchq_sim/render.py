"""The simulated day as text tables, JSON and CSV.

``report_text`` prints one day as the manager's report reads it; ``compare_text`` puts the
base day and its what-ifs side by side; ``staffing_text`` the hour-by-hour suggestion.
``csv_rows`` flattens any of these into (scenario, section, group, metric, value) rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from branchq_sim.figures import DayFigures
from branchq_sim.staffing import HourStaffing
from server.domain.report import Figures, Report


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain text table, first column left-aligned, the others right-aligned."""
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            str(c).ljust(w) if i == 0 else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, rows)])


def _min(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds / 60:.1f}"


def _pct(share: float | None) -> str:
    return "-" if share is None else f"{share * 100:.0f}%"


def _wait_rows(report: Report) -> list[list[str]]:
    rows = [(r.key, r.figures) for r in report.rows] + [("all", report.total)]
    return [
        [
            key,
            str(f.called),
            str(f.served),
            str(f.no_show),
            _min(f.wait.mean),
            _min(f.wait.p50),
            _min(f.wait.p90),
            _min(f.wait.max),
            _pct(f.within_target),
        ]
        for key, f in rows
    ]


WAIT_HEADERS = ["called", "served", "no-show", "mean", "p50", "p90", "max", "within target"]


def report_text(name: str, fig: DayFigures) -> str:
    c = fig.counts
    parts = [
        f"{name} (seed {fig.seed}): {fig.arrivals} customers; issued {c['issued']}, "
        f"served {c['served']}, no-show {c['no_show']}, cancelled {c['cancelled']}, "
        f"abandoned {c['abandoned']}, refused {c['refused']}",
        f"longest wait {_min(fig.total.wait.max)} min ({fig.longest_wait_ticket or '-'})",
        "",
        "Waits by category (minutes, from issue to the call)",
        table(["category", *WAIT_HEADERS], _wait_rows(fig.by_category)),
        "",
        "Waits by service (minutes)",
        table(["service", *WAIT_HEADERS], _wait_rows(fig.by_service)),
        "",
        "Waits by hour of arrival (minutes)",
        table(["hour", *WAIT_HEADERS], _wait_rows(fig.by_hour)),
        "",
        "Counters",
        table(
            ["counter", "on duty h", "busy h", "utilisation", "served", "no-show"],
            [
                [
                    str(u.counter),
                    f"{u.duty_s / 3600:.2f}",
                    f"{u.busy_s / 3600:.2f}",
                    _pct(u.utilisation),
                    str(u.served),
                    str(u.no_shows),
                ]
                for u in fig.counters
            ],
        ),
        "",
        "Estimated wait shown at issue against the wait that happened (minutes, called tickets)",
        table(
            ["estimator", "tickets", "median |error|", "p90 |error|", "mean error"],
            [
                [
                    e.estimator,
                    str(e.tickets),
                    _min(e.median_abs_s),
                    _min(e.p90_abs_s),
                    _min(e.mean_signed_s),
                ]
                for e in fig.errors
            ],
        ),
        "  server: the server's estimate as a new ticket is told it (estimate_shared_wait_s);"
        " one_queue: its own queue x average / OPEN counters serving it (estimate_wait_s, the"
        " server's before); naive: people ahead x mean service time / counters listed for the"
        " service; naive_literal: people ahead x mean service time",
    ]
    return "\n".join(parts)


def compare_text(names: Sequence[str], figs: Sequence[DayFigures]) -> str:
    """The base day and its what-ifs side by side."""

    def row(label: str, values: Sequence[str]) -> list[str]:
        return [label, *values]

    def waits(report: Report, key: str) -> Figures | None:
        return next((r.figures for r in report.rows if r.key == key), None)

    rows = [
        row("served", [str(f.counts["served"]) for f in figs]),
        row("no-show", [str(f.counts["no_show"]) for f in figs]),
        row("abandoned", [str(f.counts["abandoned"]) for f in figs]),
        row("mean wait (min)", [_min(f.total.wait.mean) for f in figs]),
        row("p90 wait (min)", [_min(f.total.wait.p90) for f in figs]),
        row("longest wait (min)", [_min(f.total.wait.max) for f in figs]),
        row("within target", [_pct(f.total.within_target) for f in figs]),
    ]
    for key in [r.key for r in figs[0].by_service.rows]:
        got = [waits(f.by_service, key) for f in figs]
        rows.append(
            row(f"  {key} within target", [_pct(g.within_target if g else None) for g in got])
        )
        rows.append(row(f"  {key} p90 wait (min)", [_min(g.wait.p90 if g else None) for g in got]))
    for key in [r.key for r in figs[0].by_category.rows]:
        got = [waits(f.by_category, key) for f in figs]
        rows.append(
            row(f"  {key} mean wait (min)", [_min(g.wait.mean if g else None) for g in got])
        )
    duty = [sum(u.duty_s for u in f.counters) for f in figs]
    busy = [sum(u.busy_s for u in f.counters) for f in figs]
    rows.append(row("counter hours on duty", [f"{d / 3600:.1f}" for d in duty]))
    rows.append(
        row(
            "mean utilisation",
            [_pct(b / d if d else None) for b, d in zip(busy, duty, strict=True)],
        )
    )
    rows.append(row("estimate p90 |error| (min)", [_min(f.errors[0].p90_abs_s) for f in figs]))
    return "Same customers, side by side\n" + table(["", *names], rows)


def staffing_text(hours: Sequence[HourStaffing], goal_share: float, seeds: int) -> str:
    rows = [
        [
            h.label,
            f"{h.arrivals:.0f}",
            f"{h.load:.2f}",
            str(h.simulated),
            str(h.erlang_c),
            _pct(h.within_target),
        ]
        for h in hours
    ]
    return (
        f"Staffing: fewest counters keeping {_pct(goal_share)} within target "
        f"(simulated over {seeds} day(s); Erlang C pools every service into one M/M/c queue)\n"
        + table(["hour", "arrivals/h", "load (E)", "counters", "Erlang C", "within target"], rows)
    )


def as_json(
    names: Sequence[str], figs: Sequence[DayFigures], staffing: Sequence[HourStaffing] = ()
) -> dict[str, Any]:
    return {
        "scenarios": [{"name": n, **f.as_dict()} for n, f in zip(names, figs, strict=True)],
        "staffing": [asdict(h) for h in staffing],
    }


def csv_rows(
    names: Sequence[str], figs: Sequence[DayFigures], staffing: Sequence[HourStaffing] = ()
) -> list[list[str]]:
    """(scenario, section, group, metric, value) rows; times in seconds, shares 0..1."""
    rows: list[list[str]] = [["scenario", "section", "group", "metric", "value"]]
    for name, f in zip(names, figs, strict=True):
        for key, value in f.counts.items():
            rows.append([name, "counts", "", key, str(value)])
        rows.append([name, "longest_wait", f.longest_wait_ticket, "wait_s", _num(f.total.wait.max)])
        for section, report in (
            ("service", f.by_service),
            ("category", f.by_category),
            ("hour", f.by_hour),
        ):
            for key, fig in [(r.key, r.figures) for r in report.rows] + [("all", report.total)]:
                rows.extend(
                    [name, section, key, metric, _num(value)] for metric, value in _flat(fig)
                )
        for u in f.counters:
            for metric, value in asdict(u).items():
                if metric != "counter":
                    rows.append([name, "counter", str(u.counter), metric, _num(value)])
        for e in f.errors:
            for metric, value in asdict(e).items():
                if metric != "estimator":
                    rows.append([name, "estimate_error", e.estimator, metric, _num(value)])
    for h in staffing:
        for metric, value in asdict(h).items():
            if metric not in ("hour", "label"):
                rows.append(["staffing", "hour", h.label, metric, _num(value)])
    return rows


def _flat(fig: Figures) -> list[tuple[str, object]]:
    """A report row's figures as (metric, value); wait and service stats as wait_mean_s, ..."""
    out: list[tuple[str, object]] = []
    for metric, value in asdict(fig).items():
        if isinstance(value, dict):
            out.extend(
                (f"{metric}_{k}" + ("" if k == "count" else "_s"), v) for k, v in value.items()
            )
        elif value is not None:
            out.append((metric, value))
    return out


def _num(value: object) -> str:
    if value is None:
        return ""
    return f"{value:.4f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
