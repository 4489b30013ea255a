"""The branch file's screen sections: contacts, notices and the kiosk menu."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from server.branchfile import DEMO_BRANCH_FILE, load_branch, parse_branch
from server.contract.common import Category
from server.domain.model import MenuEntry
from tests.server.test_branchfile import demo_data, refused


def test_demo_branch_has_contacts_notices_and_a_two_level_menu() -> None:
    cfg = load_branch(DEMO_BRANCH_FILE)
    assert [(c.label_en, c.phone) for c in cfg.contacts] == [
        ("24-hour service hotline", "400-820-9588"),
        ("Lost or stolen card", "400-820-9599"),
        ("Complaints", "021-6210-8000"),
    ]
    assert len(cfg.notices) >= 3 and all(n.zh and n.en for n in cfg.notices)
    personal = cfg.menu[0]
    assert (personal.label_zh, personal.service_code) == ("个人业务", None)
    assert [(c.label_zh, c.service_code, c.category) for c in personal.children[:3]] == [
        ("开户", "A", Category.NORMAL),
        ("存取款 / 转账", "A", Category.NORMAL),
        ("理财", "A", Category.NORMAL),
    ]
    by_label = {m.label_zh: m for m in cfg.menu}
    assert {c.category for c in by_label["优先"].children} == {Category.PRIORITY}
    assert by_label["贵宾"] == MenuEntry("贵宾", "VIP", "V", Category.VIP)


def test_screen_sections_are_optional() -> None:
    data = demo_data()
    for key in ("contacts", "notices", "menu"):
        del data[key]
    cfg = parse_branch(data)
    assert (cfg.contacts, cfg.notices, cfg.menu) == ((), (), ())


def _menu(data: dict[str, Any], *items: dict[str, Any]) -> dict[str, Any]:
    data["menu"] = list(items)
    return data


def test_unknown_service_in_the_menu_is_refused(tmp_path: Path) -> None:
    data = _menu(
        demo_data(),
        {"label_zh": "贷款", "label_en": "Loans", "service_code": "L"},
        {
            "label_zh": "个人",
            "label_en": "Personal",
            "children": [{"label_zh": "开户", "label_en": "Open", "service_code": "Z"}],
        },
    )
    assert refused(tmp_path, data) == (
        "menu[0].service_code: unknown service 'L'; expected one of ['A', 'B', 'F', 'V']\n"
        "menu[1].children[0].service_code: unknown service 'Z'; "
        "expected one of ['A', 'B', 'F', 'V']"
    )


def test_menu_item_needs_a_service_or_children(tmp_path: Path) -> None:
    data = _menu(demo_data(), {"label_zh": "其他", "label_en": "Other"})
    assert refused(tmp_path, data) == (
        "menu[0]: needs service_code (a button) or children (a group of buttons)"
    )


def test_group_takes_no_service_or_category_and_needs_children(tmp_path: Path) -> None:
    child = {"label_zh": "开户", "label_en": "Open", "service_code": "A"}
    data = _menu(
        demo_data(),
        {
            "label_zh": "个人",
            "label_en": "Personal",
            "service_code": "A",
            "category": "VIP",
            "children": [child],
        },
        {"label_zh": "空", "label_en": "Empty", "children": []},
    )
    assert refused(tmp_path, data) == (
        "menu[0].service_code: a group with children takes no service_code; set it on each "
        "child\n"
        "menu[0].category: a group with children takes no category; set it on each child\n"
        "menu[1].children: a group needs at least one child"
    )


def test_menu_is_two_levels_at_most(tmp_path: Path) -> None:
    grandchild = {"label_zh": "开户", "label_en": "Open", "service_code": "A"}
    child = {"label_zh": "开户", "label_en": "Open", "service_code": "A", "children": [grandchild]}
    data = _menu(demo_data(), {"label_zh": "个人", "label_en": "Personal", "children": [child]})
    message = refused(tmp_path, data)
    assert message.startswith("menu[0].children[0].children: unknown key 'children'; expected")


def test_bad_category_and_empty_label_in_the_menu(tmp_path: Path) -> None:
    data = _menu(
        demo_data(),
        {"label_zh": " ", "label_en": "VIP", "service_code": "V", "category": "GOLD"},
    )
    lines = refused(tmp_path, data).splitlines()
    assert lines[0] == "menu[0].label_zh: must not be empty"
    assert lines[1].startswith("menu[0].category: Input should be 'NORMAL', 'PRIORITY'")
    assert lines[1].endswith("got 'GOLD'")


def test_contact_phone_and_notice_texts_are_checked(tmp_path: Path) -> None:
    data = demo_data()
    data["contacts"][1]["phone"] = "call us"
    data["notices"][0]["en"] = ""
    del data["contacts"][2]["label_en"]
    assert refused(tmp_path, data) == (
        "contacts[1].phone: phone must be digits (spaces, '-', '(', ')' and a leading '+' "
        "allowed), got 'call us'\n"
        "contacts[2].label_en: missing; this key is required\n"
        "notices[0].en: must not be empty"
    )
