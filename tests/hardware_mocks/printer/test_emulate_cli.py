"""`branchq emulate printer` as a technician runs it: a process, a port, receipts on stdout."""

from __future__ import annotations

import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

JOB = b"\x1b@\x1c&" + "请到3号窗口".encode("gb18030") + b"\x1c.\nA023\n\x1dV\x00"


class LineWatcher:
    """Collects a process's stdout lines in a thread; waits for one with a deadline."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        self.stream = proc.stdout
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        for line in self.stream:
            self.lines.put(line)

    def wait_for(self, pattern: str, deadline_s: float = 10.0) -> re.Match[str]:
        end = time.monotonic() + deadline_s
        while time.monotonic() < end:
            try:
                self.seen.append(self.lines.get(timeout=max(0.01, end - time.monotonic())))
            except queue.Empty:
                break
            match = re.search(pattern, self.seen[-1])
            if match:
                return match
        raise AssertionError(f"no line matching {pattern!r} in {self.seen}")


def test_emulate_printer_process_prints_receipts_and_writes_files(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "branchq_cli", "emulate", "printer", "--port", "0"]
    command += ["--control-port", "0", "--out-dir", str(tmp_path / "out"), "--pty"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, encoding="utf-8") as proc:
        watcher = LineWatcher(proc)
        try:
            port = int(watcher.wait_for(r"tcp://127\.0\.0\.1:(\d+)").group(1))
            assert watcher.wait_for(r"serial://(/dev/\S+)").group(1).startswith("/dev/")
            with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
                sock.sendall(b"\x10\x04\x01")
                assert sock.recv(1) == b"\x12"
                sock.sendall(JOB)
                watcher.wait_for(r"=== receipt 1 ===")
                assert watcher.wait_for(r"请到3号窗口").group(0) == "请到3号窗口"
                watcher.wait_for(r"^A023$")
        finally:
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=10) == 0
            watcher.thread.join(timeout=5)
    assert (tmp_path / "out" / "receipt-0001.png").stat().st_size > 500
    assert "A023" in (tmp_path / "out" / "receipt-0001.txt").read_text(encoding="utf-8")
