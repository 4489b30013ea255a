"""``/devices``: device health for technicians, and the devices' own heartbeats.

GET /devices (technician, admin): every device with kind, last heartbeat, status (UNKNOWN after
3 silent heartbeat intervals), last error, detail and components.
POST /devices/me/heartbeat (kiosk, display, panel_bridge): store a report; status changes are
published to the realtime hub as ``DeviceHealthChanged``.

The router's lifespan runs a sweep every ``SWEEP_INTERVAL_S`` seconds (and once at startup)
that marks devices silent for more than 3 heartbeat intervals UNKNOWN and publishes it; it
uses ``app.state.engine``, ``app.state.clock`` and ``app.state.hub`` set by the app's lifespan.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from fastapi import APIRouter, FastAPI, Request
from starlette.concurrency import run_in_threadpool

from server.api.deps import DeviceDep, EngineDep, NowDep, SessionDep, TechnicianDep
from server.auth.errors import NotAuthenticated, RoleRefused, UnknownPrincipal
from server.contract.auth import DevicePublic, Heartbeat, HeartbeatAck
from server.services import devices
from server.store.db import read_session, write_session

SWEEP_INTERVAL_S = 5.0
_log = logging.getLogger(__name__)


def sweep_silent_devices(app: FastAPI) -> int:
    """Mark newly silent devices UNKNOWN (publishing it); returns how many events."""
    engine = app.state.engine
    clock = getattr(app.state, "clock", None)
    now = clock() if clock is not None else datetime.now(UTC)
    with read_session(engine) as session:  # the common case: nothing to do, no write lock
        if not devices.newly_silent(session, now=now):
            return 0
    hub = getattr(app.state, "hub", None)
    with write_session(engine) as session:
        events = devices.mark_silent(
            session, now=now, publish=hub.publish if hub is not None else None
        )
    return len(events)


async def _sweep_forever(app: FastAPI) -> None:
    while True:
        try:
            await run_in_threadpool(sweep_silent_devices, app)
        except Exception:
            _log.exception("device silence sweep failed; retrying in %.0f s", SWEEP_INTERVAL_S)
        await asyncio.sleep(SWEEP_INTERVAL_S)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    task = asyncio.create_task(_sweep_forever(app))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


router = APIRouter(prefix="/devices", tags=["devices"], lifespan=_lifespan)


@router.get("")
def list_devices(_: TechnicianDep, session: SessionDep, now: NowDep) -> list[DevicePublic]:
    """Every registered (not revoked) device and its health."""
    return devices.list_devices(session, now=now)


@router.post("/me/heartbeat")
def heartbeat(
    body: Heartbeat, device: DeviceDep, request: Request, engine: EngineDep, now: NowDep
) -> HeartbeatAck:
    """A device reports its status and its components' (printer, panels)."""
    if device.kind != "device":
        raise RoleRefused(
            f"heartbeats come from device tokens; {device.kind} {device.name!r} is not one",
            zh="心跳只能由设备令牌发送",
        )
    hub = getattr(request.app.state, "hub", None)
    try:
        with write_session(engine) as session:
            public, events = devices.record_heartbeat(
                session,
                device_id=device.id,
                heartbeat=body,
                now=now,
                publish=hub.publish if hub is not None else None,
            )
    except UnknownPrincipal as exc:  # revoked between authentication and now
        raise NotAuthenticated(exc.message, zh="设备令牌已被撤销") from exc
    return HeartbeatAck(device=public, changed=[e.device_id for e in events])
