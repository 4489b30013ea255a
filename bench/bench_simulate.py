"""Branch-day simulator: speed of a day of ~2,000 customers, and the error of the wait estimates.

    .venv/bin/python bench/bench_simulate.py [--seeds 10] [--no-write]

1. Speed: the example branch (deploy/sim/branch_day.toml) scaled to ~2,000 customers and 36
   counters (six copies of each counter with its shift), run through ``branchq_sim`` (the
   domain's BranchQueue: policy, Desk, numbering, estimates, the report), against a bare event
   loop over the SAME customers in the same run (a heap of arrivals and completions, FIFO
   to the first free counter, nothing else): wall time and the ratio.
2. Estimate error: the example day on ``--seeds`` seeds; for every called ticket the estimate
   shown at issue against the wait that happened, pooled over the days: median and p90 of the
   absolute error, for the server's estimator (``estimate_shared_wait_s``), the one-queue
   estimate it replaced (``estimate_wait_s``), and the naive "people ahead x mean service
   time" (divided by the counters listed for the service, and not). Target: the server's p90
   at least 30 % below the naive one's.

Writes its section of bench/RESULTS.md unless --no-write.
"""

from __future__ import annotations

import argparse
import copy
import heapq
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from report import write_section  # noqa: E402  (bench/, the script's folder)

from branchq_sim.customers import Customer, draw_customers  # noqa: E402
from branchq_sim.engine import DaySimulation  # noqa: E402
from branchq_sim.figures import day_figures  # noqa: E402
from branchq_sim.profile import Profile, load_profile, parse_profile  # noqa: E402
from server.domain.report import percentile  # noqa: E402

RESULTS = Path(__file__).with_name("RESULTS.md")
EXAMPLE = REPO / "deploy" / "sim" / "branch_day.toml"
HEADING = "Branch-day simulator (bench/bench_simulate.py)"
TARGET_P90_GAIN = 0.30
COPIES = 6  # counters x6
ARRIVALS_SCALE = 6.2  # customers x6.2: ~2,000 a day


def scaled_profile(base: Profile) -> Profile:
    """The example day with every counter (and its shift) copied COPIES times and the
    arrival rates multiplied by ARRIVALS_SCALE."""
    data: dict[str, Any] = copy.deepcopy(dict(base.data))
    counters, shifts = [], []
    for k in range(COPIES):
        for ctr in base.data["counters"]:
            number = ctr["number"] + 10 * k
            counters.append({**ctr, "number": number, "name_en": f"Counter {number}"})
        for shift in base.data.get("shifts", []):
            shifts.append({**shift, "counter": shift["counter"] + 10 * k})
    data["counters"], data["shifts"] = counters, shifts
    for spec in data["arrivals"].values():
        spec["per_hour"] = [rate * ARRIVALS_SCALE for rate in spec["per_hour"]]
    for svc in data["services"]:
        svc["number_max"] = 9999
    return parse_profile(data, source="scaled example")


def bare_loop(customers: list[Customer], counters: int, walk_s: float) -> int:
    """The floor with no rules: a heap of events, FIFO to the first free counter."""
    events: list[tuple[float, int, int]] = [(c.arrive_s, 1, c.index) for c in customers]
    heapq.heapify(events)
    free, line, n = counters, 0, 0
    queue: list[int] = []
    while events:
        t, kind, index = heapq.heappop(events)
        n += 1
        if kind == 1:
            queue.append(index)
        else:
            free += 1
        while free and line < len(queue):
            cust = customers[queue[line]]
            line += 1
            free -= 1
            heapq.heappush(events, (t + walk_s + cust.service_s, 0, cust.index))
    return n


def timed(fn: Any, repeat: int) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def speed(repeat: int) -> list[str]:
    big = scaled_profile(load_profile(EXAMPLE))
    customers = draw_customers(big, 1)
    walk = big.sim.customers.walk_s
    sim_s, result = timed(lambda: DaySimulation(big, customers=customers).run(), repeat)
    report_s, figs = timed(lambda: day_figures(result), repeat)
    bare_s, _ = timed(lambda: bare_loop(customers, len(big.branch.counters), walk), repeat)
    total = sim_s + report_s
    c = figs.counts
    return [
        f"- day: {len(customers)} customers, {len(big.branch.counters)} counters, "
        f"{result.events} events; served {c['served']}, no-show {c['no_show']}, "
        f"abandoned {c['abandoned']}; {figs.total.within_target:.0%} called within target",
        "",
        f"| run (best of {repeat}) | wall s | x bare loop |",
        "|---|---|---|",
        f"| bare event loop, same customers (FIFO, no rules) | {bare_s:.3f} | 1.0 |",
        f"| simulated day (BranchQueue: policy, Desk, estimates) | {sim_s:.3f} | "
        f"{sim_s / bare_s:.0f} |",
        f"| its report (build_report by service, category, hour) | {report_s:.3f} | "
        f"{report_s / bare_s:.0f} |",
        f"| day + report | {total:.3f} | {total / bare_s:.0f} |",
        "",
        f"Target: a day of 2,000 customers in seconds: {'met' if total < 10 else 'MISSED'} "
        f"({total:.1f} s).",
    ]


def errors(seeds: int) -> tuple[list[str], bool]:
    day = load_profile(EXAMPLE)
    pooled: dict[str, list[float]] = {}
    per_seed: list[tuple[int, float, float]] = []
    for seed in range(1, seeds + 1):
        result = DaySimulation(day, seed=seed).run()
        figs = day_figures(result)
        by = {e.estimator: e for e in figs.errors}
        per_seed.append((seed, by["server"].p90_abs_s, by["naive"].p90_abs_s))
        for o in result.outcomes:
            if o.wait_s is None:
                continue
            for name, est in (
                ("server", o.estimate_s),
                ("one_queue", o.one_queue_s),
                ("naive", o.naive_s),
                ("naive_literal", o.naive_literal_s),
            ):
                pooled.setdefault(name, []).append(abs(est - o.wait_s))
    naive_p90 = percentile(pooled["naive"], 90) or 1.0
    rows = [
        "| estimator | tickets | median abs error min | p90 abs error min | p90 x naive |",
        "|---|---|---|---|---|",
    ]
    for name, label in (
        ("server", "server: estimate_shared_wait_s (after)"),
        ("one_queue", "server before: estimate_wait_s, own queue / OPEN counters"),
        ("naive", "naive: people ahead x mean time / counters listed"),
        ("naive_literal", "naive literal: people ahead x mean time"),
    ):
        errs = pooled[name]
        p50, p90 = percentile(errs, 50) or 0.0, percentile(errs, 90) or 0.0
        rows.append(
            f"| {label} | {len(errs)} | {p50 / 60:.1f} | {p90 / 60:.1f} | {p90 / naive_p90:.2f} |"
        )
    server_p90 = percentile(pooled["server"], 90) or 0.0
    gain = 1 - server_p90 / naive_p90
    met = gain >= TARGET_P90_GAIN
    wins = sum(1 for _, s, n in per_seed if s < n)
    rows += [
        "",
        f"Target: the server's p90 at least {TARGET_P90_GAIN:.0%} below the naive one's: "
        f"{'met' if met else 'MISSED'} ({gain:.0%} below, pooled over {seeds} days; better "
        f"on {wins} of {seeds} days taken one by one).",
    ]
    return rows, met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="do not touch bench/RESULTS.md")
    args = parser.parse_args()
    load_start = _load()
    wall = time.perf_counter()
    speed_rows = speed(args.repeat)
    error_rows, _ = errors(args.seeds)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO
    ).stdout.strip()
    lines = [
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; code {commit}; python "
        f"{platform.python_version()}; load average (1 min) {load_start:.2f} at start, "
        f"{_load():.2f} at end; run {time.perf_counter() - wall:.0f} s",
        "- `.venv/bin/python bench/bench_simulate.py` (see its docstring)",
        "",
        "Speed: the example day scaled to ~2,000 customers (rates x6.2, counters x6)",
        "",
        *speed_rows,
        "",
        f"Wait estimates shown at issue against the waits that happened: the example day "
        f"(deploy/sim/branch_day.toml), seeds 1-{args.seeds}, every called ticket",
        "",
        *error_rows,
        "",
    ]
    text = "\n".join(lines)
    print(f"## {HEADING}\n\n{text}")
    if not args.no_write:
        write_section(RESULTS, HEADING, text)
        print(f"written to {RESULTS.relative_to(REPO)}")
    return 0


def _load() -> float:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except OSError:
        return float("nan")


if __name__ == "__main__":
    sys.exit(main())
