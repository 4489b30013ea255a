"""``branchq simulate``: one day, its what-ifs on the same customers, the staffing suggestion."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from branchq_sim.customers import draw_customers
from branchq_sim.engine import DaySimulation
from branchq_sim.figures import DayFigures, day_figures
from branchq_sim.profile import Profile, ProfileError, load_profile, overlay
from branchq_sim.render import as_json, compare_text, csv_rows, report_text, staffing_text
from branchq_sim.staffing import HourStaffing, suggest_staffing

EXIT_OK, EXIT_PROFILE = 0, 2


def run_day(
    day: str | Path,
    *,
    seed: int | None = None,
    what_ifs: Sequence[str | Path] = (),
) -> tuple[list[str], list[Profile], list[DayFigures]]:
    """Simulate the profile and each what-if on the very same customers."""
    base = load_profile(day)
    profiles = [base, *(overlay(base, w) for w in what_ifs)]
    names = ["base", *(Path(w).stem for w in what_ifs)]
    customers = draw_customers(base, seed)
    figs = [day_figures(DaySimulation(p, seed=seed, customers=customers).run()) for p in profiles]
    return names, profiles, figs


def simulate_command(
    day: str,
    *,
    seed: int | None = None,
    what_ifs: Sequence[str] = (),
    json_out: str | None = None,
    csv_out: str | None = None,
    staffing: bool = False,
    staffing_seeds: int = 3,
    out: TextIO = sys.stdout,
) -> int:
    try:
        names, profiles, figs = run_day(day, seed=seed, what_ifs=what_ifs)
    except ProfileError as exc:
        print(f"simulate: {exc}", file=sys.stderr)
        return EXIT_PROFILE
    base = profiles[0]
    hours: list[HourStaffing] = []
    if staffing:
        first = base.seed if seed is None else seed
        days = [draw_customers(base, first + k) for k in range(staffing_seeds)]
        hours = suggest_staffing(base, days)
    for name, fig in zip(names, figs, strict=True):
        print(report_text(name, fig), file=out)
        print(file=out)
    if len(figs) > 1:
        print(compare_text(names, figs), file=out)
        print(file=out)
    if hours:
        print(staffing_text(hours, base.sim.staffing.goal_share, staffing_seeds), file=out)
    if json_out is not None:
        _write(
            json_out,
            json.dumps(as_json(names, figs, hours), indent=2, ensure_ascii=False, default=str),
            out,
        )
    if csv_out is not None:
        _write_csv(csv_out, csv_rows(names, figs, hours), out)
    return EXIT_OK


def _write(path: str, text: str, out: TextIO) -> None:
    if path == "-":
        print(text, file=out)
        return
    Path(path).write_text(text + "\n", encoding="utf-8")


def _write_csv(path: str, rows: list[list[str]], out: TextIO) -> None:
    if path == "-":
        csv.writer(out).writerows(rows)
        return
    with Path(path).open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
