"""Benchmark of the counter terminal: key press -> current ticket shown, and key press ->
event at the other terminals, with a bare ``POST /counters/N/call-next`` as the baseline.

    .venv/bin/python bench/bench_counter.py [--calls 300] [--terminals 10] [--no-write]

In one run: a temporary data directory; a branch file with one counter per terminal plus one
for the baseline (every counter serves A); tellers and a kiosk made with ``branchq admin``;
``branchq serve`` on SQLite as a separate process on a free 127.0.0.1 port; then in this process
the real counter terminals (view-model, window, ``branchq_client`` network thread each; Qt
offscreen), each signed in to its own counter and subscribed to the event stream. Each round:

1. baseline: a bare ``POST /api/v1/counters/{B}/call-next`` (httpx, keep-alive, its own
   teller), timed from send to answer, then no-show; the same with an ``Idempotency-Key``
   (what the terminal sends), then no-show;
2. terminal 1 gets its call-next key (the shortcut's action): timed until its window shows the
   called number, and until each other terminal's view-model has the ``ticket.called`` event
   (delivered on the GUI thread, as the window sees it); then no-show, and the kiosk issues
   three tickets, so the queue keeps its length (50 waiting).

Rounds alternate baseline and terminal calls, so both see the same queue and the same load.
Writes its table to bench/RESULTS.md under its own heading (``--no-write``: print only).
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import httpx
from PyQt6.QtCore import QEventLoop
from PyQt6.QtWidgets import QApplication

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from report import RESULTS, write_section  # noqa: E402

from branchq_client.qt import ClientBridge  # noqa: E402
from counter_display.terminal.app import build  # noqa: E402
from counter_display.terminal.config import CounterConfig  # noqa: E402
from server.contract.events import ServerMessage, TicketCalled  # noqa: E402

SECTION = "Counter terminal (bench/bench_counter.py)"
HOST = "127.0.0.1"
QUEUE = 50  # waiting A tickets, kept through the rounds
# the bench's one kiosk seeds the queue faster than a kiosk's rate limit allows
SEED_LIMITS = {
    "BRANCHQ_ISSUE_BURST_PER_DEVICE": "100000",
    "BRANCHQ_ISSUE_RATE_PER_DEVICE_PER_MIN": "1000000",
}


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("BRANCHQ_")}


def cli(data_dir: Path, *args: str, stdin: str = "") -> str:
    cmd = [sys.executable, "-m", "branchq_cli", *args, "--data-dir", str(data_dir)]
    done = subprocess.run(
        cmd, cwd=REPO, env=_env(), input=stdin, capture_output=True, text=True, timeout=120
    )
    if done.returncode != 0:
        raise SystemExit(f"branchq {' '.join(args)} exited {done.returncode}: {done.stderr}")
    return done.stdout


def branch_file(path: Path, counters: int) -> Path:
    text = (REPO / "server" / "demo_branch.toml").read_text(encoding="utf-8")
    text = text[: text.index("[[counters]]")]
    for n in range(1, counters + 1):
        text += (
            f'[[counters]]\nnumber = {n}\nname_zh = "{n}号窗口"\nname_en = "Counter {n}"\n'
            "weights = { A = 1.0 }\n\n"
        )
    path.write_text(text, encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))]


def wait(condition: object, what: str = "", timeout_s: float = 20.0) -> None:
    """Run the Qt event loop until ``condition()``; it sleeps in Qt (GIL released) while no
    event comes, as a terminal's GUI thread does, instead of spinning."""
    deadline = time.monotonic() + timeout_s
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--terminals", type=int, default=10)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    started = time.monotonic()
    load_start = os.getloadavg()[0]
    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        n_terminals, baseline_counter = args.terminals, args.terminals + 1
        branch = branch_file(data / "branch.toml", baseline_counter)
        password = secrets.token_urlsafe(18)
        for n in range(1, baseline_counter + 1):
            cli(data, "admin", "create-user", f"teller{n}", "--role", "teller",
                "--password-stdin", stdin=password + "\n")  # fmt: skip
        kiosk = cli(data, "admin", "create-device", "kiosk", "--role", "kiosk").split()[-1]
        port = free_port()
        url = f"http://{HOST}:{port}"
        server = subprocess.Popen(
            [sys.executable, "-m", "branchq_cli", "serve", "--host", HOST, "--port", str(port),
             "--data-dir", str(data), "--branch-file", str(branch), "--log-level", "warning"],
            cwd=REPO, env={**_env(), **SEED_LIMITS},
        )  # fmt: skip
        try:
            figures = run(app, url, password, kiosk, n_terminals, baseline_counter, args.calls)
        finally:
            server.terminate()
            server.wait(timeout=20)
    elapsed = time.monotonic() - started
    report = render(figures, args, load_start, os.getloadavg()[0], elapsed)
    print(report)
    if not args.no_write:
        write_section(RESULTS, SECTION, report)
        print(f"written to {RESULTS.relative_to(REPO)}")
    return 0


def run(
    app: QApplication,
    url: str,
    password: str,
    kiosk: str,
    n_terminals: int,
    baseline_counter: int,
    calls: int,
) -> dict[str, list[float]]:
    http = httpx.Client(base_url=url + "/api/v1", timeout=10)
    deadline = time.monotonic() + 30
    while True:
        try:
            if http.get("/healthz").status_code == 200:
                break
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit("the server did not start")
        time.sleep(0.1)
    kiosk_h = {"Authorization": f"Bearer {kiosk}"}

    def issue(count: int) -> None:
        for _ in range(count):
            r = http.post("/tickets", json={"service_code": "A"}, headers=kiosk_h)
            assert r.status_code == 201, r.text

    issue(QUEUE)
    token = http.post(
        "/auth/login", json={"username": f"teller{baseline_counter}", "password": password}
    ).json()["token"]
    base_h = {"Authorization": f"Bearer {token}"}
    assert http.post(f"/counters/{baseline_counter}/open", headers=base_h).status_code == 200

    terminals = []
    for n in range(1, n_terminals + 1):
        bridge = ClientBridge()
        vm, window = build(CounterConfig(server_url=url, counter=n, language="zh"), bridge)
        window.resize(1280, 800)
        window.show()
        vm.sign_in(f"teller{n}", password)
        terminals.append((vm, window, bridge))
    for vm, _w, _b in terminals:
        wait(lambda vm=vm: vm.teller is not None and vm.online and vm.desk is not None)

    first_vm, first_window, _ = terminals[0]
    arrivals: dict[int, float] = {}
    for index, (_vm, _w, bridge) in enumerate(terminals[1:], start=1):

        def on_message(message: ServerMessage, index: int = index) -> None:
            if (
                isinstance(message, TicketCalled)
                and message.call.counter_number == 1
                and index not in arrivals
            ):
                arrivals[index] = time.perf_counter()

        bridge.message_received.connect(on_message)
    shown_at: list[float] = []

    def on_current(_current: object) -> None:
        current = first_vm.current
        shown = current is not None and first_window.number.text() == current.ticket.number
        if shown and not shown_at:
            shown_at.append(time.perf_counter())

    first_vm.current_changed.connect(on_current)  # after the window's own slot: drawn

    def quiet() -> bool:
        return all(
            vm.busy is None and not vm._desk_reading and not w.render_pending
            for vm, w, _b in terminals
        )

    answered_at: list[float] = []
    act = first_vm.api.counter_action

    async def timed_action(*a: object, **kw: object) -> object:
        result = await act(*a, **kw)  # type: ignore[arg-type]
        answered_at.append(time.perf_counter())
        return result

    first_vm.api.counter_action = timed_action  # type: ignore[method-assign]

    def bare_call(headers: dict[str, str]) -> tuple[float, float]:
        """POST call-next from a worker thread while the terminals' GUI thread runs, so the
        terminals react to its event at once, as terminals on other PCs would."""
        times: list[float] = []
        answers: list[httpx.Response] = []

        def post() -> None:
            times.append(time.perf_counter())
            answers.append(http.post(f"/counters/{baseline_counter}/call-next", headers=headers))
            times.append(time.perf_counter())

        worker = threading.Thread(target=post)
        worker.start()
        wait(lambda: not worker.is_alive(), "the bare call")
        assert answers[0].status_code == 200 and answers[0].json()["ticket"], answers[0].text
        return times[0], times[1]

    figures: dict[str, list[float]] = {
        "baseline": [],
        "keyed": [],
        "answer": [],
        "shown": [],
        "event": [],
        "last": [],
    }
    for round_ in range(calls + 5):
        warmup = round_ < 5
        t0, t1 = bare_call(base_h)
        http.post(f"/counters/{baseline_counter}/no-show", headers=base_h)
        wait(quiet)
        t2, t3 = bare_call({**base_h, "Idempotency-Key": secrets.token_hex(16)})
        http.post(f"/counters/{baseline_counter}/no-show", headers=base_h)
        wait(quiet)
        answered_at.clear()
        assert first_vm.current is None
        arrivals.clear()
        shown_at.clear()
        sent = first_vm.actions_sent
        k0 = time.perf_counter()
        first_window.trigger("call-next")
        wait(lambda: bool(shown_at) and len(arrivals) == n_terminals - 1, "the call")
        if not warmup:
            figures["baseline"].append((t1 - t0) * 1000)
            figures["keyed"].append((t3 - t2) * 1000)
            figures["answer"].append((answered_at[0] - k0) * 1000)
            figures["shown"].append((shown_at[0] - k0) * 1000)
            figures["event"].extend((a - k0) * 1000 for a in arrivals.values())
            figures["last"].append((max(arrivals.values()) - k0) * 1000)
        wait(lambda sent=sent: first_vm.actions_sent > sent and quiet(), "the desks")
        assert first_vm.press("no-show")
        wait(lambda sent=sent: first_vm.actions_sent > sent + 1 and quiet(), "the no-show")
        issue(3)  # the three tickets this round called: the queue keeps its length
        if round_ % 50 == 0:
            print(f"round {round_} of {calls + 5}", file=sys.stderr, flush=True)
    for vm, window, bridge in terminals:
        vm.shutdown()
        bridge.stop()
        window.close()
    http.close()
    return figures


def render(
    figures: dict[str, list[float]],
    args: argparse.Namespace,
    load_start: float,
    load_end: float,
    elapsed: float,
) -> str:
    base50 = pct(figures["baseline"], 50)
    base99 = pct(figures["baseline"], 99)
    rows = [
        ("bare POST call-next, send -> answer (baseline)", "baseline", ""),
        ("bare POST call-next with an Idempotency-Key", "keyed", ""),
        ("terminal: key -> answer on its network thread", "answer", ""),
        ("terminal: key -> called number shown", "shown", "p99 <= 50 ms"),
        (
            f"terminal: key -> event at each of {args.terminals - 1} other terminals",
            "event",
            "p99 <= 50 ms",
        ),
        (f"terminal: key -> event at the last of {args.terminals - 1}", "last", ""),
    ]
    code = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    lines = [
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; code: {code}; python "
        f"{platform.python_version()}; cpus: {os.cpu_count()}",
        f"- load average (1 min) at start {load_start:.2f}, at end {load_end:.2f}; "
        f"run {elapsed:.0f} s; {args.calls} calls; {args.terminals} terminals connected",
        "",
        "| measurement | n | p50 ms | p99 ms | x baseline p50 | x baseline p99 | target |",
        "|---|---|---|---|---|---|---|",
    ]
    for title, key, target in rows:
        samples = figures[key]
        p50, p99 = pct(samples, 50), pct(samples, 99)
        verdict = ""
        if target:
            verdict = "met" if p99 <= 50 else "MISSED"
            verdict += f" ({target})"
        ratio = "" if key == "baseline" else f"{p50 / base50:.2f} | {p99 / base99:.2f}"
        ratio = ratio or " | "
        lines.append(f"| {title} | {len(samples)} | {p50:.2f} | {p99:.2f} | {ratio} | {verdict} |")
    lines += [
        "",
        "How: `branchq serve` (SQLite, WAL, synchronous=FULL) in its own process; in the bench",
        "process the real counter terminals (view-model + window + `branchq_client` network",
        "thread each, Qt offscreen), each signed in to its own counter, all serving service A",
        f"({QUEUE} tickets kept waiting). Each round times a bare call-next by httpx",
        "(keep-alive) on another counter (the baseline), then triggers terminal 1's call-next",
        "shortcut action: 'shown' is when its window's big number shows the called ticket (the",
        "answer went through the network thread, the signal to the GUI thread and the redraw of",
        "the view), 'event' when each other terminal's view-model got the `ticket.called`",
        "event on the GUI thread. A terminal re-reads its desk after its own actions and",
        "events about its own counter; other counters' calls update its list in place. One",
        "process holds all ten terminals here (one GUI thread draws ten windows, ten network",
        "threads share one interpreter); on the floor each terminal is its own PC.",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
