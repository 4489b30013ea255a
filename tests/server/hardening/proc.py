"""``branchq serve`` as a real process on an ephemeral loopback port, for tests of what lives
below the app (uvicorn's limits, file modes, the access log) and of its memory."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

_RUNNING = re.compile(r"Uvicorn running on http://127\.0\.0\.1:(\d+)")


@dataclass
class ServerProcess:
    proc: subprocess.Popen[str]
    port: int = 0
    lines: list[str] = field(default_factory=list)
    output_ended: threading.Event = field(default_factory=threading.Event)  # all output read

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def rss_mb(self) -> float:
        """Resident memory of the server process (VmRSS), MB."""
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        kb = int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE).group(1))  # type: ignore[union-attr]
        return kb / 1024

    def open_fds(self) -> int:
        return len(os.listdir(f"/proc/{self.proc.pid}/fd"))

    def log(self) -> str:
        return "".join(self.lines)


def _pump(server: ServerProcess, ready: threading.Event) -> None:
    assert server.proc.stdout is not None
    for line in server.proc.stdout:
        server.lines.append(line)
        found = _RUNNING.search(line)
        if found:
            server.port = int(found.group(1))
            ready.set()
    server.output_ended.set()
    ready.set()


@contextmanager
def serve_process(data_dir: Path, *, env: dict[str, str] | None = None) -> Iterator[ServerProcess]:
    """Run ``branchq serve --port 0`` on ``data_dir`` until the block ends."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("BRANCHQ_")}
    environment.update(env or {})
    proc = subprocess.Popen(
        [sys.executable, "-m", "branchq_cli", "serve", "--port", "0", "--data-dir", str(data_dir)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,  # uvicorn logs errors to stderr, access lines to stdout
        text=True,
        env=environment,
    )
    server = ServerProcess(proc)
    ready = threading.Event()
    reader = threading.Thread(target=_pump, args=(server, ready), daemon=True)
    reader.start()
    try:
        ready.wait(timeout=60)
        assert server.port, f"the server did not start:\n{server.log()}"
        yield server
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        reader.join(timeout=5)
        if proc.stdout is not None:
            proc.stdout.close()


def wait_until(condition, *, timeout_s: float = 10.0, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        time.sleep(0.01)
