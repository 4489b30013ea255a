"""A throwaway PostgreSQL server for tests: initdb in a temporary dir, loopback only.

One server per test session (initdb and a start take seconds; a database takes a fraction of
one): ``postgres_server()`` starts it on first use and gives each caller a new empty database
of its own; ``stop_shared_server()`` (the session's teardown, tests/conftest.py) stops it.

As root, the binaries run as the ``postgres`` user (``runuser``) with the directory chowned to
it. Skipped, with the reason, only when initdb/pg_ctl are not installed.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest


def _find_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class _Server:
    base: Path
    data: Path
    as_user: list[str]
    url: str  # of its "postgres" database


_shared: list[_Server] = []  # the session's server, once started
_databases = itertools.count(1)


@contextmanager
def postgres_server() -> Iterator[str]:
    """Yields a SQLAlchemy URL of a new, empty database on the session's PostgreSQL server
    (started on first use). When the block ends, the databases made during it (this one and
    any the caller made beside it) are dropped, their connections ended: as a server of its
    own being stopped, nothing can still reach them (a connection a test left open would
    otherwise live on, and be reported when the garbage collector finds it in a later test)."""
    server = _shared[0] if _shared else _start()
    existing = _databases_on(server)
    name = f"test_{next(_databases)}"
    _admin(server, f"CREATE DATABASE {name}")
    try:
        yield server.url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        for made in sorted(_databases_on(server) - existing):
            _admin(server, f'DROP DATABASE "{made}" WITH (FORCE)')


def _admin(server: _Server, statement: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(server.url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(statement))
    finally:
        admin.dispose()


def _databases_on(server: _Server) -> set[str]:
    from sqlalchemy import create_engine, text

    admin = create_engine(server.url)
    try:
        with admin.connect() as conn:
            rows = conn.execute(text("SELECT datname FROM pg_database WHERE NOT datistemplate"))
            return {row[0] for row in rows}
    finally:
        admin.dispose()


def stop_shared_server() -> None:
    """Stop the session's server, if one was started, and remove its directory."""
    while _shared:
        server = _shared.pop()
        subprocess.run(
            [
                *server.as_user,
                _bin("pg_ctl"),
                "-D",
                str(server.data),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
            check=False,
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(server.base, ignore_errors=True)


def _run(cmd: list[str]) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
    if proc.returncode != 0:
        raise RuntimeError(
            f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr.strip() or proc.stdout}"
        )


def _bin(name: str) -> str:
    found = _find_bin(name)
    if found is None:
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) not found on PATH or /usr/lib/postgresql")
    return found


def _start() -> _Server:
    """initdb and start a server in a fresh temporary dir (``tempfile.mkdtemp``, not pytest's
    tmp_path, whose parents are private to root: the postgres user must reach it)."""
    initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
    as_user: list[str] = []
    if os.geteuid() == 0:
        runuser = shutil.which("runuser")
        if runuser is None:
            pytest.skip("running as root and runuser is missing: cannot start PostgreSQL")
        as_user = [runuser, "-u", "postgres", "--"]
    base = Path(tempfile.mkdtemp(prefix="branchq-pg-"))
    try:
        data = base / "pgdata"
        sockets = base / "sock"
        sockets.mkdir()
        if as_user:
            shutil.chown(base, "postgres")
            shutil.chown(sockets, "postgres")
        port = _free_port()
        _run([*as_user, initdb, "-D", str(data), "-U", "branchq", "--auth=trust", "-E", "UTF8"])
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {sockets} -c fsync=off"
        log = str(base / "log.txt")
        _run(
            [*as_user, pg_ctl, "-D", str(data), "-o", options, "-w", "-t", "30", "-l", log, "start"]
        )
    except BaseException:
        shutil.rmtree(base, ignore_errors=True)
        raise
    server = _Server(base, data, as_user, f"postgresql+psycopg://branchq@127.0.0.1:{port}/postgres")
    _shared.append(server)
    return server
