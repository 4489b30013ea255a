"""`branchq simulate --day PROFILE.toml`: a whole branch day on a virtual clock.

    branchq simulate --day deploy/sim/branch_day.toml [--seed N]
        [--what-if OTHER.toml ...] [--staffing] [--json OUT] [--csv OUT]

Runs the day against the queue's own rules (server.domain) and prints the day's report: waits
by category and service, share within target, longest wait, counter utilisation, counts, and
the error of the waits estimated at issue. Each --what-if file replaces tables of the profile
(counters, shifts, policy, ...) and runs on the same customers; the days are shown side by side.
--json/--csv write the figures to a file ('-' = stdout). Exit code 2 for a bad profile.
"""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    help_text = "simulate a branch day (what-ifs, staffing) with the queue's real rules"
    parser = subparsers.add_parser("simulate", help=help_text, description=help_text)
    parser.add_argument("--day", required=True, metavar="PROFILE", help="day profile (TOML)")
    parser.add_argument("--seed", type=int, help="random seed (default: the profile's [day] seed)")
    parser.add_argument(
        "--what-if",
        action="append",
        default=[],
        metavar="FILE",
        help="tables replacing the profile's (counters, shifts, policy); repeatable",
    )
    parser.add_argument(
        "--staffing", action="store_true", help="suggest counters per hour (search + Erlang C)"
    )
    parser.add_argument(
        "--staffing-seeds", type=int, default=3, metavar="N", help="days pooled by the search"
    )
    parser.add_argument("--json", metavar="OUT", help="write the figures as JSON ('-' = stdout)")
    parser.add_argument("--csv", metavar="OUT", help="write the figures as CSV ('-' = stdout)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from branchq_sim.command import simulate_command

    return simulate_command(
        args.day,
        seed=args.seed,
        what_ifs=args.what_if,
        json_out=args.json,
        csv_out=args.csv,
        staffing=args.staffing,
        staffing_seeds=max(args.staffing_seeds, 1),
    )
