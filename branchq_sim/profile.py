"""The day profile (TOML): the branch as its branch file defines it, and the day to simulate.

A profile holds the branch file's own tables (``[branch]``, ``[policy]``, ``[[services]]``,
``[[counters]]``, optional ``[[categories]]``), validated by ``server.branchfile`` (the one
parser of branch definitions), and the simulation's tables::

    [day]            date, open, close, serve_until, seed
    [customers]      no_show_share, appointment_share, walk_s, no_show_after_s, mix
    [arrivals.A]     per_hour = [...] (Poisson, one rate per hour from ``open``), mix
    [service_times.A] dist = "exponential" | "lognormal", mean_s, sd_s
    [[arrival_list]] given arrivals: at, service, category, service_s, no_show
    [[shifts]]       counter, open, close, breaks = [[start, end], ...]
    [staffing]       goal_share

Every problem raises ``ProfileError`` naming the file and the key path.
"""

from __future__ import annotations

import copy
import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from server.branchfile import parse_branch
from server.domain.errors import ConfigError
from server.domain.model import BranchConfig
from server.domain.states import Category

# the tables of a profile that belong to the simulation, not to the branch file
SIM_TABLES = ("day", "customers", "arrivals", "service_times", "arrival_list", "shifts", "staffing")
# the tables a what-if may not change: they make the day (its customers), not the branch's answer
DAY_TABLES = ("day", "customers", "arrivals", "service_times", "arrival_list")


class ProfileError(ValueError):
    """A day profile that cannot be simulated; the message names the file and the key."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DaySection(_Section):
    date: dt.date = dt.date(2026, 11, 30)
    open: dt.time = dt.time(9, 0)  # doors open: first arrivals, counters without a shift open
    close: dt.time = dt.time(17, 0)  # doors close: no arrival after this
    serve_until: dt.time | None = None  # last call; still waiting then = abandoned (default close)
    seed: int = 1

    @model_validator(mode="after")
    def _ordered(self) -> DaySection:
        if self.close <= self.open:
            raise ValueError(f"close {self.close} must be after open {self.open}")
        if self.serve_until is not None and self.serve_until < self.close:
            raise ValueError(f"serve_until {self.serve_until} must not be before close")
        return self


class CustomersSection(_Section):
    no_show_share: float = Field(default=0.0, ge=0.0, le=1.0)
    appointment_share: float = Field(default=0.0, ge=0.0, le=1.0)
    walk_s: float = Field(default=20.0, ge=0.0)  # from the call to the counter (seconds)
    no_show_after_s: float = Field(default=90.0, gt=0.0)  # teller waits, recalls once, gives up
    mix: dict[Category, float] = {Category.NORMAL: 1.0}


class ArrivalSection(_Section):
    per_hour: list[float] = Field(min_length=1)  # customers per hour, hour 0 starts at open
    mix: dict[Category, float] | None = None  # this service's category mix (default: customers)


class ServiceTimeSection(_Section):
    dist: Literal["exponential", "lognormal", "fixed"] = "exponential"
    mean_s: float = Field(gt=0.0)
    sd_s: float | None = Field(default=None, gt=0.0)  # lognormal only

    @model_validator(mode="after")
    def _sd(self) -> ServiceTimeSection:
        if self.dist == "lognormal" and self.sd_s is None:
            raise ValueError("a lognormal service time needs sd_s (seconds)")
        return self


class GivenArrival(_Section):
    at: dt.time
    service: str
    category: Category = Category.NORMAL
    service_s: float | None = Field(default=None, ge=0.0)
    no_show: bool = False


class ShiftSection(_Section):
    counter: int = Field(gt=0)
    open: dt.time
    close: dt.time
    breaks: list[tuple[dt.time, dt.time]] = []

    @model_validator(mode="after")
    def _inside(self) -> ShiftSection:
        if self.close <= self.open:
            raise ValueError(f"close {self.close} must be after open {self.open}")
        for start, end in self.breaks:
            if not self.open <= start < end <= self.close:
                raise ValueError(f"break {start}-{end} must lie within {self.open}-{self.close}")
        return self


class StaffingSection(_Section):
    goal_share: float = Field(default=0.8, gt=0.0, le=1.0)  # served within the target wait


class SimTables(_Section):
    day: DaySection = DaySection()
    customers: CustomersSection = CustomersSection()
    arrivals: dict[str, ArrivalSection] = {}
    service_times: dict[str, ServiceTimeSection] = {}
    arrival_list: list[GivenArrival] = []
    shifts: list[ShiftSection] = []
    staffing: StaffingSection = StaffingSection()


@dataclass(frozen=True)
class Profile:
    """A parsed profile: the branch (domain config) and the simulation tables; ``data`` is the
    raw TOML so a what-if can be laid over it."""

    source: str
    branch: BranchConfig
    sim: SimTables
    data: Mapping[str, Any]

    @property
    def seed(self) -> int:
        return self.sim.day.seed


def _read_toml(path: str | Path, what: str) -> dict[str, Any]:
    try:
        with Path(path).open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise ProfileError(f"{path}: cannot read the {what}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path}: not valid TOML: {exc}") from exc


def load_profile(path: str | Path) -> Profile:
    return parse_profile(_read_toml(path, "profile"), source=str(path))


def parse_profile(data: Mapping[str, Any], *, source: str = "<profile>") -> Profile:
    branch_data = {k: v for k, v in data.items() if k not in SIM_TABLES}
    try:
        branch = parse_branch(branch_data, source=source)
    except ConfigError as exc:
        raise ProfileError(str(exc)) from exc
    sim_data = {k: v for k, v in data.items() if k in SIM_TABLES}
    try:
        sim = SimTables.model_validate(sim_data)
    except ValidationError as exc:
        lines = [f"{source}: {_loc(e['loc'])}: {_msg(e)}" for e in exc.errors()]
        raise ProfileError("\n".join(lines)) from exc
    problems = _cross_check(branch, sim)
    if problems:
        raise ProfileError("\n".join(f"{source}: {key}: {why}" for key, why in problems))
    return Profile(source, branch, sim, copy.deepcopy(dict(data)))


def overlay(base: Profile, path: str | Path) -> Profile:
    """``base`` with a what-if file laid over it: each top-level table of the what-if replaces
    the base's (``[[counters]]``, ``[[shifts]]``, ``[policy]``, ...). The day itself (arrivals,
    customers, service times) cannot change: a what-if answers for the same customers."""
    source = str(path)
    extra = _read_toml(path, "what-if")
    changed_day = sorted(k for k in extra if k in DAY_TABLES)
    if changed_day:
        raise ProfileError(
            f"{source}: {', '.join(changed_day)}: a what-if keeps the same day (same customers); "
            "it may change counters, shifts, policy, services' targets or categories"
        )
    merged = {**copy.deepcopy(dict(base.data)), **extra}
    return parse_profile(merged, source=source)


def _cross_check(branch: BranchConfig, sim: SimTables) -> list[tuple[str, str]]:
    codes = [s.code for s in branch.services]
    numbers = [c.number for c in branch.counters]
    problems: list[tuple[str, str]] = []
    for table in ("arrivals", "service_times"):
        for code in getattr(sim, table):
            if code not in codes:
                problems.append(
                    (f"{table}.{code}", f"unknown service {code!r}; expected one of {codes}")
                )
    for code in sim.arrivals:
        if code not in sim.service_times:
            problems.append(
                (f"service_times.{code}", f"missing; the arrivals of {code} need its service time")
            )
    for i, given in enumerate(sim.arrival_list):
        if given.service not in codes:
            problems.append(
                (
                    f"arrival_list[{i}].service",
                    f"unknown service {given.service!r}; expected one of {codes}",
                )
            )
        elif given.service_s is None and given.service not in sim.service_times:
            problems.append(
                (f"arrival_list[{i}].service_s", "missing, and no service_times for its service")
            )
    seen: set[int] = set()
    for i, shift in enumerate(sim.shifts):
        if shift.counter not in numbers:
            problems.append(
                (
                    f"shifts[{i}].counter",
                    f"unknown counter {shift.counter}; expected one of {numbers}",
                )
            )
        if shift.counter in seen:
            problems.append((f"shifts[{i}].counter", f"counter {shift.counter} has two shifts"))
        seen.add(shift.counter)
    mixes = [("customers.mix", sim.customers.mix)] + [
        (f"arrivals.{code}.mix", a.mix) for code, a in sim.arrivals.items() if a.mix is not None
    ]
    for key, mix in mixes:
        if not mix or sum(mix.values()) <= 0 or any(v < 0 for v in mix.values()):
            problems.append((key, "needs shares >= 0 that add up to more than 0"))
    if not sim.arrivals and not sim.arrival_list:
        problems.append(("arrivals", "missing; give [arrivals.<service>] or [[arrival_list]]"))
    return problems


def _loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _msg(err: Any) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "missing; this key is required"
    message = str(err["msg"]).removeprefix("Value error, ")
    if kind == "value_error":
        return message
    return f"{message}, got {err.get('input')!r}"
