"""A loopback TCP proxy that can lose answers: after it forwarded a request containing a
marker (e.g. ``b"/call-next"``) it resets the client's connection instead of passing the
server's answer back. The server has done the work; the client never hears of it."""

from __future__ import annotations

import contextlib
import socket
import threading


class LossyProxy:
    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.to_lose: dict[bytes, int] = {}  # marker -> answers still to lose
        self.lost: dict[bytes, int] = {}
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self._stop = False
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def lose_answers(self, marker: bytes, count: int) -> None:
        self.to_lose[marker] = count

    def start(self) -> LossyProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop = True
        self._server.close()

    def _accept(self) -> None:
        while not self._stop:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            state: dict[str, bytes | None] = {"lose": None}
            threading.Thread(target=self._up, args=(client, upstream, state), daemon=True).start()
            threading.Thread(target=self._down, args=(client, upstream, state), daemon=True).start()

    def _up(
        self, client: socket.socket, upstream: socket.socket, state: dict[str, bytes | None]
    ) -> None:
        with contextlib.suppress(OSError):
            while data := client.recv(65536):
                for marker, count in list(self.to_lose.items()):
                    if count > 0 and marker in data:
                        self.to_lose[marker] = count - 1
                        state["lose"] = marker
                upstream.sendall(data)
        with contextlib.suppress(OSError):
            upstream.shutdown(socket.SHUT_WR)

    def _down(
        self, client: socket.socket, upstream: socket.socket, state: dict[str, bytes | None]
    ) -> None:
        with contextlib.suppress(OSError):
            while data := upstream.recv(65536):
                marker = state["lose"]
                if marker is not None:  # the server answered and committed: reset the client
                    self.lost[marker] = self.lost.get(marker, 0) + 1
                    client.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
                    )
                    break
                client.sendall(data)
        with contextlib.suppress(OSError):
            client.close()
        with contextlib.suppress(OSError):
            upstream.close()
