"""Events and snapshots for the realtime tests (fixed clock: every event happens at AT)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from server.contract.common import Bilingual, DeviceStatus
from server.contract.events import DeviceHealthChanged, QueueInfo, Snapshot

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
FIRST_SEQ = 1000
TOKEN = "teller-token-1"  # the one token the test app's authenticate accepts
EXPLODING_TOKEN = "explode"  # makes the test app's authenticate raise


def health(n: int, *, detail_size: int = 0) -> DeviceHealthChanged:
    """Event number ``n`` of a test: its device_id carries n so order can be checked."""
    return DeviceHealthChanged(
        seq=0,
        at=AT,
        device_id=f"printer-{n}",
        kind="printer",
        status=DeviceStatus.OK,
        detail="x" * detail_size,
    )


def snapshot() -> Snapshot:
    return Snapshot(
        seq=0,
        at=AT,
        queues=[
            QueueInfo(
                service_code="personal",
                prefix="A",
                name=Bilingual(zh="个人业务", en="Personal"),
                is_open=True,
                waiting=3,
                estimated_wait_s=420,
                open_counters=2,
            )
        ],
        counters=[],
        recent_calls=[],
    )


def decode(text: str | bytes) -> dict[str, Any]:
    data = json.loads(text)
    assert isinstance(data, dict)
    return data
