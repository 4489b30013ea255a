"""Benchmark of the branch server: no-op rate, ticket issuance, call-to-event latency.

    .venv/bin/python bench/bench_server.py [--quick] [--subscribers 100] [--queue 100]
                                            [--[no-]write] [--py-spy OUT.txt] [--baseline DIR]

In one run: a temporary data directory; a teller, a kiosk and a display token made with
``branchq admin``; ``branchq serve`` on SQLite as a separate process on a free 127.0.0.1 port
(log level warning: no access log); then, each phase bounded by a request count and a time cap:

1. no-op ``GET /docs`` (a static page from an async route: no database, no worker thread) and
   ``GET /api/v1/healthz`` (``SELECT 1`` in a worker thread) with 1 and 8 persistent
   connections; the no-op is the ceiling of client + server stack, and every other figure is
   also given as a ratio to it;
2. call-to-event: N websocket subscribers (display token); the teller calls next on counter 1
   again and again: time from sending call-next to each subscriber receiving the
   ``ticket.called`` event; each round then marks no-show and issues one ticket, so the queue
   stays at ``--queue`` waiting tickets (run before 3, which fills the queue);
3. ticket issuance ``POST /api/v1/tickets`` (kiosk token, unique idempotency keys) with 1
   and 8 persistent connections.

With ``--baseline DIR`` (a checkout of another commit, e.g. ``git worktree add DIR <commit>``)
the no-op and issuing phases run again, in the same run, on a fresh server started from DIR
(with this checkout's virtualenv and load client): the other code's figures on the same machine
at the same time, for targets set on a faster day.

Prints a table and writes it as markdown to bench/RESULTS.md (a full run; see --write).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from calls import CallResult, run_calls
from loadclient import (
    BenchError,
    BodyCheck,
    HttpConnection,
    PhaseResult,
    Request,
    RequestFactory,
    run_phase,
)
from report import RESULTS, Row, markdown, table, write_section
from sqlitefloor import commit_floor

HOST = "127.0.0.1"
DEMO_BRANCH_FILE = Path(__file__).resolve().parents[1] / "server" / "demo_branch.toml"
REPO = Path(__file__).resolve().parents[1]
SERVER_REPO = REPO  # the checkout whose server (and admin commands) run; see --baseline
SECTION = "Server: HTTP, issuing, call-next (bench_server.py)"
COUNTER = 1  # serves A (and F) in the demo branch
ISSUE_SERVICES = (b"A", b"B", b"F")  # V has a daily cap of 60


@dataclass(frozen=True)
class Sizes:
    """Requests per phase and each phase's time cap (seconds)."""

    noop_1: int
    noop_8: int
    issue_1: int
    issue_8: int
    calls: int
    cap_s: float
    calls_cap_s: float


FULL = Sizes(
    noop_1=3000, noop_8=8000, issue_1=2000, issue_8=6000, calls=300, cap_s=10, calls_cap_s=25
)
QUICK = Sizes(noop_1=500, noop_8=1500, issue_1=400, issue_8=1200, calls=60, cap_s=3, calls_cap_s=6)


@dataclass(frozen=True)
class Tokens:
    teller_user: str
    teller_password: str
    kiosk: str
    display: str


def _env() -> dict[str, str]:
    """This environment without BRANCHQ_* settings: the run must be SQLite in its temp dir."""
    return {k: v for k, v in os.environ.items() if not k.startswith("BRANCHQ_")}


def _cli(data_dir: Path, *args: str, stdin: str = "") -> str:
    """Run ``branchq <args>`` on ``data_dir``; return its standard output."""
    cmd = [sys.executable, "-m", "branchq_cli", *args, "--data-dir", str(data_dir)]
    done = subprocess.run(
        cmd,
        cwd=SERVER_REPO,
        env=_env(),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(f"branchq {' '.join(args)} exited {done.returncode}: {done.stderr}")
    return done.stdout


def make_tokens(data_dir: Path) -> Tokens:
    """A teller, a kiosk and a display token in a new data directory (made here if missing:
    admin commands refuse a directory that does not exist)."""
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    password = secrets.token_urlsafe(18)
    _cli(data_dir, "admin", "create-user", "bench-teller", "--role", "teller",
         "--password-stdin", stdin=password + "\n")  # fmt: skip
    kiosk = _cli(data_dir, "admin", "create-device", "bench-kiosk", "--role", "kiosk")
    display = _cli(data_dir, "admin", "create-device", "bench-display", "--role", "display")
    return Tokens(
        "bench-teller", password, kiosk.strip().splitlines()[-1], display.strip().splitlines()[-1]
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def bench_branch(directory: Path) -> Path:
    """The demo branch with numbers up to 9999: the issuance phases leave thousands of tickets
    waiting, more than the demo's 999 numbers per service (a number still open is never given
    twice, so the demo branch would refuse them)."""
    demo = SERVER_REPO / DEMO_BRANCH_FILE.relative_to(REPO)  # the running checkout's demo
    text = demo.read_text(encoding="utf-8")
    if text.count("number_max = 999\n") != len(ISSUE_SERVICES):
        raise BenchError(f"{DEMO_BRANCH_FILE.name}: expected number_max = 999 for A, B and F")
    path = directory / "bench_branch.toml"
    path.write_text(text.replace("number_max = 999\n", "number_max = 9999\n"), encoding="utf-8")
    return path


def start_server(
    data_dir: Path, port: int, log: Path, py_spy: Path | None, max_batch: int | None = None
) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "branchq_cli", "serve", "--host", HOST, "--port", str(port),
           "--data-dir", str(data_dir), "--log-level", "warning",
           "--branch-file", str(bench_branch(data_dir))]  # fmt: skip
    if py_spy is not None:  # profile the server: py-spy record (not a project dependency)
        fmt = {".txt": "raw", ".json": "speedscope"}.get(py_spy.suffix, "flamegraph")
        spy = Path(sys.executable).with_name("py-spy")
        cmd = [str(spy), "record", "--nonblocking", "--threads", "-f", fmt, "-o", str(py_spy),
               "--", *cmd]  # fmt: skip
    # one kiosk token sends every ticket: lift the per-device rate limit (a real kiosk takes
    # one ticket every few seconds) so the bench measures issuing, not the limit
    env = {
        **_env(),
        "BRANCHQ_ISSUE_BURST_PER_DEVICE": "100000",
        "BRANCHQ_ISSUE_RATE_PER_DEVICE_PER_MIN": "1000000",
    }
    if max_batch is not None:  # 1: every ticket its own transaction (no group commit)
        env["BRANCHQ_ISSUE_MAX_BATCH"] = str(max_batch)
    with log.open("wb") as out:
        return subprocess.Popen(
            cmd,
            cwd=SERVER_REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


async def wait_ready(proc: subprocess.Popen[bytes], port: int, log: Path, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError(f"server exited {proc.returncode} at start:\n{log.read_text()}")
        try:
            conn = await HttpConnection(HOST, port).open()
        except OSError:
            await asyncio.sleep(0.05)  # polling a port that is not yet bound
            continue
        try:
            await conn.expect(Request("GET", "/api/v1/healthz"))
            return
        finally:
            await conn.close()
    raise BenchError(f"server did not answer /api/v1/healthz within {timeout_s} s")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)  # its own session: the server (and py-spy)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def _check_health(body: bytes) -> None:
    if b'"status":"ok"' not in body:
        raise BenchError(f"healthz answered {body[:200]!r}; expected status ok")


def _check_docs(body: bytes) -> None:
    if b"swagger" not in body:
        raise BenchError(f"/docs answered {body[:200]!r}; expected the Swagger UI page")


def _check_issued(body: bytes) -> None:
    if b'"replayed":false' not in body or b'"state":"WAITING"' not in body:
        raise BenchError(f"POST /tickets answered {body[:300]!r}; expected a new WAITING ticket")


def _issue(kiosk: str, run_id: str, services: tuple[bytes, ...]) -> RequestFactory:
    def make(i: int) -> Request:
        svc = services[i % len(services)]
        body = b'{"service_code":"%s","idempotency_key":"bench-%s-%09d"}' % (
            svc,
            run_id.encode(),
            i,
        )
        return Request("POST", "/api/v1/tickets", body, kiosk, expect_status=201)

    return make


async def _phase(
    port: int,
    name: str,
    clients: int,
    total: int,
    make: RequestFactory,
    check: BodyCheck,
    warmup: int,
    cap_s: float,
) -> PhaseResult:
    result = await run_phase(
        name, host=HOST, port=port, clients=clients, total=total, time_cap_s=cap_s,
        make_request=make, warmup=warmup, check_body=check,
    )  # fmt: skip
    print(f"  {name}: {result.requests} requests in {result.wall_s:.2f} s", flush=True)
    return result


async def measure_issue(
    port: int, tokens: Tokens, sizes: Sizes, label: str = ""
) -> tuple[PhaseResult, PhaseResult]:
    """Issue with 1 and with 8 clients (services A, B, F in turn, a new key each)."""
    run_id = secrets.token_hex(4)
    make = _issue(tokens.kiosk, run_id, ISSUE_SERVICES)
    issue1 = await _phase(
        port, f"issue c=1{label}", 1, sizes.issue_1, make, _check_issued, 0, sizes.cap_s
    )
    make8 = _issue(tokens.kiosk, run_id + "x", ISSUE_SERVICES)
    issue8 = await _phase(
        port, f"issue c=8{label}", 8, sizes.issue_8, make8, _check_issued, 0, sizes.cap_s
    )
    return issue1, issue8


async def measure(
    port: int, tokens: Tokens, sizes: Sizes, subscribers: int, queue: int
) -> tuple[list[Row], tuple[PhaseResult, PhaseResult]]:
    """Every row but the disk floor and the no-group-commit rows; and the no-op results."""
    health = Request("GET", "/api/v1/healthz")

    async def phase(
        name: str,
        clients: int,
        total: int,
        make: RequestFactory,
        check: BodyCheck,
        warmup: int,
        cap_s: float = sizes.cap_s,
    ) -> PhaseResult:
        return await _phase(port, name, clients, total, make, check, warmup, cap_s)

    # the no-op: a static async route (no database, no worker thread) - the floor of the
    # client + uvicorn + FastAPI stack; healthz (SELECT 1 in a worker thread) is not that cheap
    docs = Request("GET", "/docs")
    noop1 = await phase("no-op c=1", 1, sizes.noop_1, lambda i: docs, _check_docs, 200)
    noop8 = await phase("no-op c=8", 8, sizes.noop_8, lambda i: docs, _check_docs, 200)
    health1 = await phase("healthz c=1", 1, sizes.noop_1, lambda i: health, _check_health, 200)
    health8 = await phase("healthz c=8", 8, sizes.noop_8, lambda i: health, _check_health, 200)

    # the queue the teller calls from (counter 1 serves A): kept at ``queue`` waiting tickets
    seed = _issue(tokens.kiosk, "seed" + secrets.token_hex(4), (b"A",))
    await phase(f"seed {queue} tickets", 4, queue, seed, _check_issued, 0, cap_s=60)
    teller_token = await _login(port, tokens)
    calls = await run_calls(
        host=HOST, port=port, display_token=tokens.display, teller_token=teller_token,
        kiosk_token=tokens.kiosk, service_code="A", counter=COUNTER, subscribers=subscribers,
        calls=sizes.calls, time_cap_s=sizes.calls_cap_s,
    )  # fmt: skip
    print(f"  call-to-event: {calls.calls} calls x {calls.subscribers} subscribers", flush=True)

    issue = await measure_issue(port, tokens, sizes)
    return _rows((noop1, noop8), (health1, health8), issue, calls), (noop1, noop8)


async def _login(port: int, tokens: Tokens) -> str:
    import json

    conn = await HttpConnection(HOST, port).open()
    try:
        body = json.dumps({"username": tokens.teller_user, "password": tokens.teller_password})
        answer = await conn.expect(Request("POST", "/api/v1/auth/login", body.encode()))
        token: str = json.loads(answer)["token"]
        await conn.expect(Request("POST", f"/api/v1/counters/{COUNTER}/open", token=token))
        return token
    finally:
        await conn.close()


def _rows(
    noop: tuple[PhaseResult, PhaseResult],
    health: tuple[PhaseResult, PhaseResult],
    issue: tuple[PhaseResult, PhaseResult],
    calls: CallResult,
) -> list[Row]:
    rows = [Row.http("no-op GET /docs (static, async)", r, None) for r in noop]
    for res, base in zip(health, noop, strict=True):
        rows.append(Row.http("GET /api/v1/healthz (SELECT 1)", res, base))
    for res, base in zip(issue, noop, strict=True):
        rows.append(Row.http("issue POST /api/v1/tickets", res, base, target=True))
    rows.append(Row.latency("call-next HTTP answer (teller)", calls.response_latencies_s, noop[0]))
    rows.append(Row.latency(
        f"call-next -> event, each of {calls.subscribers} subscribers",
        calls.event_latencies_s, noop[0], count=calls.calls, target=True,
    ))  # fmt: skip
    rows.append(Row.latency(
        f"call-next -> event at the last of {calls.subscribers}",
        calls.last_subscriber_s, noop[0], count=calls.calls,
    ))  # fmt: skip
    rows.append(Row.latency(
        f"event at first -> last of {calls.subscribers} (fan-out)",
        calls.spread_s, noop[0], count=calls.calls,
    ))  # fmt: skip
    return rows


async def measure_baseline(
    repo: Path, data_dir: Path, sizes: Sizes, noop: tuple[PhaseResult, PhaseResult]
) -> list[Row]:
    """No-op and issuing on a fresh server run from ``repo`` (another checkout, e.g. the code
    when a target was last met), in this run: rows divided by this run's own no-op."""
    global SERVER_REPO
    SERVER_REPO = repo.resolve()
    try:
        version = _git("-C", str(SERVER_REPO), "rev-parse", "--short", "HEAD") or "?"
        tokens = make_tokens(data_dir)
        proc, port = await launch(data_dir, data_dir.parent / "server-baseline.log", None)
        try:
            print(f"server up on {HOST}:{port} from {version}; measuring", flush=True)
            docs = Request("GET", "/docs")
            base_noop = []
            for clients, total in ((1, sizes.noop_1), (8, sizes.noop_8)):
                name = f"baseline no-op c={clients}"
                phase = _phase(
                    port, name, clients, total, lambda i: docs, _check_docs, 200, sizes.cap_s
                )
                base_noop.append(await phase)
            issue = await measure_issue(port, tokens, sizes, f" (baseline {version})")
        finally:
            stop_server(proc)
    finally:
        SERVER_REPO = REPO
    rows = [Row.http(f"baseline {version}: no-op GET /docs", r, None) for r in base_noop]
    for res, base in zip(issue, noop, strict=True):
        rows.append(Row.http(f"baseline {version}: issue POST /api/v1/tickets", res, base))
    return rows


def _git(*args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=REPO, capture_output=True, text=True, timeout=10, check=False
    )
    return done.stdout.strip() if done.returncode == 0 else ""


def code_version() -> str:
    """The commit measured, and whether server/ had uncommitted changes."""
    commit = _git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = _git("status", "--porcelain", "--", "server", "branchq_cli")
    return f"{commit}{' + uncommitted changes in server/' if dirty else ''}"


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": f"{os.cpu_count()} ({cpu})",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "code": code_version(),
        "load average at start (1 min)": f"{os.getloadavg()[0]:.2f}",
    }


async def launch(
    data_dir: Path,
    log: Path,
    py_spy: Path | None,
    attempts: int = 3,
    max_batch: int | None = None,
) -> tuple[subprocess.Popen[bytes], int]:
    """Start the server on a free port; pick another when the port was taken meanwhile."""
    for attempt in range(1, attempts + 1):
        port = free_port()
        proc = start_server(data_dir, port, log, py_spy, max_batch)
        try:
            await wait_ready(proc, port, log, timeout_s=30)
            return proc, port
        except BenchError:
            stop_server(proc)
            if attempt == attempts or "address already in use" not in log.read_text().lower():
                raise
    raise AssertionError("unreachable")


async def main_async(args: argparse.Namespace) -> int:
    sizes = QUICK if args.quick else FULL
    with tempfile.TemporaryDirectory(prefix="branchq-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()  # branchq admin refuses a data directory that does not exist
        info = machine()
        started = time.perf_counter()
        tokens = make_tokens(data_dir)
        log = Path(tmp) / "server.log"
        proc, port = await launch(data_dir, log, args.py_spy)
        try:
            print(f"server up on {HOST}:{port}; measuring", flush=True)
            rows, noop = await measure(port, tokens, sizes, args.subscribers, args.queue)
        finally:
            stop_server(proc)
        # the same issuing without group commit (a fresh server and database, max batch 1):
        # does committing many kiosks' tickets in one transaction still earn its keep?
        single_dir = Path(tmp) / "single"
        single_dir.mkdir()
        single_tokens = make_tokens(single_dir)
        single_log = Path(tmp) / "server-single.log"
        proc, port = await launch(single_dir, single_log, None, max_batch=1)
        try:
            print(f"server up on {HOST}:{port} without group commit; measuring", flush=True)
            single = await measure_issue(port, single_tokens, sizes, " (max batch 1)")
        finally:
            stop_server(proc)
        if args.baseline is not None:  # the same issuing on another checkout's server
            rows += await measure_baseline(args.baseline, Path(tmp) / "baseline", sizes, noop)
        floor = commit_floor(Path(tmp), commits=100 if args.quick else 300)
        disk = Row.http("disk floor: 1 SQLite commit (WAL, FULL)", floor, None)
        name = "issue, no group commit (max batch 1)"
        rows[6:6] = [Row.http(name, r, base) for r, base in zip(single, noop, strict=True)]
        rows.insert(8, disk)  # after the issuance rows
        server_log = (
            log.read_text(errors="replace") + single_log.read_text(errors="replace")
        ).strip()
    took = time.perf_counter() - started
    info["load average at end (1 min)"] = f"{os.getloadavg()[0]:.2f}"
    info["run"] = f"{'quick' if args.quick else 'full'}, {took:.0f} s"
    print()
    print(table(rows))
    if server_log:
        print(f"\nserver log (warnings and errors):\n{server_log[-2000:]}")
    if args.write if args.write is not None else not args.quick:
        write_section(RESULTS, SECTION, markdown(rows, info))
        print(f"\nwritten to {RESULTS.relative_to(REPO)}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller phases (< 30 s)")
    parser.add_argument("--subscribers", type=int, default=100, help="websocket clients")
    parser.add_argument(
        "--queue", type=int, default=100, help="waiting tickets during call-to-event (A)"
    )
    parser.add_argument(
        "--write",
        action=argparse.BooleanOptionalAction,
        help="write bench/RESULTS.md (default: on a full run, not on a quick one)",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="DIR",
        help="also measure no-op and issuing on a server run from this checkout (same run)",
    )
    parser.add_argument(
        "--py-spy", type=Path, metavar="OUT", help="run the server under py-spy record (.txt raw)"
    )
    args = parser.parse_args()
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main_async(args))
    return uvloop.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
