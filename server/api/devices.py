"""``/devices``: device health for technicians, and the devices' own heartbeats.

GET /devices (technician, admin): every device with kind, last heartbeat, status (UNKNOWN after
3 silent heartbeat intervals), last error, detail and components.
POST /devices/me/heartbeat (kiosk, display, panel_bridge): store a report; status changes are
published to the realtime hub as ``DeviceHealthChanged``.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, status

from server.api.deps import DeviceDep, EngineDep, NowDep, SessionDep, TechnicianDep
from server.auth.errors import UnknownPrincipal
from server.contract.auth import DevicePublic, Heartbeat, HeartbeatAck
from server.services import devices
from server.store.db import write_session

router = APIRouter(prefix="/devices", tags=["devices"])


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
        raise HTTPException(
            status_code=status.HTTP_403_FORBIDDEN,
            detail=f"heartbeats come from device tokens; {device.kind} {device.name!r} is not one",
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
        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED, detail=str(exc)) from exc
    return HeartbeatAck(device=public, changed=[e.device_id for e in events])
