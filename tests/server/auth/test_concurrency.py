"""Device heartbeats and logins from many threads at once on one SQLite file: no lock errors,
nothing lost."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlmodel import Session, select

from server.contract.auth import Heartbeat
from server.contract.common import DeviceStatus
from server.services import devices, users
from server.store.auth_tables import AuthToken
from server.store.db import write_session
from tests.server.auth.conftest import PASSWORD, T0, Branch


def test_parallel_heartbeats_and_logins(branch: Branch) -> None:
    engine = branch.engine()
    branch.add_user("alice", "teller")
    ids = []
    with write_session(engine) as session:
        for i in range(8):
            public, _ = devices.register_device(session, name=f"kiosk-{i}", role="kiosk", now=T0)
            ids.append(public.id)

    def beat(device_id: int) -> None:
        for n in range(20):
            status = DeviceStatus.ERROR if n % 2 else DeviceStatus.OK
            with write_session(engine) as session:
                devices.record_heartbeat(
                    session,
                    device_id=device_id,
                    heartbeat=Heartbeat(status=status, detail=f"beat {n}"),
                    now=T0 + timedelta(seconds=n),
                )

    ctx = branch.context()

    def log_in(_: int) -> str:
        token, _principal, _ = users.login(
            ctx, username="alice", password=PASSWORD, now=T0, client_ip="127.0.0.1"
        )
        return token

    with ThreadPoolExecutor(max_workers=12) as pool:
        beats = [pool.submit(beat, i) for i in ids]
        logins = [pool.submit(log_in, i) for i in range(4)]
        for f in beats:
            f.result()
        tokens = [f.result() for f in logins]

    with Session(engine) as session:
        listed = devices.list_devices(session, now=T0 + timedelta(seconds=19))
        assert [(d.status, d.detail) for d in listed] == [(DeviceStatus.ERROR, "beat 19")] * 8
        assert len(session.exec(select(AuthToken).where(AuthToken.user_id == 1)).all()) == 4
        assert all(users.authenticate_token(session, t, T0) is not None for t in tokens)
