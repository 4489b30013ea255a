"""The emulators' line-based control channel, from the command line."""

from __future__ import annotations

import socket


def send_control(address: str, command: str, timeout_s: float = 3.0) -> str:
    """Send one control line to a running emulator (HOST:PORT) and return its reply."""
    host, _, port = address.rpartition(":")
    with socket.create_connection((host or "127.0.0.1", int(port)), timeout=timeout_s) as sock:
        sock.sendall(command.strip().encode() + b"\n")
        reply = b""
        while not reply.endswith(b"\n"):
            chunk = sock.recv(4096)
            if not chunk:
                break
            reply += chunk
    return reply.decode("utf-8", "replace").strip()
