"""``/devices``: device health for technicians, and the devices' own heartbeats.

GET /devices (technician, admin): every device with kind, last heartbeat, status (UNKNOWN after
3 silent heartbeat intervals), last error, detail and components.
POST /devices/me/heartbeat (kiosk, display, panel_bridge): store a report; status changes are
published to the realtime hub as ``DeviceHealthChanged``.

Devices silent for more than 3 heartbeat intervals are marked UNKNOWN by a periodic job
(``server.services.devices.sweep_silent``, run by ``server.services.jobs``).
"""

from __future__ import annotations

from fastapi import APIRouter

from server.api.context import BranchDep
from server.api.deps import DeviceDep, TechnicianDep
from server.auth.errors import RoleRefused
from server.contract.auth import DevicePublic, Heartbeat, HeartbeatAck
from server.services import accounts, devices

router = APIRouter(prefix="/devices", tags=["devices"])


@router.get("")
def list_devices(_: TechnicianDep, branch: BranchDep) -> list[DevicePublic]:
    """Every registered (not revoked) device and its health."""
    return accounts.list_devices(branch)


@router.post("/me/heartbeat")
def heartbeat(body: Heartbeat, device: DeviceDep, branch: BranchDep) -> HeartbeatAck:
    """A device reports its status and its components' (printer, panels)."""
    if device.kind != "device":
        raise RoleRefused(
            f"heartbeats come from device tokens; {device.kind} {device.name!r} is not one",
            zh="心跳只能由设备令牌发送",
        )
    return devices.heartbeat(branch, device_id=device.id, body=body)
