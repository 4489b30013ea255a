"""The simulated day as text tables, JSON and CSV.

``report_text`` prints one day as the manager's report reads it; ``compare_text`` puts the
base day and its what-ifs side by side; ``staffing_text`` the hour-by-hour suggestion.
``csv_rows`` flattens any of these into (scenario, section, group, metric, value) rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from branchq_sim.figures import DayFigures, WaitStats
from branchq_sim.staffing import HourStaffing


def _min(seconds: float) -> str:
    return f"{seconds / 60:.1f}"


def _pct(share: float) -> str:
    return f"{share * 100:.0f}%"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain text table, first column left-aligned, the others right-aligned."""
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            str(c).ljust(w) if i == 0 else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, rows)])


def _wait_rows(stats: Sequence[WaitStats]) -> list[list[str]]:
    return [
        [
            s.group,
            str(s.served),
            _min(s.mean_s),
            _min(s.p50_s),
            _min(s.p90_s),
            _min(s.max_s),
            _pct(s.within_target),
        ]
        for s in stats
    ]


WAIT_HEADERS = ["", "served", "mean", "p50", "p90", "max", "within target"]


def report_text(name: str, fig: DayFigures) -> str:
    c = fig.counts
    parts = [
        f"{name} (seed {fig.seed}): {fig.arrivals} customers; issued {c['issued']}, "
        f"served {c['served']}, no-show {c['no_show']}, cancelled {c['cancelled']}, "
        f"abandoned {c['abandoned']}, refused {c['refused']}",
        f"longest wait {_min(fig.longest_wait_s)} min ({fig.longest_wait_ticket or '-'})",
        "",
        "Waits by category (minutes, served tickets)",
        table(["category", *WAIT_HEADERS[1:]], _wait_rows([*fig.by_category, fig.overall])),
        "",
        "Waits by service (minutes, served tickets)",
        table(["service", *WAIT_HEADERS[1:]], _wait_rows([*fig.by_service, fig.overall])),
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
        "  server: estimate_wait_s as the kiosk is told it; naive: people ahead x mean service "
        "time / counters listed for the service; naive_literal: people ahead x mean service time",
    ]
    return "\n".join(parts)


def compare_text(names: Sequence[str], figs: Sequence[DayFigures]) -> str:
    """The base day and its what-ifs side by side."""

    def row(label: str, values: Sequence[str]) -> list[str]:
        return [label, *values]

    rows = [
        row("served", [str(f.counts["served"]) for f in figs]),
        row("no-show", [str(f.counts["no_show"]) for f in figs]),
        row("abandoned", [str(f.counts["abandoned"]) for f in figs]),
        row("mean wait (min)", [_min(f.overall.mean_s) for f in figs]),
        row("p90 wait (min)", [_min(f.overall.p90_s) for f in figs]),
        row("longest wait (min)", [_min(f.longest_wait_s) for f in figs]),
        row("within target", [_pct(f.overall.within_target) for f in figs]),
    ]
    codes = [s.group for s in figs[0].by_service]
    for code in codes:
        rows.append(
            row(
                f"  {code} within target",
                [_pct(_group(f.by_service, code).within_target) for f in figs],
            )
        )
        rows.append(
            row(f"  {code} p90 wait (min)", [_min(_group(f.by_service, code).p90_s) for f in figs])
        )
    for cat in [s.group for s in figs[0].by_category]:
        rows.append(
            row(f"  {cat} mean wait (min)", [_min(_group(f.by_category, cat).mean_s) for f in figs])
        )
    rows.append(
        row(
            "counter hours on duty",
            [f"{sum(u.duty_s for u in f.counters) / 3600:.1f}" for f in figs],
        )
    )
    rows.append(
        row(
            "mean utilisation",
            [
                _pct(
                    sum(u.busy_s for u in f.counters) / max(sum(u.duty_s for u in f.counters), 1e-9)
                )
                for f in figs
            ],
        )
    )
    rows.append(row("estimate p90 |error| (min)", [_min(f.errors[0].p90_abs_s) for f in figs]))
    return "Same customers, side by side\n" + table(["", *names], rows)


def _group(stats: Sequence[WaitStats], name: str) -> WaitStats:
    for s in stats:
        if s.group == name:
            return s
    return WaitStats(name, 0, 0.0, 0.0, 0.0, 0.0, 0.0)


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
        rows.append(
            [name, "longest_wait", f.longest_wait_ticket, "wait_s", f"{f.longest_wait_s:.1f}"]
        )
        for section, stats in (
            ("category", [*f.by_category, f.overall]),
            ("service", f.by_service),
        ):
            for s in stats:
                for metric, value in asdict(s).items():
                    if metric != "group":
                        rows.append([name, section, s.group, metric, _num(value)])
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


def _num(value: object) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
