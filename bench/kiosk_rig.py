"""A branch to point a kiosk at, for the kiosk's benchmark and screenshots.

``branchq serve`` (demo branch, SQLite in a temporary directory) as its own process on a free
127.0.0.1 port, users and device tokens made with ``branchq admin``, the printer emulator in
this process, and the kiosk built from a ``KioskConfig`` on Qt's offscreen platform.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench_server import HOST, _cli, free_port, start_server, stop_server, wait_ready

from drivers.site import PrinterEntry
from hardware_mocks.printer.emulator import PrinterEmulator
from kiosk_app.config import KioskConfig


@dataclass
class Rig:
    url: str
    kiosk_token: str
    admin: str  # bearer token of an admin
    tellers: dict[int, str]  # counter number -> a signed-in teller's bearer token
    emulator: PrinterEmulator
    data_dir: Path
    server: subprocess.Popen[bytes]

    def stop_server(self) -> None:
        """Stop the branch server (a kiosk then shows "temporarily unavailable")."""
        stop_server(self.server)

    def config(self, **screen: object) -> KioskConfig:
        return KioskConfig.model_validate(
            {
                "server": {"url": self.url, "timeout_s": 2.0},
                "screen": {"fullscreen": False, **screen},
                "timing": {"printer_poll_s": 2.0, "heartbeat_interval_s": 30},
                "printer": PrinterEntry(
                    id="kiosk-1-printer", url=f"tcp://{HOST}:{self.emulator.port}"
                ),
                "token": self.kiosk_token,
            }
        )

    def post(self, path: str, token: str, body: object | None = None) -> httpx.Response:
        with httpx.Client(base_url=self.url, timeout=10) as client:
            r = client.post(path, json=body, headers={"Authorization": f"Bearer {token}"})
        if r.status_code >= 400:
            raise RuntimeError(f"POST {path} answered {r.status_code}: {r.text}")
        return r

    def patch(self, path: str, body: object) -> None:
        with httpx.Client(base_url=self.url, timeout=10) as client:
            r = client.patch(path, json=body, headers={"Authorization": f"Bearer {self.admin}"})
        if r.status_code >= 400:
            raise RuntimeError(f"PATCH {path} answered {r.status_code}: {r.text}")


def _login(url: str, user: str, password: str) -> str:
    with httpx.Client(base_url=url, timeout=10) as client:
        r = client.post("/api/v1/auth/login", json={"username": user, "password": password})
    r.raise_for_status()
    token: str = r.json()["token"]
    return token


@contextmanager
def branch_rig(counters: tuple[int, ...] = ()) -> Iterator[Rig]:
    """A running branch; each counter in ``counters`` opened by its own teller."""
    with tempfile.TemporaryDirectory(prefix="branchq-kiosk-") as tmp:
        data_dir = Path(tmp)
        kiosk = _cli(data_dir, "admin", "create-device", "kiosk-1", "--role", "kiosk")
        password = secrets.token_urlsafe(18)
        users = [("rig-admin", "admin")] + [(f"rig-teller-{n}", "teller") for n in counters]
        for user, role in users:
            _cli(data_dir, "admin", "create-user", user, "--role", role, "--password-stdin",
                 stdin=password + "\n")  # fmt: skip
        port = free_port()
        log = data_dir / "server.log"
        proc = start_server(data_dir, port, log, None)
        emulator = PrinterEmulator(host=HOST).start()
        try:
            asyncio.run(wait_ready(proc, port, log, 30.0))
            url = f"http://{HOST}:{port}"
            rig = Rig(
                url=url,
                kiosk_token=kiosk.strip().splitlines()[-1],
                admin=_login(url, "rig-admin", password),
                tellers={n: _login(url, f"rig-teller-{n}", password) for n in counters},
                emulator=emulator,
                data_dir=data_dir,
                server=proc,
            )
            for n, token in rig.tellers.items():
                rig.post(f"/api/v1/counters/{n}/open", token)
            yield rig
        finally:
            emulator.stop()
            stop_server(proc)
