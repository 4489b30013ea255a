"""The emulated line as a TCP server (``socket://`` for pyserial) or a pty, plus a control port.

Control channel (TCP, one command per line, one JSON line back)::

    state                              {"1": {"text": "A023  05", "blink_s": 5, "fault": "ok"}}
    fault 3 no_answer                  {"ok": true}     kinds: ok no_answer wrong_crc garbled slow
    fault all slow 0.8                 {"ok": true}     (delay in seconds for slow)

Use as a pytest fixture: ``emu = PanelEmulator(); emu.start(); emu.port ... emu.stop()``.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import socket
import threading
import time
import tty
from dataclasses import asdict

from hardware_mocks.panel import modbus_slave
from hardware_mocks.panel.bank import ALL, FaultKind, PanelBank, PanelDisplay


class PanelEmulator:
    def __init__(
        self,
        *,
        protocol: str = "modbus",
        addresses: list[int] | None = None,
        characters: int | None = None,
        blink_register: int | None = modbus_slave.BLINK_REG,
        host: str = "127.0.0.1",
        port: int = 0,
        control_port: int | None = 0,
    ) -> None:
        chars = characters or (8 if protocol == "modbus" else 16)
        self.bank = PanelBank(protocol, addresses or list(range(1, 7)), chars, blink_register)
        self.host = host
        self._want_port = port
        self._want_control = control_port
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._sockets: list[socket.socket] = []
        self._fds: list[int] = []
        self.port = 0
        self.control_port = 0
        self.pty_path: str | None = None

    # --- fixture API ----------------------------------------------------------------------
    @property
    def displays(self) -> dict[int, PanelDisplay]:
        return self.bank.displays()

    def set_fault(self, address: int | None, fault: FaultKind | str, delay_s: float = 0.0) -> None:
        """``address`` None (or 0) means every panel."""
        self.bank.set_fault(address or ALL, fault, delay_s)

    def start(self, *, pty: bool = False) -> PanelEmulator:
        if pty:
            self.pty_path = self._start_pty()
        else:
            listener = self._listen(self._want_port)
            self.port = listener.getsockname()[1]
            self._spawn(self._accept_loop, listener, self._serve_line)
        if self._want_control is not None:
            control = self._listen(self._want_control)
            self.control_port = control.getsockname()[1]
            self._spawn(self._accept_loop, control, self._serve_control)
        return self

    def stop(self) -> None:
        self._stop.set()
        for sock in self._sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()
        for thread in self._threads:
            thread.join(timeout=2)
        for fd in self._fds:
            with contextlib.suppress(OSError):
                os.close(fd)

    def __enter__(self) -> PanelEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- plumbing -------------------------------------------------------------------------
    def _spawn(self, target: object, *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)  # type: ignore[arg-type]
        self._threads.append(thread)
        thread.start()

    def _listen(self, port: int) -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, port))
        sock.listen(8)
        self._sockets.append(sock)
        return sock

    def _accept_loop(self, listener: socket.socket, serve: object) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            self._sockets.append(conn)
            self._spawn(serve, conn)

    def _serve_line(self, conn: socket.socket) -> None:
        buffer = bytearray()
        with conn:
            while not self._stop.is_set():
                try:
                    data = conn.recv(4096)
                except OSError:
                    return
                if not data:
                    return
                buffer += data
                for reply, delay_s in self.bank.feed(buffer):
                    if delay_s and self._stop.wait(delay_s):
                        return
                    try:
                        conn.sendall(reply)
                    except OSError:
                        return

    def _start_pty(self) -> str:
        master, slave = os.openpty()
        tty.setraw(master)
        tty.setraw(slave)
        self._fds += [master, slave]  # keeping the slave open avoids EIO between clients
        self._spawn(self._serve_pty, master)
        return os.ttyname(slave)

    def _serve_pty(self, master: int) -> None:
        buffer = bytearray()
        while not self._stop.is_set():
            ready, _, _ = select.select([master], [], [], 0.05)
            if not ready:
                continue
            try:
                buffer += os.read(master, 4096)
            except OSError:
                return
            # RS-485 converters deliver a frame in bursts; give the rest a moment to arrive
            time.sleep(0.002)
            for reply, delay_s in self.bank.feed(buffer):
                if delay_s and self._stop.wait(delay_s):
                    return
                os.write(master, reply)

    def _serve_control(self, conn: socket.socket) -> None:
        with conn, conn.makefile("rwb") as stream:
            for raw in stream:
                answer = self.control(raw.decode("utf-8", "replace").strip())
                try:
                    stream.write(json.dumps(answer, ensure_ascii=False).encode() + b"\n")
                    stream.flush()
                except OSError:
                    return

    def control(self, line: str) -> dict[str, object]:
        """Run one control command (the same as over the control port)."""
        words = line.split()
        if words == ["state"]:
            return {str(a): asdict(d) for a, d in self.displays.items()}
        if len(words) in (3, 4) and words[0] == "fault":
            try:
                address = ALL if words[1] == "all" else int(words[1])
                delay_s = float(words[3]) if len(words) == 4 else 0.0
                self.set_fault(address, words[2], delay_s)
            except ValueError as exc:
                return {"ok": False, "error": str(exc)}
            return {"ok": True}
        kinds = " ".join(k.value for k in FaultKind)
        return {
            "ok": False,
            "error": f"unknown command {line!r}; expected 'state' or "
            f"'fault <address|all> <{kinds}> [delay_s]'",
        }
