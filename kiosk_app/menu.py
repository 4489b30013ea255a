"""The kiosk's buttons: the branch's two-level menu joined with the live queues (pure, no Qt).

The menu comes from the branch file through ``GET /api/v1/branch`` (``BranchInfo.menu``), so
every kiosk of the branch shows the same tree. A branch without a menu gets one button per
service. A button is disabled, with the reason, when its service cannot be taken now (the
server's ``QueueInfo.unavailable``: closed, daily cap reached, no open counter), when an
emergency stops issuing, and a group when none of its items can be taken.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kiosk_app import texts
from server.contract.common import Bilingual, Category
from server.contract.rest import MenuItem, QueueInfo


@dataclass(frozen=True)
class Tile:
    """One button. ``key`` is its path in the menu ("2" top level, "2.1" second level)."""

    key: str
    label: Bilingual
    category: Category
    service_code: str | None
    has_children: bool
    enabled: bool
    reason: Bilingual | None  # why it is disabled
    waiting: int | None  # people waiting (a group: of all its services)
    wait_s: int | None  # estimated wait (a group: the shortest)


def menu_items(menu: Sequence[MenuItem], queues: Mapping[str, QueueInfo]) -> list[MenuItem]:
    """The branch's menu, or one item per known service when the branch defines none."""
    if menu:
        return list(menu)
    return [
        MenuItem(label=q.name, service_code=q.service_code, category=Category.NORMAL, children=[])
        for q in sorted(queues.values(), key=lambda q: q.service_code)
    ]


def find(menu: Sequence[MenuItem], key: str) -> MenuItem | None:
    items: Sequence[MenuItem] = menu
    item: MenuItem | None = None
    for part in key.split("."):
        if not part.isdigit() or int(part) >= len(items):
            return None
        item = items[int(part)]
        items = item.children
    return item


def tiles(
    items: Sequence[MenuItem],
    queues: Mapping[str, QueueInfo],
    *,
    prefix: str = "",
    emergency: Bilingual | None = None,
) -> list[Tile]:
    return [
        _tile(f"{prefix}{i}", item, queues, emergency, prefix=f"{prefix}{i}.")
        for i, item in enumerate(items)
    ]


def _tile(
    key: str,
    item: MenuItem,
    queues: Mapping[str, QueueInfo],
    emergency: Bilingual | None,
    *,
    prefix: str,
) -> Tile:
    if item.children:
        children = tiles(item.children, queues, prefix=prefix, emergency=emergency)
        open_children = [c for c in children if c.enabled]
        waits = [c.wait_s for c in open_children if c.wait_s is not None]
        codes = {c.service_code for c in children if c.service_code}
        categories = {c.category for c in children}
        return Tile(
            key=key,
            label=item.label,
            category=categories.pop() if len(categories) == 1 else item.category,
            service_code=None,
            has_children=True,
            enabled=bool(open_children),
            reason=None if open_children else (children[0].reason if children else texts.CLOSED),
            waiting=sum(queues[c].waiting for c in codes if c in queues) if codes else None,
            wait_s=min(waits) if waits else None,
        )
    queue = queues.get(item.service_code or "")
    reason = emergency or _unavailable(queue)
    return Tile(
        key=key,
        label=item.label,
        category=item.category,
        service_code=item.service_code,
        has_children=False,
        enabled=reason is None,
        reason=reason,
        waiting=queue.waiting if queue else None,
        wait_s=queue.estimated_wait_s if queue else None,
    )


def _unavailable(queue: QueueInfo | None) -> Bilingual | None:
    if queue is None:
        return texts.CLOSED  # the server does not know this service (yet): never a dead button
    if queue.unavailable is not None:
        return queue.unavailable
    return None if queue.is_open else texts.CLOSED
