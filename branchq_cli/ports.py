"""Which of the TCP ports a program is about to listen on are already taken (loopback only).

``branchq demo`` checks every port it needs before it starts anything, so a second demo (or
any program on port 8000) is named at once instead of a "ready" line that points at the other
program's server.
"""

from __future__ import annotations

import errno
import socket
from collections.abc import Mapping

HOST = "127.0.0.1"


def port_in_use(port: int, host: str = HOST) -> bool:
    """True when something listens on ``host:port`` (a port in TIME_WAIT is free)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers bind
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return True
            raise
    return False


def check_ports(wanted: Mapping[str, int], host: str = HOST) -> list[str]:
    """Problems with the ports ``wanted`` (what -> port), one sentence each; [] when all free."""
    problems = []
    by_port: dict[int, list[str]] = {}
    for what, port in wanted.items():
        by_port.setdefault(port, []).append(what)
    for port, users in by_port.items():
        if not 1 <= port <= 65535:
            problems.append(f"port {port} ({', '.join(users)}) is not a TCP port (1..65535)")
        elif len(users) > 1:
            problems.append(f"port {port} is given to {' and '.join(users)}; each needs its own")
        elif port_in_use(port, host):
            problems.append(f"port {port} ({users[0]}) is already in use on {host}")
    return problems


def all_free(ports: list[int], host: str = HOST) -> bool:
    return all(1 <= p <= 65535 and not port_in_use(p, host) for p in ports)
