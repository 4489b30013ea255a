"""Load the branch file (TOML): services, counters, categories, call policy, rollover.

Every problem raises ``ConfigError`` naming the file, the key path and what was expected::

    demo_branch.toml: counter 3, weights.X: unknown service 'X'; expected one of ['A', 'B']

A counter is named by its ``number`` (not by its place in the file); one without a valid
number by its place, counted from 1 ("the 4th [[counters]] table").
"""

from __future__ import annotations

import re
import tomllib
import types
import typing
from collections.abc import Mapping
from datetime import time
from pathlib import Path
from typing import Any, Union
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from server.branchfile_appointments import (
    AppointmentsSection,
    build_appointments,
    check_appointments,
)
from server.contract.common import Category
from server.domain.errors import ConfigError
from server.domain.feedback import FeedbackConfig
from server.domain.model import (
    BranchConfig,
    CategoryDef,
    ContactDef,
    CounterDef,
    MenuEntry,
    NoticeDef,
    PolicyConfig,
    ServiceDef,
)

DEMO_BRANCH_FILE = Path(__file__).with_name("demo_branch.toml")

Name = typing.Annotated[str, Field(min_length=1)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class BranchSection(_Section):
    name_zh: Name
    name_en: Name
    rollover: time = time(3, 0)
    timezone: str = "Asia/Shanghai"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r}; expected e.g. 'Asia/Shanghai'"
            ) from None
        return value


class ServiceSection(_Section):
    code: str = Field(pattern=r"^[A-Za-z0-9_]{1,16}$")
    prefix: str
    name_zh: Name
    name_en: Name
    number_min: int = Field(default=1, ge=0)
    number_max: int = Field(default=999, ge=1, le=9999)
    daily_cap: int | None = Field(default=None, gt=0)
    target_wait_s: int = Field(default=900, gt=0)
    default_service_s: int = Field(default=300, gt=0)
    is_open: bool = True

    @field_validator("prefix")
    @classmethod
    def _one_letter(cls, value: str) -> str:
        if len(value) != 1 or not ("A" <= value <= "Z"):
            raise ValueError(f"prefix must be one letter A-Z, got {value!r}")
        return value


class CounterSection(_Section):
    number: int = Field(gt=0)
    name_zh: Name
    name_en: Name
    weights: dict[str, float]


class CategorySection(_Section):
    category: Category
    weight: float = Field(gt=0)
    name_zh: Name
    name_en: Name


class PolicySection(_Section):
    aging_per_min: float = Field(default=1.0, ge=0)
    breach_bonus: float = Field(default=50.0, ge=0)
    appointment_bonus: float = Field(default=40.0, ge=0)
    appointment_window_s: int = Field(default=600, ge=0)
    max_wait_s: int = Field(default=3600, gt=0)
    max_priority_streak: int = Field(default=2, ge=0)


class ContactSection(_Section):
    label_zh: Name
    label_en: Name
    phone: str

    @field_validator("phone")
    @classmethod
    def _dialable(cls, value: str) -> str:
        if not re.fullmatch(r"\+?[0-9][0-9 ()-]{2,30}", value):
            raise ValueError(
                f"phone must be digits (spaces, '-', '(', ')' and a leading '+' allowed), "
                f"got {value!r}"
            )
        return value


class NoticeSection(_Section):
    zh: Name
    en: Name


class MenuLeafSection(_Section):
    label_zh: Name
    label_en: Name
    service_code: str
    category: Category = Category.NORMAL


class MenuSection(_Section):
    """A top-level button: a leaf (service_code) or a group (children), not both."""

    label_zh: Name
    label_en: Name
    service_code: str | None = None
    category: Category | None = None
    children: list[MenuLeafSection] | None = None


class FeedbackSection(_Section):
    rating_window_min: int = Field(default=120, ge=1, le=7 * 24 * 60)  # minutes after finish
    complaint_due_h: int = Field(default=24, ge=1, le=30 * 24)  # hours to resolve a complaint


class BranchFile(_Section):
    branch: BranchSection
    policy: PolicySection = PolicySection()
    services: list[ServiceSection] = Field(min_length=1)
    counters: list[CounterSection] = Field(min_length=1)
    categories: list[CategorySection] | None = None
    contacts: list[ContactSection] = []
    notices: list[NoticeSection] = []
    menu: list[MenuSection] = []
    appointments: AppointmentsSection | None = None
    feedback: FeedbackSection = FeedbackSection()


def load_branch(path: str | Path) -> BranchConfig:
    """Read and validate a branch file; raises ConfigError on any problem."""
    source = Path(path)
    try:
        with source.open("rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(f"{source}: cannot read the branch file: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from exc
    return parse_branch(data, source=str(source))


def parse_branch(data: Mapping[str, Any], *, source: str = "<branch>") -> BranchConfig:
    """Validate already-parsed TOML data; ``source`` names it in error messages."""
    try:
        parsed = BranchFile.model_validate(data)
    except ValidationError as exc:
        counters = data.get("counters")
        tables = counters if isinstance(counters, list) else []
        numbers = [c.get("number") if isinstance(c, Mapping) else None for c in tables]
        problems = [_describe(err, numbers) for err in exc.errors()]
        raise ConfigError(_join(source, problems)) from exc
    problems = _cross_check(parsed)
    if problems:
        raise ConfigError(_join(source, problems))
    return _build(parsed)


def _join(source: str, problems: list[tuple[str, str]]) -> str:
    return "\n".join(f"{source}: {key}: {problem}" for key, problem in problems)


def _counter(numbers: list[Any], index: int) -> str:
    """A counter as its owner knows it: by number, else by its place in the file."""
    number = numbers[index] if index < len(numbers) else None
    if isinstance(number, int) and not isinstance(number, bool):
        return f"counter {number}"
    return f"the {_ordinal(index + 1)} [[counters]] table"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _key(loc: tuple[int | str, ...], numbers: list[Any] | None = None) -> str:
    if len(loc) >= 2 and loc[0] == "counters" and isinstance(loc[1], int):
        rest = _key(loc[2:]) if len(loc) > 2 else ""
        return _counter(numbers or [], loc[1]) + (f", {rest}" if rest else "")
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def _model_at(loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The pydantic model that validates the table at ``loc``."""
    model: type[BaseModel] | None = BranchFile
    for part in loc:
        if isinstance(part, int):
            continue
        if model is None or part not in model.model_fields:
            return None
        model = _find_model(model.model_fields[part].annotation)
    return model


def _find_model(annotation: object) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (list, Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _find_model(arg)
            if found is not None:
                return found
    return None


def _describe(err: Any, numbers: list[Any]) -> tuple[str, str]:
    loc: tuple[int | str, ...] = tuple(err["loc"])
    key = _key(loc, numbers)
    kind = err["type"]
    received = err.get("input")
    if kind == "extra_forbidden":
        model = _model_at(loc[:-1])
        known = sorted(model.model_fields) if model is not None else []
        return key, f"unknown key {loc[-1]!r}; expected one of {known}"
    if kind == "missing":
        return key, "missing; this key is required"
    message = str(err["msg"]).removeprefix("Value error, ")
    if kind == "string_too_short" and isinstance(received, str) and not received.strip():
        return key, "must not be empty"
    if kind == "value_error":
        return key, message
    return key, f"{message}, got {received!r}"


def _duplicates(values: list[Any], section: str, key: str) -> list[tuple[str, str]]:
    seen: dict[Any, int] = {}
    out: list[tuple[str, str]] = []
    for i, value in enumerate(values):
        if value in seen:
            out.append(
                (
                    f"{section}[{i}].{key}",
                    f"duplicate {key} {value!r}, already {section}[{seen[value]}]",
                )
            )
        else:
            seen[value] = i
    return out


def _cross_check(parsed: BranchFile) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    problems += _duplicates([s.code for s in parsed.services], "services", "code")
    problems += _duplicates([s.prefix for s in parsed.services], "services", "prefix")
    numbers: list[Any] = [c.number for c in parsed.counters]
    seen: dict[int, int] = {}
    for i, number in enumerate(numbers):
        if number in seen:
            problems.append(
                (
                    f"counter {number} ({_ordinal(i + 1)} [[counters]] table), number",
                    f"duplicate number {number}, already the {_ordinal(seen[number] + 1)} "
                    "[[counters]] table",
                )
            )
        seen.setdefault(number, i)
    for i, svc in enumerate(parsed.services):
        if svc.number_min >= svc.number_max:
            problems.append(
                (
                    f"services[{i}].number_min",
                    f"number_min must be below number_max, got {svc.number_min} >= "
                    f"{svc.number_max}",
                )
            )
    codes = sorted({s.code for s in parsed.services})
    for ctr in parsed.counters:
        where = f"counter {ctr.number}, weights"
        for code, weight in ctr.weights.items():
            if weight < 0:
                problems.append((f"{where}.{code}", f"weight must be >= 0, got {weight:g}"))
            if code not in codes:
                problems.append(
                    (
                        f"{where}.{code}",
                        f"unknown service {code!r}; expected one of {codes}",
                    )
                )
        if not any(w > 0 for w in ctr.weights.values()):
            problems.append((where, "the counter serves no service; give one a weight > 0"))
    problems += _check_menu(parsed.menu, codes)
    if parsed.appointments is not None:
        problems += check_appointments(parsed.appointments, codes)
    if parsed.categories is not None:
        problems += _duplicates(
            [c.category.value for c in parsed.categories], "categories", "category"
        )
        listed = {c.category for c in parsed.categories}
        missing = [c.value for c in Category if c not in listed]
        if missing:
            problems.append(
                (
                    "categories",
                    f"missing categories {missing}; list all of {[c.value for c in Category]}",
                )
            )
    return problems


def _check_menu(menu: list[MenuSection], codes: list[str]) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []

    def known(key: str, code: str) -> None:
        if code not in codes:
            problems.append((key, f"unknown service {code!r}; expected one of {codes}"))

    for i, item in enumerate(menu):
        key = f"menu[{i}]"
        if item.children is None:
            if item.service_code is None:
                problems.append(
                    (key, "needs service_code (a button) or children (a group of buttons)")
                )
            else:
                known(f"{key}.service_code", item.service_code)
            continue
        if item.service_code is not None:
            problems.append(
                (
                    f"{key}.service_code",
                    "a group with children takes no service_code; set it on each child",
                )
            )
        if item.category is not None:
            problems.append(
                (f"{key}.category", "a group with children takes no category; set it on each child")
            )
        if not item.children:
            problems.append((f"{key}.children", "a group needs at least one child"))
        for j, child in enumerate(item.children):
            known(f"{key}.children[{j}].service_code", child.service_code)
    return problems


def _menu_entry(item: MenuSection) -> MenuEntry:
    if item.children is None:
        return MenuEntry(
            item.label_zh, item.label_en, item.service_code, item.category or Category.NORMAL
        )
    children = tuple(
        MenuEntry(c.label_zh, c.label_en, c.service_code, c.category) for c in item.children
    )
    return MenuEntry(item.label_zh, item.label_en, children=children)


def _build(parsed: BranchFile) -> BranchConfig:
    b = parsed.branch
    extra: dict[str, Any] = {}
    if parsed.categories is not None:
        extra["categories"] = tuple(
            CategoryDef(c.category, c.weight, c.name_zh, c.name_en) for c in parsed.categories
        )
    return BranchConfig(
        name_zh=b.name_zh,
        name_en=b.name_en,
        rollover=b.rollover,
        timezone=b.timezone,
        services=tuple(ServiceDef(**s.model_dump()) for s in parsed.services),
        counters=tuple(
            CounterDef(c.number, c.name_zh, c.name_en, dict(c.weights)) for c in parsed.counters
        ),
        policy=PolicyConfig(**parsed.policy.model_dump()),
        contacts=tuple(ContactDef(c.label_zh, c.label_en, c.phone) for c in parsed.contacts),
        notices=tuple(NoticeDef(n.zh, n.en) for n in parsed.notices),
        menu=tuple(_menu_entry(m) for m in parsed.menu),
        appointments=build_appointments(parsed.appointments),
        feedback=FeedbackConfig(**parsed.feedback.model_dump()),
        **extra,
    )
