"""The branch file: the demo loads, and each bad file is refused with file, key and problem."""

from __future__ import annotations

import copy
import json
import tomllib
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest

from server.branchfile import DEMO_BRANCH_FILE, load_branch, parse_branch
from server.contract.common import Category
from server.domain.errors import ConfigError, DomainError


def demo_data() -> dict[str, Any]:
    with DEMO_BRANCH_FILE.open("rb") as fh:
        return tomllib.load(fh)


def test_demo_branch_loads() -> None:
    cfg = load_branch(DEMO_BRANCH_FILE)
    assert (cfg.name_zh, cfg.name_en) == ("示范支行", "Demo Branch")
    assert cfg.rollover == time(3, 0)
    assert cfg.timezone == "Asia/Shanghai"
    assert [(s.code, s.prefix, s.name_zh, s.name_en) for s in cfg.services] == [
        ("A", "A", "个人业务", "Personal"),
        ("B", "B", "对公业务", "Corporate"),
        ("V", "V", "贵宾理财", "VIP wealth"),
        ("F", "F", "外汇", "Foreign exchange"),
    ]
    assert [c.number for c in cfg.counters] == [1, 2, 3, 4, 5, 6]
    assert cfg.counter(5).weight("V") == 2.0
    assert cfg.counter(5).serves("A") and not cfg.counter(5).serves("B")
    assert cfg.category_weight(Category.NORMAL) == 1.0
    assert cfg.category_weight(Category.PRIORITY) == 2.0
    assert cfg.category_weight(Category.VIP) == 3.0
    assert cfg.category_weight(Category.APPOINTMENT) == 2.5
    assert cfg.service("V").daily_cap == 60
    assert cfg.policy.max_priority_streak == 2
    # every service is served by at least one counter
    assert all(any(c.serves(s.code) for c in cfg.counters) for s in cfg.services)


def write(tmp_path: Path, data: dict[str, Any]) -> Path:
    """A TOML file from ``data`` (only the shapes the branch file uses)."""

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, str):
            return json.dumps(v, ensure_ascii=False)  # a JSON string is a TOML basic string
        if isinstance(v, list):
            return "[ " + ", ".join(value(x) for x in v) + " ]"
        if isinstance(v, dict):
            return "{ " + ", ".join(f'"{k}" = {value(x)}' for k, x in v.items()) + " }"
        if isinstance(v, time | date):
            return v.isoformat()
        return repr(v)

    lines: list[str] = []
    for section, body in data.items():
        rows = body if isinstance(body, list) else [body]
        for row in rows:
            lines.append(f"[[{section}]]" if isinstance(body, list) else f"[{section}]")
            lines += [f"{k} = {value(v)}" for k, v in row.items()]
    path = tmp_path / "branch.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_round_trip_through_a_file(tmp_path: Path) -> None:
    path = write(tmp_path, demo_data())
    assert load_branch(path) == load_branch(DEMO_BRANCH_FILE)


def refused(tmp_path: Path, data: dict[str, Any]) -> str:
    path = write(tmp_path, data)
    with pytest.raises(ConfigError) as info:
        load_branch(path)
    assert isinstance(info.value, DomainError)
    assert str(info.value) == info.value.message
    assert all(line.startswith(f"{path}: ") for line in info.value.message.splitlines())
    return info.value.message.replace(f"{path}: ", "")


def test_unknown_service_in_weights(tmp_path: Path) -> None:
    data = demo_data()
    data["counters"][2]["weights"]["X"] = 1.0
    assert refused(tmp_path, data) == (
        "counter 3, weights.X: unknown service 'X'; expected one of ['A', 'B', 'F', 'V']"
    )


def test_prefix_must_be_one_letter(tmp_path: Path) -> None:
    data = demo_data()
    data["services"][1]["prefix"] = "AA"
    assert refused(tmp_path, data) == "services[1].prefix: prefix must be one letter A-Z, got 'AA'"


@pytest.mark.parametrize(
    ("section", "key", "index", "value", "message"),
    [
        (
            "services",
            "code",
            1,
            "A",
            "services[1].code: duplicate code 'A', already services[0]\n"
            "counter 4, weights.B: unknown service 'B'; expected one of ['A', 'F', 'V']\n"
            "counter 6, weights.B: unknown service 'B'; expected one of ['A', 'F', 'V']\n"
            "menu[1].service_code: unknown service 'B'; expected one of ['A', 'F', 'V']",
        ),
        (
            "services",
            "prefix",
            3,
            "V",
            "services[3].prefix: duplicate prefix 'V', already services[2]",
        ),
        (
            "counters",
            "number",
            5,
            1,
            "counter 1 (6th [[counters]] table), number: duplicate number 1, "
            "already the 1st [[counters]] table",
        ),
    ],
)
def test_duplicates(
    tmp_path: Path, section: str, key: str, index: int, value: Any, message: str
) -> None:
    data = demo_data()
    del data["appointments"]  # names service B, renamed here (its own test is below)
    data[section][index][key] = value
    assert refused(tmp_path, data) == message


def test_duplicate_category(tmp_path: Path) -> None:
    data = demo_data()
    data["categories"][3]["category"] = "VIP"
    assert refused(tmp_path, data) == "\n".join(
        [
            "categories[3].category: duplicate category 'VIP', already categories[2]",
            "categories: missing categories ['APPOINTMENT']; "
            "list all of ['NORMAL', 'PRIORITY', 'VIP', 'APPOINTMENT']",
        ]
    )


def test_number_range(tmp_path: Path) -> None:
    data = demo_data()
    data["services"][0]["number_min"] = 999
    assert refused(tmp_path, data) == (
        "services[0].number_min: number_min must be below number_max, got 999 >= 999"
    )


def test_negative_weight(tmp_path: Path) -> None:
    data = demo_data()
    data["counters"][0]["weights"]["F"] = -0.5
    assert refused(tmp_path, data) == "counter 1, weights.F: weight must be >= 0, got -0.5"


def test_counter_serving_nothing(tmp_path: Path) -> None:
    data = demo_data()
    data["counters"][3]["weights"] = {"B": 0.0}
    assert refused(tmp_path, data) == (
        "counter 4, weights: the counter serves no service; give one a weight > 0"
    )


def test_missing_and_empty_names(tmp_path: Path) -> None:
    data = demo_data()
    del data["services"][2]["name_en"]
    data["counters"][1]["name_zh"] = "  "
    assert refused(tmp_path, data) == "\n".join(
        [
            "services[2].name_en: missing; this key is required",
            "counter 2, name_zh: must not be empty",
        ]
    )


def test_unknown_key_lists_the_known_ones(tmp_path: Path) -> None:
    data = demo_data()
    data["policy"]["aging_per_minute"] = 2.0
    assert refused(tmp_path, data) == (
        "policy.aging_per_minute: unknown key 'aging_per_minute'; expected one of "
        "['aging_per_min', 'appointment_bonus', 'appointment_window_s', 'breach_bonus', "
        "'max_priority_streak', 'max_wait_s']"
    )


def test_wrong_types_and_ranges(tmp_path: Path) -> None:
    data = demo_data()
    data["services"][0]["daily_cap"] = 0
    data["services"][1]["number_max"] = "lots"
    data["categories"][0]["category"] = "GOLD"
    assert refused(tmp_path, data) == "\n".join(
        [
            "services[0].daily_cap: Input should be greater than 0, got 0",
            "services[1].number_max: Input should be a valid integer, unable to parse string "
            "as an integer, got 'lots'",
            "categories[0].category: Input should be 'NORMAL', 'PRIORITY', 'VIP' or "
            "'APPOINTMENT', got 'GOLD'",
        ]
    )


def test_unknown_timezone(tmp_path: Path) -> None:
    data = demo_data()
    data["branch"]["timezone"] = "Asia/Shanghia"
    assert refused(tmp_path, data) == (
        "branch.timezone: unknown time zone 'Asia/Shanghia'; expected e.g. 'Asia/Shanghai'"
    )


def test_missing_sections(tmp_path: Path) -> None:
    data = demo_data()
    del data["branch"]
    data["services"] = []
    del data["counters"]
    assert refused(tmp_path, {k: v for k, v in data.items() if v != []}) == "\n".join(
        [
            "branch: missing; this key is required",
            "services: missing; this key is required",
            "counters: missing; this key is required",
        ]
    )


def test_categories_are_optional() -> None:
    data = demo_data()
    del data["categories"]
    cfg = parse_branch(data, source="branch.toml")
    assert cfg.category_weight(Category.VIP) == 3.0


def test_not_toml(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[branch]\nname_zh = "x\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad\.toml: not valid TOML: .*line 2"):
        load_branch(path)


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "none.toml"
    with pytest.raises(ConfigError) as info:
        load_branch(path)
    assert info.value.message == f"{path}: cannot read the branch file: No such file or directory"


def test_parse_branch_names_the_source() -> None:
    data = copy.deepcopy(demo_data())
    data["services"][0]["prefix"] = "a"
    with pytest.raises(ConfigError) as info:
        parse_branch(data, source="admin upload")
    assert info.value.message == (
        "admin upload: services[0].prefix: prefix must be one letter A-Z, got 'a'"
    )


def test_a_counter_without_a_valid_number_is_named_by_its_place(tmp_path: Path) -> None:
    data = demo_data()
    del data["counters"][3]["number"]
    data["counters"][1]["number"] = "two"
    assert refused(tmp_path, data) == "\n".join(
        [
            "the 2nd [[counters]] table, number: Input should be a valid integer, unable to "
            "parse string as an integer, got 'two'",
            "the 4th [[counters]] table, number: missing; this key is required",
        ]
    )


def test_appointments_from_the_demo_file() -> None:
    cfg = load_branch(DEMO_BRANCH_FILE).appointments
    assert sorted(cfg.schedules) == ["A", "B", "V"]
    assert (cfg.policy.early_min, cfg.policy.late_min, cfg.policy.late_normal_ticket) == (
        30,
        15,
        True,
    )
    a, v = cfg.schedules["A"], cfg.schedules["V"]
    assert (a.slot_min, a.capacity, a.days_ahead) == (30, 2, 7)
    assert (v.slot_min, v.capacity) == (60, 1)
    assert a.hours[0] == ((time(9), time(12)), (time(13, 30), time(17)))
    assert 6 not in a.hours and a.hours[5] == ((time(9), time(12)),)
    assert date(2027, 1, 1) in a.closed_dates


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"services": ["A", "X"]},
            "appointments.services[1]: unknown service 'X'; expected one of ['A', 'B', 'F', 'V']",
        ),
        (
            {"hours": {"mon": ["09:00-08:00"]}},
            "appointments.hours.mon: period '09:00-08:00' ends before it starts",
        ),
        (
            {"hours": {"mon": ["09:00-12:00", "11:00-13:00"]}},
            "appointments.hours: mon: periods overlap",
        ),
        (
            {"per_service": {"F": {"capacity": 3}}},
            "appointments.per_service.F: service 'F' is not in appointments.services "
            "['A', 'B', 'V']",
        ),
    ],
)
def test_bad_appointments_are_refused(tmp_path: Path, change: dict[str, Any], message: str) -> None:
    data = demo_data()
    data["appointments"] = {**data["appointments"], **change}
    assert message in refused(tmp_path, data)
