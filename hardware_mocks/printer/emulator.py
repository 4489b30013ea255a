"""An ESC/POS network printer on TCP (port 9100 on a real one) with fault injection.

It answers ``DLE EOT n`` with the status bytes of its simulated state as soon as the decoder
reaches it (at once between commands and inside text; after the data of a length-prefixed
command such as ``GS v 0`` that is still arriving), and ``GS r 1`` in stream order (not at all
while it cannot print, as a real printer at paper end). It decodes jobs into ``Receipt``s (a
cut ends one) and keeps them; with ``out_dir`` each receipt is also
written as ``receipt-NNNN.txt`` and ``receipt-NNNN.png``, numbered on from the receipts already
in the directory (a restarted emulator never overwrites an earlier receipt).

Faults (``set_fault(name, arg)``, or one line per command on the control port)::

    ok | paper_near_end | paper_out | cover_open | cutter_error | offline   simulated state
    no_answer        reads everything, never answers a status request
    drop             closes the connection in the middle of the next ticket
    run_out          the paper runs out in the middle of the next ticket
    slow [SECONDS]   waits SECONDS (default 0.05) after every 64-byte chunk it reads
    status           (control only) prints the current state and faults
"""

from __future__ import annotations

import contextlib
import os
import re
import select
import socket
import socketserver
import struct
import threading
import time
import tty
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hardware_mocks.printer.decoder import EscposDecoder
from hardware_mocks.printer.receipt import Receipt

# answers to DLE EOT 1..4, and to GS r 1 (None = silent: the printer is not processing data)
STATUS_BYTES: dict[str, bytes] = {
    "ok": b"\x12\x12\x12\x12",
    "paper_near_end": b"\x12\x12\x12\x1e",
    "paper_out": b"\x1a\x32\x12\x72",
    "cover_open": b"\x1a\x16\x12\x12",
    "cutter_error": b"\x1a\x52\x1a\x12",
    "offline": b"\x1a\x52\x12\x12",
}
GS_R_PAPER: dict[str, int | None] = {"ok": 0x00, "paper_near_end": 0x03}
PRINTING_STATES = frozenset({"ok", "paper_near_end"})
FAULTS = (*STATUS_BYTES, "no_answer", "drop", "run_out", "slow")


class EmulatorError(Exception):
    """Base of the printer emulator's errors (bad fault names, bad arguments)."""


@dataclass
class _Faults:
    state: str = "ok"
    no_answer: bool = False
    drop: bool = False
    run_out: bool = False
    slow_s: float = 0.0

    def describe(self) -> str:
        extra = [n for n in ("no_answer", "drop", "run_out") if getattr(self, n)]
        if self.slow_s:
            extra.append(f"slow={self.slow_s}")
        return " ".join([f"state={self.state}", *extra])


@dataclass
class _Job:
    """The receipt being fed, and whether the paper could print all of it."""

    spoiled: bool = False
    notes: list[str] = field(default_factory=list)


class PrinterEmulator:
    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        control_port: int | None = 0,
        encoding: str = "gb18030",
        chinese_mode_at_start: bool = False,
        width_dots: int = 576,
        out_dir: Path | None = None,
    ) -> None:
        self.host = host
        self.encoding = encoding
        self.chinese_mode_at_start = chinese_mode_at_start
        self.width_dots = width_dots
        self.out_dir = out_dir
        self._wanted_ports = (port, control_port)
        self._faults = _Faults()
        self._cond = threading.Condition()
        self._receipts: list[Receipt] = []
        self._spoiled: list[Receipt] = []
        self._conns: set[Any] = set()
        self._stopping = threading.Event()
        self._pty_fds: list[int] = []
        self._servers: list[socketserver.ThreadingTCPServer] = []
        self._threads: list[threading.Thread] = []
        self.port = 0
        self.control_port = 0
        self._last_file_number = 0  # of the receipt files in out_dir

    # -- life cycle ---------------------------------------------------------------------------
    def start(self) -> PrinterEmulator:
        emulator = self
        if self.out_dir is not None:
            self.out_dir.mkdir(parents=True, exist_ok=True)  # before the first receipt, not at it
            self._last_file_number = _last_receipt_number(self.out_dir)

        class PrintHandler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                emulator._serve_printer(self.request)

        class ControlHandler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                for raw in self.rfile:
                    reply = emulator.control(raw.decode("utf-8", "replace"))
                    self.wfile.write((reply + "\n").encode())

        port, control_port = self._wanted_ports
        self._servers.append(_server((self.host, port), PrintHandler))
        self.port = self._servers[0].server_address[1]
        if control_port is not None:
            self._servers.append(_server((self.host, control_port), ControlHandler))
            self.control_port = self._servers[1].server_address[1]
        for server in self._servers:
            thread = threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            )
            thread.start()
            self._threads.append(thread)
        return self

    def attach_pty(self) -> str:
        """Also serve the printer on a new pty (raw mode); returns the device path to open."""
        master, slave = os.openpty()
        tty.setraw(master)
        tty.setraw(slave)
        self._pty_fds += [master, slave]
        thread = threading.Thread(
            target=self._serve_printer, args=(_PtyConn(master, self._stopping),), daemon=True
        )
        thread.start()
        self._threads.append(thread)
        return os.ttyname(slave)

    def stop(self) -> None:
        self._stopping.set()
        for server in self._servers:
            server.shutdown()
            server.server_close()
        with self._cond:
            for conn in list(self._conns):
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(timeout=5)
        for fd in self._pty_fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        self._servers.clear()
        self._threads.clear()
        self._pty_fds.clear()

    def __enter__(self) -> PrinterEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what tests and technicians see -------------------------------------------------------
    @property
    def receipts(self) -> list[Receipt]:
        with self._cond:
            return list(self._receipts)

    @property
    def spoiled(self) -> list[Receipt]:
        """Receipts that did not come out whole (paper ran out, connection dropped)."""
        with self._cond:
            return list(self._spoiled)

    @property
    def state(self) -> str:
        return self._faults.state

    def wait_for(self, count: int, timeout_s: float = 5.0, *, spoiled: bool = False) -> bool:
        """Wait until ``count`` receipts (or spoiled ones) were kept; False on timeout."""
        target = self._spoiled if spoiled else self._receipts
        with self._cond:
            return self._cond.wait_for(lambda: len(target) >= count, timeout=timeout_s)

    def set_fault(self, name: str, arg: float | None = None) -> None:
        name = name.strip().lower().replace("-", "_")
        name = {"near_end": "paper_near_end", "no_paper": "paper_out"}.get(name, name)
        with self._cond:
            if name == "ok":
                self._faults = _Faults()
            elif name in STATUS_BYTES:
                self._faults.state = name
            elif name in ("no_answer", "drop", "run_out"):
                setattr(self._faults, name, True)
            elif name == "slow":
                self._faults.slow_s = 0.05 if arg is None else float(arg)
            else:
                raise EmulatorError(f"unknown fault {name!r}; expected one of {list(FAULTS)}")

    def control(self, line: str) -> str:
        """One control command (see the module doc); the reply is one line."""
        words = line.split()
        if not words or words[0] in ("status", "help"):
            return f"OK {self._faults.describe()} receipts={len(self._receipts)}" + (
                f" faults: {' '.join(FAULTS)}" if words[:1] == ["help"] else ""
            )
        try:
            self.set_fault(words[0], float(words[1]) if len(words) > 1 else None)
        except (EmulatorError, ValueError) as exc:
            return f"ERR {exc}"
        return f"OK {self._faults.describe()}"

    # -- the printer port ---------------------------------------------------------------------
    def _serve_printer(self, conn: Any) -> None:
        decoder = EscposDecoder(
            encoding=self.encoding, chinese_mode_at_start=self.chinese_mode_at_start
        )
        job = _Job()
        with self._cond:
            self._conns.add(conn)
        try:
            while True:
                slow = self._faults.slow_s
                try:
                    data = conn.recv(64 if slow else 65536)
                except OSError:
                    break
                if not data:
                    break
                if slow:
                    time.sleep(slow)  # the simulated device is slow; tests never sleep
                try:
                    if not self._feed(conn, decoder, job, data):
                        break
                except OSError:  # the host went away before we answered
                    break
        finally:
            decoder.flush_line()
            if decoder.has_content:
                self._keep(decoder.receipt, spoiled=True, reason="job ended without a cut")
            with self._cond:
                self._conns.discard(conn)
            with contextlib.suppress(OSError):
                conn.close()

    def _feed(self, conn: Any, decoder: EscposDecoder, job: _Job, data: bytes) -> bool:
        is_job_data = data.replace(b"\x10\x04", b"").strip(b"\x01\x02\x03\x04") != b""
        if is_job_data and (self._faults.drop or self._faults.run_out):
            half = len(data) // 2
            self._handle(conn, decoder, job, data[:half])
            if self._faults.drop:
                with self._cond:
                    self._faults.drop = False
                decoder.flush_line()
                self._keep(decoder.receipt, spoiled=True, reason="connection dropped")
                decoder.receipt = Receipt()
                # RST instead of FIN: the peer sees a reset, as when a cable is pulled
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                return False
            with self._cond:
                self._faults.run_out = False
                self._faults.state = "paper_out"
            data = data[half:]
        self._handle(conn, decoder, job, data)
        return True

    def _handle(self, conn: Any, decoder: EscposDecoder, job: _Job, data: bytes) -> None:
        not_printing = self._faults.state not in PRINTING_STATES
        for kind, value in decoder.feed(data):
            faults = self._faults
            answers = STATUS_BYTES[faults.state]
            if kind == "dle_eot" and 1 <= value <= 4 and not faults.no_answer:
                conn.sendall(answers[value - 1 : value])
            elif kind == "gs_r" and value in (1, 49) and not faults.no_answer:
                paper = GS_R_PAPER.get(faults.state)
                if paper is not None:
                    conn.sendall(bytes((paper,)))
            elif kind == "receipt":
                spoiled = job.spoiled or not_printing
                self._keep(value, spoiled=spoiled, reason=f"printer was {faults.state}")
                job.spoiled = False
        if not_printing and decoder.has_content:
            job.spoiled = True

    def _keep(self, receipt: Receipt, *, spoiled: bool, reason: str) -> None:
        with self._cond:
            if spoiled:
                receipt.notes.append(f"not printed whole: {reason}")
                self._spoiled.append(receipt)
            else:
                self._receipts.append(receipt)
                if self.out_dir is not None:
                    stem = self._write_text(self.out_dir, receipt)
                    receipt.to_png(stem.with_suffix(".png"), self.width_dots)
            self._cond.notify_all()

    def _write_text(self, out_dir: Path, receipt: Receipt) -> Path:
        """Write the receipt's text under the next free number (created exclusively)."""
        while True:
            self._last_file_number += 1
            stem = out_dir / f"receipt-{self._last_file_number:04d}"
            try:
                with stem.with_suffix(".txt").open("x", encoding="utf-8") as f:
                    f.write(receipt.text + "\n")
            except FileExistsError:
                continue  # another emulator writes to the same directory
            return stem


_RECEIPT_FILE = re.compile(r"receipt-(\d+)\.(?:txt|png)")


def _last_receipt_number(out_dir: Path) -> int:
    numbers = [int(m.group(1)) for p in out_dir.iterdir() if (m := _RECEIPT_FILE.fullmatch(p.name))]
    return max(numbers, default=0)


class _PtyConn:
    """The master side of a pty, read and written like a socket."""

    def __init__(self, fd: int, stopping: threading.Event) -> None:
        self.fd, self.stopping = fd, stopping

    def recv(self, size: int) -> bytes:
        while not self.stopping.is_set():
            ready, _, _ = select.select([self.fd], [], [], 0.05)
            if ready:
                try:
                    return os.read(self.fd, size)
                except OSError:  # the other side closed; a printer keeps listening
                    self.stopping.wait(0.05)
        return b""

    def sendall(self, data: bytes) -> None:
        os.write(self.fd, data)

    def setsockopt(self, *args: object) -> None:
        return None  # "drop" on a serial line: we just stop reading

    def shutdown(self, how: int) -> None:
        return None

    def close(self) -> None:
        return None  # the emulator closes the pty in stop()


def _server(
    address: tuple[str, int], handler: type[socketserver.BaseRequestHandler]
) -> socketserver.ThreadingTCPServer:
    server = socketserver.ThreadingTCPServer(address, handler, bind_and_activate=False)
    server.daemon_threads = True
    server.allow_reuse_address = True
    server.server_bind()
    server.server_activate()
    return server
