"""`branchq rate run --counter N`: the rating pad facing the customer at a counter (PyQt6).

    branchq rate run --counter 3 [--config rating.toml] [--server URL] [--windowed]
                     [--portrait] [--language en]

The pad's device token (role rating_pad) comes from $BRANCHQ_DEVICE_TOKEN, or the file's
server.token_file / server.token (deploy/rating-example.toml).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    rate = subparsers.add_parser("rate", help="the customer's rating pad at a counter (评价器)")
    sub = rate.add_subparsers(dest="rate_command", metavar="ACTION")
    run = sub.add_parser(
        "run",
        help="open the rating pad of one counter",
        description="Open the rating pad of a counter: it asks the customer to rate each ticket "
        "the counter finishes, and takes complaints. Its device token (role rating_pad, made "
        "with 'branchq admin create-device rating-3 --role rating_pad') comes from "
        "$BRANCHQ_DEVICE_TOKEN or the file. Stop with Ctrl+C.",
    )
    run.add_argument("--counter", type=int, help="the counter number (overrides the file)")
    run.add_argument("--config", type=Path, help="the pad's TOML file (optional)")
    run.add_argument("--server", help="branch server URL (overrides server.url)")
    run.add_argument("--language", choices=["zh", "en"], help="first language on screen")
    run.add_argument("--portrait", action="store_true", help="an 800x1280 portrait screen")
    run.add_argument("--windowed", action="store_true", help="a window instead of full screen")
    run.set_defaults(handler=_run)
    rate.set_defaults(handler=lambda _a: (rate.print_help(), 2)[1])


def _run(args: argparse.Namespace) -> int:
    from counter_display.rating.config import RatingPadConfigError, load_config

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    if args.counter is None and args.config is None:
        print("branchq rate run: give --counter N (or --config FILE)", file=sys.stderr)
        return 2
    try:
        config = load_config(
            args.config,
            counter=args.counter,
            server_url=args.server,
            language=args.language,
            orientation="portrait" if args.portrait else None,
        )
        token = config.server.resolve_token(config.pad_name)
    except RatingPadConfigError as exc:
        print(f"rating pad: {exc}", file=sys.stderr)
        return 2
    from counter_display.rating.app import run

    return run(config, token=token, windowed=args.windowed)
