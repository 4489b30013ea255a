"""Benchmark of the lobby display: call-next -> repaint with the new number on every display,
call-next -> first audio sample written, against the bare event at a raw websocket client.

    .venv/bin/python bench/bench_lobby.py [--quick] [--displays 1,20] [--calls 300] [--no-write]

In one run: a temporary data directory with a teller, a kiosk and a display token
(``branchq admin``); ``branchq serve`` on SQLite as its own process; the default voice pack
generated with espeak-ng; then one phase per display count (default 1, then 20): that many
lobby display processes (``lobby_probe.py``: the real ``LobbyApp`` on Qt's offscreen
platform, notice bar scrolling), one of them speaking to a WAV file (``file://``), and one bare
websocket subscriber (``wsclient``, no JSON parsing) as the baseline of that phase. The teller
calls next on counter 1 again and again (tickets issued beforehand); each round waits until
every display has painted the new number, the speaking display has written the announcement's
first sample and the raw client has the event, then frees the counter (no-show). The CPU time
of the display processes (/proc) over the phase, per call and display, is reported too.
Times are ``time.perf_counter()`` (CLOCK_MONOTONIC on Linux, one clock for all processes).

Prints a table; a full run writes it to bench/RESULTS.md under "Lobby display (lobby)".
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from bench_server import free_port, make_tokens, start_server, stop_server, wait_ready
from loadclient import BenchError, HttpConnection, Request, percentile
from report import RESULTS, write_section
from wsclient import subscribe

HOST = "127.0.0.1"
REPO = Path(__file__).resolve().parents[1]
PROBE = Path(__file__).with_name("lobby_probe.py")
REPAINT_P99_S = 0.050
AUDIO_P99_S = 0.300
HEADING = "Lobby display (lobby)"


class Probes:
    """The display processes' reports: number -> {display: time}, number -> audio time."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.paints: dict[str, dict[int, float]] = defaultdict(dict)
        self.audio: dict[str, float] = {}
        self.ready: set[int] = set()
        self.procs: list[asyncio.subprocess.Process] = []

    async def start(self, url: str, token: str, wav: Path, pack: Path) -> None:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        for i in range(self.count):
            extra = ["--speak-to", f"file://{wav}", "--pack", str(pack)] if i == 0 else []
            proc = await asyncio.create_subprocess_exec(
                sys.executable, str(PROBE), url, token, f"lobby-{i}", *extra,
                cwd=REPO, env=env, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.DEVNULL,
            )  # fmt: skip
            self.procs.append(proc)
            asyncio.get_running_loop().create_task(self._read(i, proc))
        deadline = time.perf_counter() + 60
        while len(self.ready) < self.count:
            if time.perf_counter() > deadline:
                raise BenchError(f"{len(self.ready)} of {self.count} displays ready after 60 s")
            await asyncio.sleep(0.05)

    async def _read(self, i: int, proc: asyncio.subprocess.Process) -> None:
        assert proc.stdout is not None
        async for raw in proc.stdout:
            parts = raw.decode().split()
            if parts == ["ready"]:
                self.ready.add(i)
            elif len(parts) == 3 and parts[0] == "paint":
                self.paints[parts[1]].setdefault(i, float(parts[2]))
            elif len(parts) == 3 and parts[0] == "audio":
                self.audio.setdefault(parts[1], float(parts[2]))

    def cpu_s(self) -> float:
        """CPU time (user + system) used so far by all display processes."""
        ticks = 0
        for proc in self.procs:
            fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def complete(self, number: str) -> bool:
        return len(self.paints.get(number, {})) == self.count and number in self.audio

    async def stop(self) -> None:
        for proc in self.procs:
            if proc.returncode is None:
                proc.terminate()
        for proc in self.procs:
            try:
                await asyncio.wait_for(proc.wait(), 15)
            except TimeoutError:
                proc.kill()


async def measure(args: argparse.Namespace, tmp: Path) -> dict[int, dict[str, list[float]]]:
    data_dir = tmp / "data"
    tokens = make_tokens(data_dir)
    port = free_port()
    server_log = tmp / "server.log"
    proc = start_server(data_dir, port, server_log, None)
    try:
        await wait_ready(proc, port, server_log, 30)
        pack = tmp / "voice"
        subprocess.run(
            [sys.executable, "-m", "branchq_cli", "lobby", "make-voice-pack", str(pack)],
            cwd=REPO, check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        http = await HttpConnection(HOST, port).open()
        body = json.dumps({"username": tokens.teller_user, "password": tokens.teller_password})
        teller = json.loads(
            await http.expect(Request("POST", "/api/v1/auth/login", body.encode()))
        )["token"]
        await http.expect(Request("POST", "/api/v1/counters/1/open", token=teller))
        seeded = (args.calls + args.warmup) * len(args.phases) + 5
        for i in range(seeded):
            key = json.dumps({"service_code": "A", "idempotency_key": f"bench-lobby-{i:06d}"})
            await http.expect(
                Request("POST", "/api/v1/tickets", key.encode(), tokens.kiosk, expect_status=201)
            )
        await http.close()
        results = {}
        for count in args.phases:
            probes = Probes(count)
            try:
                await probes.start(f"http://{HOST}:{port}", tokens.display, tmp / "out.wav", pack)
                results[count] = await phase(args, port, tokens.display, teller, probes)
            finally:
                await probes.stop()
            (tmp / "out.wav").unlink(missing_ok=True)
        return results
    finally:
        stop_server(proc)


async def phase(
    args: argparse.Namespace, port: int, display_token: str, teller: str, probes: Probes
) -> dict[str, list[float]]:
    """``args.calls`` rounds of call-next / no-show, seen by the displays and the raw client."""
    raw: dict[str, float] = {}
    ws = await subscribe(
        HOST, port, "/api/v1/ws", display_token, lambda pid, at: raw.setdefault(pid, at)
    )
    http = await HttpConnection(HOST, port).open()
    out: dict[str, list[float]] = {"raw": [], "paint": [], "last": [], "audio": []}
    call_next = Request("POST", "/api/v1/counters/1/call-next", token=teller)
    no_show = Request("POST", "/api/v1/counters/1/no-show", token=teller)
    cpu_start = wall_start = 0.0
    try:
        for n in range(args.warmup + args.calls):
            if n == args.warmup:
                cpu_start, wall_start = probes.cpu_s(), time.perf_counter()
            t0 = time.perf_counter()
            ticket = json.loads(await http.expect(call_next))["ticket"]
            number, public_id = ticket["number"], ticket["public_id"]
            deadline = t0 + 10
            while not (probes.complete(number) and public_id in raw):
                if time.perf_counter() > deadline:
                    raise BenchError(
                        f"{number}: {len(probes.paints.get(number, {}))} of {probes.count} "
                        f"displays painted, audio {'yes' if number in probes.audio else 'no'}, "
                        f"raw event {'yes' if public_id in raw else 'no'} within 10 s"
                    )
                await asyncio.sleep(0.001)
            if n >= args.warmup:
                paints = probes.paints[number].values()
                out["raw"].append(raw[public_id] - t0)
                out["paint"].extend(t - t0 for t in paints)
                out["last"].append(max(paints) - t0)
                out["audio"].append(probes.audio[number] - t0)
            await http.expect(no_show)
        cpu = probes.cpu_s() - cpu_start
        wall = time.perf_counter() - wall_start
        out["cpu"] = [cpu / args.calls / probes.count, cpu / wall / probes.count]
        out["load"] = [os.getloadavg()[0]]
    finally:
        ws.close()
        await http.close()
    return out


def rows(d: int, out: dict[str, list[float]]) -> list[tuple[str, ...]]:
    base50, base99 = percentile(out["raw"], 50), percentile(out["raw"], 99)

    def row(name: str, key: str, target: float | None) -> tuple[str, ...]:
        p50, p99 = percentile(out[key], 50), percentile(out[key], 99)
        verdict = ""
        if target is not None:
            verdict = f"{'met' if p99 <= target else 'MISSED'} (p99 <= {target * 1000:.0f} ms)"
        ratio = "" if key == "raw" else f"{p50 / base50:.1f} / {p99 / base99:.1f}"
        return (name, str(len(out[key])), f"{p50 * 1000:.2f}", f"{p99 * 1000:.2f}", ratio, verdict)

    per_call, share = out["cpu"]
    tag = f"{d} display{'s' if d > 1 else ''}"
    cpu = (
        f"[{tag}] CPU of one display per call (event, repaint, flashes, notice bar; "
        f"{share * 100:.0f} % of a core per display; load average {out['load'][0]:.1f})",
        str(len(out["last"])), f"{per_call * 1000:.1f} (mean)", "", "", "",
    )  # fmt: skip
    return [
        row(f"[{tag}] call-next -> event at a raw websocket client (baseline)", "raw", None),
        row(f"[{tag}] call-next -> repaint with the new number, each display", "paint",
            REPAINT_P99_S),
        row(f"[{tag}] call-next -> repaint at the last display", "last", None),
        row(f"[{tag}] call-next -> first audio sample written (file://, one speaking)", "audio",
            AUDIO_P99_S),
        cpu,
    ]  # fmt: skip


HEAD = ("measurement", "n", "p50 ms", "p99 ms", "x baseline p50 / p99", "target")


def markdown(args: argparse.Namespace, table: list[tuple[str, ...]], wall_s: float) -> str:
    lines = [
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- cpus: {os.cpu_count()}; python {platform.python_version()}",
        f"- phases: {', '.join(map(str, args.phases))} display processes (offscreen, notice bar"
        f" scrolling), one of them speaking; calls per phase: {args.calls} (after"
        f" {args.warmup} warm-up calls); run: {wall_s:.0f} s",
        "",
        "| " + " | ".join(HEAD) + " |",
        "|" + "---|" * len(HEAD),
        *("| " + " | ".join(r) + " |" for r in table),
        "",
        "`.venv/bin/python bench/bench_lobby.py` (`--quick`: 1 and 5 displays, 60 calls). See the",
        "docstring of bench/bench_lobby.py for how each figure is measured.",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--displays", help="display counts, one phase each (default 1,20)")
    parser.add_argument("--calls", type=int)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--write", action=argparse.BooleanOptionalAction, default=None)
    args = parser.parse_args()
    args.phases = [int(n) for n in (args.displays or ("1,5" if args.quick else "1,20")).split(",")]
    args.calls = args.calls or (60 if args.quick else 300)
    write = args.write if args.write is not None else not args.quick
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-lobby-") as tmp:
        try:
            out = asyncio.run(measure(args, Path(tmp)))
        except BenchError as exc:
            print(f"benchmark failed: {exc}", file=sys.stderr)
            return 1
    table = [r for count, res in out.items() for r in rows(count, res)]
    text = markdown(args, table, time.perf_counter() - start)
    print(text)
    if write:
        write_section(RESULTS, HEADING, text)
        print(f"written to {RESULTS.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
