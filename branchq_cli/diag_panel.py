"""`branchq diag panel URL --protocol modbus --address N`: test pattern, read back, verdict.

Exit code 0 when the panel answered and read back the pattern, 1 when it works but lacks an
optional feature it was configured with (--blink-register), 2 otherwise.
"""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("url", help="pyserial URL: /dev/ttyUSB0, socket://HOST:PORT, rfc2217://")
    parser.add_argument("--protocol", choices=["modbus", "ascii"], default="modbus")
    parser.add_argument("--address", type=int, default=1, help="panel address on the bus")
    parser.add_argument("--baudrate", type=int, default=9600)
    parser.add_argument("--characters", type=int, default=None, help="panel width")
    parser.add_argument(
        "--timeout", type=float, default=0.5, help="seconds to wait for each answer"
    )
    parser.add_argument(
        "--blink-register",
        type=lambda text: int(text, 0),
        default=None,
        help="modbus: the blink register of this model (e.g. 0x0005), to check it is there",
    )


def run(args: argparse.Namespace) -> int:
    from drivers.panel import HealthStatus, check_panel, verdict

    health = check_panel(
        args.url,
        args.protocol,
        args.address,
        baudrate=args.baudrate,
        timeout_s=args.timeout,
        characters=args.characters,
        blink_register=args.blink_register,
    )
    print(f"{args.url} ({args.protocol}) {verdict(health)}")
    sys.stdout.flush()
    if health.status is not HealthStatus.OK:
        return 2
    return 1 if health.unsupported else 0


if __name__ == "__main__":
    _parser = argparse.ArgumentParser(prog="branchq diag panel")
    add_arguments(_parser)
    sys.exit(run(_parser.parse_args()))
