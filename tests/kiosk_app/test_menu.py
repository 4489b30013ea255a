"""The kiosk's buttons from the branch's menu and the live queues (pure: no server, no window)."""

from __future__ import annotations

from kiosk_app import menu, texts
from server.contract.common import Bilingual, Category
from server.contract.rest import MenuItem, QueueInfo

CAP = Bilingual(zh="今日号源已满", en="No more tickets today")


def queue(code: str, waiting: int = 0, wait_s: int = 0, **kw: object) -> QueueInfo:
    return QueueInfo(
        service_code=code,
        prefix=code,
        name=Bilingual(zh=f"业务{code}", en=f"Service {code}"),
        is_open=kw.get("is_open", True),  # type: ignore[arg-type]
        waiting=waiting,
        estimated_wait_s=wait_s,
        open_counters=1,
        unavailable=kw.get("unavailable"),  # type: ignore[arg-type]
    )


def item(label: str, code: str | None = None, category: Category = Category.NORMAL,
         children: list[MenuItem] | None = None) -> MenuItem:  # fmt: skip
    return MenuItem(
        label=Bilingual(zh=label, en=label), service_code=code, category=category,
        children=children or [],
    )  # fmt: skip


MENU = [
    item("personal", children=[item("open", "A"), item("transfer", "A")]),
    item("fx", "F"),
    item(
        "priority",
        children=[item("A prio", "A", Category.PRIORITY), item("F prio", "F", Category.PRIORITY)],
    ),
    item("vip", "V", Category.VIP),
]


def test_leaves_carry_their_queue_and_groups_sum_theirs() -> None:
    queues = {"A": queue("A", 3, 600), "F": queue("F", 2, 300), "V": queue("V", 1, 900)}
    tiles = menu.tiles(MENU, queues)
    assert [t.key for t in tiles] == ["0", "1", "2", "3"]
    personal, fx, priority, vip = tiles
    assert personal.has_children and personal.enabled and personal.waiting == 3
    assert personal.wait_s == 600
    assert (fx.waiting, fx.wait_s, fx.service_code) == (2, 300, "F")
    assert priority.category is Category.PRIORITY  # all its items are priority
    assert priority.waiting == 5
    assert vip.category is Category.VIP and vip.enabled


def test_unavailable_services_are_disabled_with_the_servers_reason() -> None:
    queues = {
        "A": queue("A"),
        "F": queue("F", is_open=False),
        "V": queue("V", unavailable=CAP),
    }
    _, fx, priority, vip = menu.tiles(MENU, queues)
    assert not fx.enabled and fx.reason == texts.CLOSED
    assert not vip.enabled and vip.reason == CAP
    assert priority.enabled  # one of its items (A) can still be taken
    children = menu.tiles(MENU[2].children, queues, prefix="2.")
    assert [c.key for c in children] == ["2.0", "2.1"]
    assert [c.enabled for c in children] == [True, False]


def test_a_group_with_nothing_to_take_is_disabled_and_says_why() -> None:
    queues = {"A": queue("A", unavailable=CAP), "F": queue("F"), "V": queue("V")}
    personal = menu.tiles(MENU, queues)[0]
    assert not personal.enabled and personal.reason == CAP


def test_unknown_service_is_never_a_live_button() -> None:
    (tile,) = menu.tiles([item("ghost", "Z")], {})
    assert not tile.enabled and tile.reason == texts.CLOSED and tile.waiting is None


def test_an_emergency_disables_every_button_with_its_notice() -> None:
    notice = Bilingual(zh="暂停取号", en="Issuing stopped")
    queues = {c: queue(c) for c in "AFV"}
    tiles = menu.tiles(MENU, queues, emergency=notice)
    assert [t.enabled for t in tiles] == [False] * 4
    assert {t.reason for t in tiles} == {notice}


def test_without_a_menu_every_service_is_a_button() -> None:
    queues = {"B": queue("B"), "A": queue("A")}
    items = menu.menu_items([], queues)
    assert [(i.service_code, i.category) for i in items] == [
        ("A", Category.NORMAL),
        ("B", Category.NORMAL),
    ]
    assert menu.menu_items(MENU, queues) == MENU


def test_find_by_key() -> None:
    assert menu.find(MENU, "2.1") == MENU[2].children[1]
    assert menu.find(MENU, "1") == MENU[1]
    assert menu.find(MENU, "9") is None
    assert menu.find(MENU, "x") is None
    assert menu.find(MENU, "1.0") is None
