"""`branchq panel-bridge --config SITE.toml`: show the server's calls on the counters' panels.

Exit code 0 after SIGINT/SIGTERM, 2 when the site file cannot run a bridge (missing file,
no panels, no device token in the environment, bad URL).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

EXIT_OK, EXIT_CONFIG = 0, 2


def register(subparsers: Any) -> None:
    help_text = "drive the counters' LED panels from the server's call events"
    parser = subparsers.add_parser("panel-bridge", help=help_text, description=help_text)
    add_arguments(parser)
    parser.set_defaults(handler=run)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", required=True, help="site device file (TOML)")
    parser.add_argument(
        "--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"]
    )


def run(args: argparse.Namespace) -> int:
    import asyncio
    import logging
    import signal

    from drivers.site import SiteConfigError, load_site
    from panel_bridge.bridge import PanelBridge
    from panel_bridge.errors import BridgeConfigError

    try:
        bridge = PanelBridge(load_site(args.config))
    except (SiteConfigError, BridgeConfigError) as exc:
        print(f"panel-bridge: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    # logging is set up only for a bridge that will run (not for one refused at its config)
    logging.basicConfig(
        stream=sys.stdout,
        level=args.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        force=True,
    )
    for noisy in ("httpx", "httpcore", "websockets"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await bridge.run(stop)

    asyncio.run(main())
    return EXIT_OK


if __name__ == "__main__":
    _parser = argparse.ArgumentParser(prog="branchq panel-bridge")
    add_arguments(_parser)
    sys.exit(run(_parser.parse_args()))
