"""Byte links to a printer, one per transport, each on top of a python-escpos connection.

A link writes bytes, reads single answer bytes with a timeout (``None`` = no answer) and drains
stale input. Library and OS errors become ``PrinterConnectionError`` here, with the cause kept.
"""

from __future__ import annotations

import contextlib
import socket
from collections import deque
from typing import Any, Protocol

from escpos.exceptions import Error as EscposError
from escpos.printer import Dummy, File, Network, Serial, Usb

from drivers.printer.errors import PrinterConnectionError
from drivers.printer.url import PrinterAddress

DLE_EOT = b"\x10\x04"
GS_R = b"\x1dr"


class Link(Protocol):
    readable: bool
    description: str

    def open(self) -> None: ...
    def write(self, data: bytes) -> None: ...
    def read_byte(self, timeout_s: float) -> int | None: ...
    def drain(self) -> None: ...
    def close(self) -> None: ...


class NetworkLink:
    """tcp://: python-escpos ``Network`` with a short timeout."""

    readable = True

    def __init__(self, host: str, port: int, timeout_s: float) -> None:
        self.description = f"tcp://{host}:{port}"
        self._conn: Any = None
        self._host, self._port, self._timeout_s = host, port, timeout_s

    def _sock(self) -> socket.socket:
        if self._conn is None:
            raise PrinterConnectionError(f"{self.description}: not connected")
        sock: socket.socket = self._conn.device
        return sock

    def open(self) -> None:
        # connect here rather than in Network.open(), which leaks the socket when refused
        conn = Network(self._host, port=self._port, timeout=self._timeout_s)
        try:
            conn.device = socket.create_connection(
                (self._host, self._port), timeout=self._timeout_s
            )
        except OSError as exc:
            raise PrinterConnectionError(
                f"{self.description}: cannot connect within {self._timeout_s} s ({exc})"
            ) from exc
        # small status queries must not wait behind Nagle's algorithm and delayed ACKs
        conn.device.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._conn = conn

    def write(self, data: bytes) -> None:
        sock = self._sock()
        try:
            sock.settimeout(self._timeout_s)
            sock.sendall(data)
        except OSError as exc:
            raise PrinterConnectionError(f"{self.description}: send failed ({exc})") from exc

    def read_byte(self, timeout_s: float) -> int | None:
        sock = self._sock()
        try:
            sock.settimeout(timeout_s)
            data = sock.recv(1)
        except TimeoutError:
            return None
        except OSError as exc:
            raise PrinterConnectionError(f"{self.description}: receive failed ({exc})") from exc
        if not data:
            raise PrinterConnectionError(f"{self.description}: the printer closed the connection")
        return data[0]

    def drain(self) -> None:
        sock = self._sock()
        try:
            sock.setblocking(False)
            while True:
                try:
                    chunk = sock.recv(256)
                except BlockingIOError:
                    return
                if not chunk:
                    raise PrinterConnectionError(
                        f"{self.description}: the printer closed the connection"
                    )
        except OSError as exc:
            raise PrinterConnectionError(f"{self.description}: receive failed ({exc})") from exc
        finally:
            sock.settimeout(self._timeout_s)

    def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            with contextlib.suppress(OSError):  # closing a connection that is already gone
                conn.close()


class SerialLink:
    """serial://: python-escpos ``Serial`` (pyserial underneath)."""

    readable = True

    def __init__(self, devfile: str, baudrate: int, timeout_s: float) -> None:
        self.description = f"serial://{devfile}?baudrate={baudrate}"
        self._devfile, self._baudrate, self._timeout_s = devfile, baudrate, timeout_s
        self._conn: Any = None

    def open(self) -> None:
        conn = Serial(self._devfile, baudrate=self._baudrate, timeout=self._timeout_s)
        try:
            conn.open()
        except (EscposError, OSError) as exc:
            raise PrinterConnectionError(f"{self.description}: cannot open ({exc})") from exc
        self._conn = conn

    def _port(self) -> Any:
        if self._conn is None:
            raise PrinterConnectionError(f"{self.description}: not open")
        return self._conn.device

    def write(self, data: bytes) -> None:
        try:
            self._port().write(data)
            self._port().flush()
        except OSError as exc:
            raise PrinterConnectionError(f"{self.description}: write failed ({exc})") from exc

    def read_byte(self, timeout_s: float) -> int | None:
        port = self._port()
        try:
            port.timeout = timeout_s
            data: bytes = port.read(1)
        except OSError as exc:
            raise PrinterConnectionError(f"{self.description}: read failed ({exc})") from exc
        return data[0] if data else None

    def drain(self) -> None:
        try:
            self._port().reset_input_buffer()
        except OSError as exc:
            raise PrinterConnectionError(f"{self.description}: read failed ({exc})") from exc

    def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            with contextlib.suppress(OSError):
                conn.close()


class UsbLink:
    """usb://: python-escpos ``Usb`` (pyusb underneath)."""

    readable = True

    def __init__(self, vendor_id: int, product_id: int, timeout_s: float) -> None:
        self.description = f"usb://{vendor_id:04x}:{product_id:04x}"
        self._ids = (vendor_id, product_id)
        self._timeout_ms = max(1, int(timeout_s * 1000))
        self._conn: Any = None

    def open(self) -> None:
        conn = Usb(self._ids[0], self._ids[1], timeout=self._timeout_ms)
        try:
            conn.open()
        except (EscposError, OSError) as exc:
            raise PrinterConnectionError(f"{self.description}: cannot open ({exc})") from exc
        self._conn = conn

    def write(self, data: bytes) -> None:
        if self._conn is None:
            raise PrinterConnectionError(f"{self.description}: not open")
        try:
            self._conn._raw(data)
        except Exception as exc:  # pyusb raises its own USBError tree
            raise PrinterConnectionError(f"{self.description}: write failed ({exc})") from exc

    def read_byte(self, timeout_s: float) -> int | None:
        if self._conn is None:
            raise PrinterConnectionError(f"{self.description}: not open")
        try:
            data = self._conn.device.read(self._conn.in_ep, 16, max(1, int(timeout_s * 1000)))
        except Exception as exc:  # pyusb: USBTimeoutError is "no answer", the rest is loss
            if type(exc).__name__ == "USBTimeoutError":
                return None
            raise PrinterConnectionError(f"{self.description}: read failed ({exc})") from exc
        return int(data[-1]) if len(data) else None

    def drain(self) -> None:
        while self.read_byte(0.001) is not None:
            pass

    def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            with contextlib.suppress(Exception):  # releasing a device that is gone
                conn.close()


class FileLink:
    """file://: write-only device file (python-escpos ``File``); status is never readable."""

    readable = False

    def __init__(self, devfile: str) -> None:
        self.description = f"file://{devfile}"
        self._devfile = devfile
        self._conn: Any = None

    def open(self) -> None:
        conn = File(self._devfile, auto_flush=True)
        try:
            conn.open()
        except (EscposError, OSError) as exc:
            raise PrinterConnectionError(f"{self.description}: cannot open ({exc})") from exc
        self._conn = conn

    def write(self, data: bytes) -> None:
        if self._conn is None:
            raise PrinterConnectionError(f"{self.description}: not open")
        try:
            self._conn._raw(data)
        except OSError as exc:
            raise PrinterConnectionError(f"{self.description}: write failed ({exc})") from exc

    def read_byte(self, timeout_s: float) -> int | None:
        return None

    def drain(self) -> None:
        return None

    def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            conn.close()


# mem:// status answers (DLE EOT 1..4, then GS r 1) per simulated state
MEMORY_STATES: dict[str, tuple[int | None, ...]] = {
    "ok": (0x12, 0x12, 0x12, 0x12, 0x00),
    "paper_near_end": (0x12, 0x12, 0x12, 0x1E, 0x03),
    "paper_out": (0x1A, 0x32, 0x12, 0x72, None),
    "cover_open": (0x1A, 0x16, 0x12, 0x12, None),
    "cutter_error": (0x1A, 0x52, 0x1A, 0x12, None),
    "offline": (0x1A, 0x52, 0x12, 0x12, None),
    "no_answer": (None, None, None, None, None),
}


class MemoryLink:
    """mem://: captures every byte in a python-escpos ``Dummy``; answers from a set state."""

    readable = True
    description = "mem://"

    def __init__(self, state: str = "ok") -> None:
        self.dummy = Dummy()
        self._answers: deque[int] = deque()
        self.state = "ok"
        self.set_state(state)

    def set_state(self, state: str) -> None:
        if state not in MEMORY_STATES:
            raise PrinterConnectionError(
                f"mem:// state {state!r}; expected one of {sorted(MEMORY_STATES)}"
            )
        self.state = state

    def open(self) -> None:
        return None

    def write(self, data: bytes) -> None:
        answers = MEMORY_STATES[self.state]
        if data.startswith(DLE_EOT) and len(data) == 3 and 1 <= data[2] <= 4:
            answer = answers[data[2] - 1]
        elif data == GS_R + b"\x01":
            answer = answers[4]
        else:
            self.dummy._raw(data)
            return
        if answer is not None:
            self._answers.append(answer)

    def read_byte(self, timeout_s: float) -> int | None:
        return self._answers.popleft() if self._answers else None

    def drain(self) -> None:
        self._answers.clear()

    def close(self) -> None:
        return None


def make_link(address: PrinterAddress, timeout_s: float) -> Link:
    if address.scheme == "tcp":
        return NetworkLink(address.host, address.port, timeout_s)
    if address.scheme == "serial":
        baudrate = int(address.option_number("baudrate") or 9600)
        return SerialLink(address.path, baudrate, timeout_s)
    if address.scheme == "usb":
        return UsbLink(address.vendor_id, address.product_id, timeout_s)
    if address.scheme == "file":
        return FileLink(address.path)
    return MemoryLink(address.options.get("state", "ok"))
