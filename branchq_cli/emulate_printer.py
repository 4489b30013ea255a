"""`branchq emulate printer`: an ESC/POS network printer that decodes and keeps what it prints.

    branchq emulate printer --port 9100 --out-dir receipts/     # run it (Ctrl-C stops)
    branchq emulate printer --control 127.0.0.1:9101 --fault paper_out   # inject a fault
    printf 'paper_out\\n' | nc -q1 127.0.0.1 9101                         # the same with nc

Faults: ok, paper_near_end, paper_out, cover_open, cutter_error, offline, no_answer, drop,
run_out, slow [SECONDS]; "status" shows the current state.
"""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=9100, help="TCP port of the printer (0: any)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument(
        "--control-port",
        type=int,
        default=None,
        help="TCP port of the line-based fault control channel (default: --port + 1; 0: any)",
    )
    parser.add_argument("--out-dir", default=None, help="write receipt-NNNN.txt/.png here")
    parser.add_argument(
        "--encoding", choices=["gb18030", "gbk"], default="gb18030", help="Chinese font encoding"
    )
    parser.add_argument(
        "--chinese-mode-at-start",
        action="store_true",
        help="start in Chinese mode (else only FS & switches it on, as on many printers)",
    )
    parser.add_argument(
        "--pty", action="store_true", help="also serve on a pty (for serial://); prints its path"
    )
    parser.add_argument("--paper", type=int, choices=[58, 80], default=80, help="paper width, mm")
    parser.add_argument(
        "--fault",
        nargs="+",
        metavar=("FAULT", "ARG"),
        help="do not start: send FAULT [ARG] to the running emulator at --control and exit",
    )
    parser.add_argument(
        "--control", default=None, help="HOST:PORT of a running emulator's control channel"
    )


def run_fault(args: argparse.Namespace) -> int:
    if not args.control:
        print("--fault needs --control HOST:PORT of the running emulator", file=sys.stderr)
        return 2
    from branchq_cli._control import send_control

    try:
        reply = send_control(args.control, " ".join(args.fault))
    except (OSError, ValueError) as exc:
        print(f"control channel {args.control!r}: {exc}", file=sys.stderr)
        return 2
    print(reply)
    return 0 if reply.startswith("OK") else 2


def run(args: argparse.Namespace) -> int:
    if args.fault:
        return run_fault(args)
    import signal
    import threading
    from pathlib import Path

    from hardware_mocks.printer import PrinterEmulator

    control = args.control_port
    if control is None:
        control = args.port + 1 if args.port else 0
    out_dir = Path(args.out_dir) if args.out_dir else None
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
    emulator = PrinterEmulator(
        host=args.host,
        port=args.port,
        control_port=control,
        encoding=args.encoding,
        chinese_mode_at_start=args.chinese_mode_at_start,
        width_dots=384 if args.paper == 58 else 576,
        out_dir=out_dir,
    )
    try:
        emulator.start()
    except OSError as exc:
        print(f"cannot listen on {args.host}:{args.port}/{control}: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()
    # SIGINT too: a job started in the background by a script ignores it by default
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    print(
        f"printer emulator on tcp://{args.host}:{emulator.port} "
        f"(control {args.host}:{emulator.control_port}); Ctrl-C stops",
        flush=True,
    )
    if args.pty:
        print(f"printer emulator on serial://{emulator.attach_pty()}", flush=True)
    shown = spoiled = 0
    try:
        while not stop.is_set():
            if emulator.wait_for(shown + 1, timeout_s=0.2):
                for receipt in emulator.receipts[shown:]:
                    shown += 1
                    print(f"=== receipt {shown} ===\n{receipt.text}", flush=True)
            for receipt in emulator.spoiled[spoiled:]:
                spoiled += 1
                print(
                    f"=== NOT printed whole ({receipt.notes[-1]}) ===\n{receipt.text}", flush=True
                )
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()
    return 0
