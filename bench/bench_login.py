"""Benchmark: does a burst of logins stall ticket issuing? (issue 9: argon2 under the lock)

    .venv/bin/python bench/bench_login.py [--quick] [--login-clients 4] [--server-repo DIR]

Starts ``branchq serve`` on SQLite (a temporary data directory, a free 127.0.0.1 port) and
measures ``POST /api/v1/tickets`` from 2 kiosk connections twice in the same run:
1. alone;
2. while ``--login-clients`` connections log in over and over (right password: argon2 runs
   every time, ~70 ms of CPU each) and ``--reset-clients`` admin connections set a user's
   password over and over (argon2 again, then a write).
A login costs CPU whatever is done, so issuing slows a little on a 2-CPU machine; what must
not happen is issuing waiting for logins to finish (a login holding the writer lock while it
hashes, or polling SQLite's busy handler). The figure is issuing p99 during the burst divided
by issuing p99 alone, and the same for p50.

``--server-repo DIR`` runs the server from another checkout (e.g. an older commit in a git
worktree) with this script and this Python, for a before/after pair on the same machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import sys
import tempfile
import time
from pathlib import Path

import bench_server
from bench_server import (
    HOST,
    QUICK,
    _check_issued,
    _issue,
    free_port,
    make_tokens,
    start_server,
    stop_server,
    wait_ready,
)
from loadclient import BenchError, HttpConnection, PhaseResult, Request, percentile, run_phase

ISSUE_CLIENTS = 2


async def _login_loop(port: int, user: str, password: str, stop: asyncio.Event) -> list[float]:
    body = b'{"username":"%s","password":"%s"}' % (user.encode(), password.encode())
    login = Request("POST", "/api/v1/auth/login", body)
    conn = await HttpConnection(HOST, port).open()
    latencies = []
    try:
        while not stop.is_set():
            t0 = time.perf_counter()
            await conn.expect(login)
            latencies.append(time.perf_counter() - t0)
    finally:
        await conn.close()
    return latencies


async def _reset_loop(port: int, admin_token: str, stop: asyncio.Event) -> list[float]:
    """An admin setting a user's password over and over (argon2 for each)."""
    conn = await HttpConnection(HOST, port).open()
    latencies = []
    try:
        while not stop.is_set():
            body = b'{"password":"%s"}' % secrets.token_urlsafe(12).encode()
            req = Request("POST", "/api/v1/admin/users/bench-target/password", body, admin_token)
            t0 = time.perf_counter()
            await conn.expect(req)
            latencies.append(time.perf_counter() - t0)
    finally:
        await conn.close()
    return latencies


async def _admin_token(port: int, password: str) -> str:
    conn = await HttpConnection(HOST, port).open()
    try:
        body = b'{"username":"bench-admin","password":"%s"}' % password.encode()
        answer = await conn.expect(Request("POST", "/api/v1/auth/login", body))
    finally:
        await conn.close()
    token: str = json.loads(answer)["token"]
    return token


async def _issuing(port: int, kiosk: str, total: int, cap_s: float, name: str) -> PhaseResult:
    make = _issue(kiosk, name + secrets.token_hex(4), (b"A", b"B", b"F"))
    return await run_phase(
        name, host=HOST, port=port, clients=ISSUE_CLIENTS, total=total, time_cap_s=cap_s,
        make_request=make, warmup=50, check_body=_check_issued,
    )  # fmt: skip


async def measure(
    port: int,
    tokens: bench_server.Tokens,
    admin_password: str,
    total: int,
    cap_s: float,
    login_clients: int,
    reset_clients: int,
) -> dict[str, float]:
    admin = await _admin_token(port, admin_password)
    alone = await _issuing(port, tokens.kiosk, total, cap_s, "alone")
    stop = asyncio.Event()
    logins = [
        asyncio.create_task(_login_loop(port, tokens.teller_user, tokens.teller_password, stop))
        for _ in range(login_clients)
    ]
    resets = [asyncio.create_task(_reset_loop(port, admin, stop)) for _ in range(reset_clients)]
    await asyncio.sleep(0.3)  # the burst is under way before issuing starts
    during = await _issuing(port, tokens.kiosk, total, cap_s, "during")
    stop.set()
    login_latencies = [x for lat in await asyncio.gather(*logins) for x in lat]
    reset_count = sum(len(lat) for lat in await asyncio.gather(*resets))
    return {
        "alone_rate": alone.rate,
        "alone_p50": alone.p(50) * 1000,
        "alone_p99": alone.p(99) * 1000,
        "during_rate": during.rate,
        "during_p50": during.p(50) * 1000,
        "during_p99": during.p(99) * 1000,
        "logins": len(login_latencies),
        "login_p50": percentile(login_latencies, 50) * 1000,
        "login_p99": percentile(login_latencies, 99) * 1000,
        "resets": reset_count,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer requests")
    parser.add_argument("--login-clients", type=int, default=2, help="users logging in")
    parser.add_argument(
        "--reset-clients", type=int, default=1, help="admins setting a password (argon2 too)"
    )
    parser.add_argument("--server-repo", type=Path, help="run the server from this checkout")
    args = parser.parse_args()
    if args.server_repo is not None:
        bench_server.REPO = args.server_repo.resolve()
    total, cap_s = (QUICK.issue_1, 3.0) if args.quick else (3000, 8.0)
    with tempfile.TemporaryDirectory(prefix="bench-login-") as tmp:
        data_dir = Path(tmp) / "var"
        data_dir.mkdir(mode=0o700)
        tokens = make_tokens(data_dir)
        admin_password = secrets.token_urlsafe(18)
        for user, role in (("bench-admin", "admin"), ("bench-target", "teller")):
            bench_server._cli(data_dir, "admin", "create-user", user, "--role", role,
                              "--password-stdin", stdin=admin_password + "\n")  # fmt: skip
        port = free_port()
        log = Path(tmp) / "server.log"
        proc = start_server(data_dir, port, log, None)
        try:
            asyncio.run(wait_ready(proc, port, log, timeout_s=60))
            figures = asyncio.run(
                measure(port, tokens, admin_password, total, cap_s, args.login_clients,
                        args.reset_clients)
            )  # fmt: skip
        finally:
            stop_server(proc)
    f = figures
    print(f"server from {bench_server.REPO}")
    print(f"issuing alone:        {f['alone_rate']:7.0f}/s  p50 {f['alone_p50']:6.2f} ms  "
          f"p99 {f['alone_p99']:6.2f} ms")  # fmt: skip
    print(f"issuing during login: {f['during_rate']:7.0f}/s  p50 {f['during_p50']:6.2f} ms  "
          f"p99 {f['during_p99']:6.2f} ms")  # fmt: skip
    print(f"logins ({args.login_clients} clients): {f['logins']:.0f}  p50 {f['login_p50']:.1f} ms"
          f"  p99 {f['login_p99']:.1f} ms; password resets ({args.reset_clients} clients): "
          f"{f['resets']:.0f}")  # fmt: skip
    print(f"ratio during/alone: p50 {f['during_p50'] / f['alone_p50']:.2f}x  "
          f"p99 {f['during_p99'] / f['alone_p99']:.2f}x  "
          f"rate {f['during_rate'] / f['alone_rate']:.2f}x")  # fmt: skip
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"bench_login: {exc}", file=sys.stderr)
        sys.exit(1)
