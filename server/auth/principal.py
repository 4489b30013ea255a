"""The authenticated caller of a request: a user (teller, manager, admin, technician) or a
device."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from server.contract.common import Role

USER_ROLES: frozenset[Role] = frozenset({Role.ADMIN, Role.MANAGER, Role.TELLER, Role.TECHNICIAN})
DEVICE_ROLES: frozenset[Role] = frozenset(
    {Role.KIOSK, Role.DISPLAY, Role.PANEL_BRIDGE, Role.RATING_PAD}
)


@dataclass(frozen=True)
class Principal:
    """Who made a request. ``id`` is the User or Device row id, depending on ``kind``."""

    kind: Literal["user", "device"]
    id: int
    name: str
    role: Role
