"""A throwaway PostgreSQL server for tests: initdb in a temporary dir, loopback only.

As root, the binaries run as the ``postgres`` user (``runuser``) with the directory chowned to
it. Skipped, with the reason, only when initdb/pg_ctl are not installed.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start PostgreSQL in a fresh temporary dir; yields a SQLAlchemy URL of an empty database.

    The dir is made with ``tempfile.mkdtemp`` (not pytest's tmp_path, whose parents are
    private to root) so that the postgres user can reach it; it is removed afterwards.
    """
    base = Path(tempfile.mkdtemp(prefix="branchq-pg-"))
    try:
        with _started(base) as url:
            yield url
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _run(cmd: list[str]) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
    if proc.returncode != 0:
        raise RuntimeError(
            f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr.strip() or proc.stdout}"
        )


@contextmanager
def _started(base: Path) -> Iterator[str]:
    initdb, pg_ctl = _find_bin("initdb"), _find_bin("pg_ctl")
    if initdb is None or pg_ctl is None:
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) not found on PATH or /usr/lib/postgresql")
    as_user: list[str] = []
    if os.geteuid() == 0:
        runuser = shutil.which("runuser")
        if runuser is None:
            pytest.skip("running as root and runuser is missing: cannot start PostgreSQL")
        as_user = [runuser, "-u", "postgres", "--"]
    base.mkdir(parents=True, exist_ok=True)
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
    _run([*as_user, pg_ctl, "-D", str(data), "-o", options, "-w", "-t", "30", "-l", log, "start"])
    try:
        yield f"postgresql+psycopg://branchq@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*as_user, pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"],
            check=False,
            capture_output=True,
            timeout=60,
        )
