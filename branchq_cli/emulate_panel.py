"""`branchq emulate panel`: RS-485 call-number panels behind TCP (socket://) or a pty."""

from __future__ import annotations

import argparse
import json
import sys


def parse_addresses(text: str) -> list[int]:
    """'1-6' -> [1..6]; '1,3,10-12' -> [1, 3, 10, 11, 12]."""
    addresses: set[int] = set()
    try:
        for part in text.split(","):
            low, _, high = part.strip().partition("-")
            addresses.update(range(int(low), int(high or low) + 1))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"addresses {text!r}: expected numbers and ranges like '1-6' or '1,3,10-12'"
        ) from exc
    if not addresses or min(addresses) < 1 or max(addresses) > 247:
        raise argparse.ArgumentTypeError(f"addresses {text!r}: expected values in 1..247")
    return sorted(addresses)


def _register(text: str) -> int | None:
    if text.lower() == "none":
        return None
    try:
        value = int(text, 0)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"blink register {text!r}: expected a number such as 0x0005, or 'none'"
        ) from exc
    if not 0 <= value <= 0xFFFF:
        raise argparse.ArgumentTypeError(f"blink register {text!r}: expected 0..0xFFFF")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=7001, help="TCP port of the line (0: any)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--protocol", choices=["modbus", "ascii"], default="modbus")
    parser.add_argument("--addresses", type=parse_addresses, default=list(range(1, 7)))
    parser.add_argument("--characters", type=int, default=None, help="panel width (8 / 16)")
    parser.add_argument(
        "--blink-register",
        type=_register,
        default=0x0005,
        help="modbus: the blink register of the emulated model (default 0x0005); 'none' for "
        "a panel with only the documented register map (it answers exception 02)",
    )
    parser.add_argument(
        "--control-port",
        type=int,
        default=None,
        help="TCP port of the control channel (default: --port + 1; 0: any)",
    )
    parser.add_argument("--pty", action="store_true", help="serve on a pty; prints its path")
    parser.add_argument(
        "--control", default=None, help="HOST:PORT of a running emulator's control channel"
    )
    parser.add_argument(
        "--state", action="store_true", help="do not start: print what each panel shows (--control)"
    )
    parser.add_argument(
        "--fault",
        nargs="+",
        metavar=("ADDRESS", "FAULT"),
        help="do not start: send 'fault ADDRESS|all FAULT [DELAY_S]' to --control and exit",
    )


def run_control(args: argparse.Namespace) -> int:
    from branchq_cli._control import send_control

    if not args.control:
        print("--state/--fault need --control HOST:PORT of the running emulator", file=sys.stderr)
        return 2
    line = "state" if args.state else "fault " + " ".join(args.fault)
    try:
        reply = send_control(args.control, line)
    except (OSError, ValueError) as exc:
        print(f"control channel {args.control!r}: {exc}", file=sys.stderr)
        return 2
    print(reply)
    try:
        return 0 if json.loads(reply).get("ok", True) else 2
    except (ValueError, AttributeError):
        return 2


def run(args: argparse.Namespace) -> int:
    if args.state or args.fault:
        return run_control(args)
    import logging
    import signal
    import threading

    from hardware_mocks.panel import PanelEmulator

    control = args.control_port
    if control is None:
        control = args.port + 1 if args.port else 0
    logging.basicConfig(
        stream=sys.stdout, level=logging.INFO, format="%(asctime)s %(message)s", force=True
    )
    emulator = PanelEmulator(
        protocol=args.protocol,
        addresses=args.addresses,
        characters=args.characters,
        blink_register=args.blink_register,
        host=args.host,
        port=args.port,
        control_port=control,
    )
    try:
        emulator.start(pty=args.pty)
    except OSError as exc:
        print(
            f"cannot start the panel emulator on {args.host}:{args.port} "
            f"(control {control}): {exc}",
            file=sys.stderr,
        )
        return 2
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        # SIGINT too: a job started in the background by a script ignores it by default
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
    where = emulator.pty_path if args.pty else f"socket://{args.host}:{emulator.port}"
    span = f"{args.addresses[0]}-{args.addresses[-1]}"
    print(f"panel emulator ({args.protocol}) on {where} addresses {span}", flush=True)
    print(
        f"control on {args.host}:{emulator.control_port}: 'state', "
        "'fault <address|all> <ok|no_answer|wrong_crc|garbled|slow> [delay_s]'",
        flush=True,
    )
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    _parser = argparse.ArgumentParser(prog="branchq emulate panel")
    add_arguments(_parser)
    sys.exit(run(_parser.parse_args()))
