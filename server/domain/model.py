"""The branch as the queue model sees it: services, counters, categories, policy, candidates.

All values are frozen dataclasses; the branch file (``server.branchfile``) builds them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time
from types import MappingProxyType

from server.domain.appointments import AppointmentConfig
from server.domain.errors import UnknownEntity
from server.domain.feedback import FeedbackConfig
from server.domain.states import Category


@dataclass(frozen=True)
class ServiceDef:
    """A service (业务) customers take tickets for.

    code: short id, e.g. ``"A"``; prefix: the one letter printed before the number;
    number_min..number_max: the ticket numbers, wrapping after number_max;
    daily_cap: most tickets per business day (None = no cap);
    target_wait_s: waiting longer than this (seconds) earns the policy's breach bonus;
    default_service_s: service time (seconds) assumed before any was measured;
    is_open: whether the kiosk issues tickets for it.
    """

    code: str
    prefix: str
    name_zh: str
    name_en: str
    number_min: int = 1
    number_max: int = 999
    daily_cap: int | None = None
    target_wait_s: int = 900
    default_service_s: int = 300
    is_open: bool = True

    @property
    def number_span(self) -> int:
        """How many numbers the service has (number_min..number_max): at most that many of
        its tickets can be open at once, since a live number is never given twice."""
        return self.number_max - self.number_min + 1


@dataclass(frozen=True)
class CounterDef:
    """A counter (窗口); ``weights`` maps a service code to how much the counter prefers it.

    A weight of 0 (or a missing code) means the counter does not serve that service.
    """

    number: int
    name_zh: str
    name_en: str
    weights: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "weights", MappingProxyType(dict(self.weights)))

    def weight(self, service_code: str) -> float:
        """The counter's weight for a service, 0.0 when it does not serve it."""
        return float(self.weights.get(service_code, 0.0))

    def serves(self, service_code: str) -> bool:
        return self.weight(service_code) > 0

    def served(self) -> list[str]:
        """The codes of the services it serves, sorted."""
        return sorted(code for code, w in self.weights.items() if w > 0)

    def may_take(self, *, service_code: str, target_counter: int | None) -> bool:
        """Whether a waiting ticket is for this counter: transferred to it, or (transferred to
        no counter) of a service it serves. The one rule for call, unpark and call-next."""
        if target_counter is not None:
            return target_counter == self.number
        return self.serves(service_code)

    def __hash__(self) -> int:
        return hash((self.number, self.name_zh, self.name_en, tuple(sorted(self.weights.items()))))


@dataclass(frozen=True)
class CategoryDef:
    """A customer category (normal, 优先, 贵宾, 预约) and its weight in the call score."""

    category: Category
    weight: float
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class PolicyConfig:
    """Tuning of the call-next policy.

    aging_per_min: score points per minute waited (so nobody starves).
    breach_bonus: score points once a ticket waited longer than its service's target_wait_s.
    appointment_bonus: score points while ``now`` is within appointment_window_s of the
        ticket's appointment time (before or after).
    appointment_window_s: half-width of that window, in seconds.
    max_wait_s: a ticket waiting longer than this (seconds) is called first, longest first.
    max_priority_streak: after this many non-NORMAL calls in a row at the branch, the best
        NORMAL ticket goes next if one waits (0 disables the guarantee).
    """

    aging_per_min: float = 1.0
    breach_bonus: float = 50.0
    appointment_bonus: float = 40.0
    appointment_window_s: int = 600
    max_wait_s: int = 3600
    max_priority_streak: int = 2

    def __post_init__(self) -> None:
        # call-next finds its candidates as group heads (server.domain.heads): that holds only
        # while waiting longer and the bonuses can never lower a score
        for name in ("aging_per_min", "breach_bonus", "appointment_bonus"):
            if getattr(self, name) < 0:
                raise ValueError(f"policy {name} is {getattr(self, name)}; expected >= 0")


@dataclass(frozen=True)
class ContactDef:
    """A phone number the branch's screens show (24-hour service, card loss, complaints)."""

    label_zh: str
    label_en: str
    phone: str


@dataclass(frozen=True)
class NoticeDef:
    """A notice for the screens: a safety tip or a self-service instruction."""

    zh: str
    en: str


@dataclass(frozen=True)
class MenuEntry:
    """One button of the kiosk's menu.

    A leaf takes a ticket of ``service_code`` in ``category``; a group (``service_code`` None)
    opens its ``children``, which are leaves (two levels at most).
    """

    label_zh: str
    label_en: str
    service_code: str | None = None
    category: Category = Category.NORMAL
    children: tuple[MenuEntry, ...] = ()


_DEFAULT_CATEGORIES = (
    CategoryDef(Category.NORMAL, 1.0, "普通", "Normal"),
    CategoryDef(Category.PRIORITY, 2.0, "优先", "Priority"),
    CategoryDef(Category.VIP, 3.0, "贵宾", "VIP"),
    CategoryDef(Category.APPOINTMENT, 2.5, "预约", "Appointment"),
)


@dataclass(frozen=True)
class BranchConfig:
    """The whole branch: names, daily rollover, services, counters, categories, policy, and
    what its screens show (contacts, notices, the kiosk menu; an empty menu means one button
    per service), and its appointments (预约: which services, hours, check-in policy)."""

    name_zh: str
    name_en: str
    rollover: time = time(3, 0)
    timezone: str = "Asia/Shanghai"
    services: tuple[ServiceDef, ...] = ()
    counters: tuple[CounterDef, ...] = ()
    categories: tuple[CategoryDef, ...] = _DEFAULT_CATEGORIES
    policy: PolicyConfig = field(default_factory=PolicyConfig)
    contacts: tuple[ContactDef, ...] = ()
    notices: tuple[NoticeDef, ...] = ()
    menu: tuple[MenuEntry, ...] = ()
    appointments: AppointmentConfig = field(default_factory=AppointmentConfig)
    feedback: FeedbackConfig = field(default_factory=FeedbackConfig)

    def __post_init__(self) -> None:
        for name in ("services", "counters", "categories", "contacts", "notices", "menu"):
            object.__setattr__(self, name, tuple(getattr(self, name)))

    def service(self, code: str) -> ServiceDef:
        for svc in self.services:
            if svc.code == code:
                return svc
        raise UnknownEntity("service", code, [s.code for s in self.services])

    def counter(self, number: int) -> CounterDef:
        for ctr in self.counters:
            if ctr.number == number:
                return ctr
        raise UnknownEntity("counter", number, [str(c.number) for c in self.counters])

    def category_weight(self, category: Category) -> float:
        """The category's weight; a category the branch does not list weighs 1.0."""
        for cat in self.categories:
            if cat.category == category:
                return cat.weight
        return 1.0


@dataclass(frozen=True)
class Candidate:
    """A WAITING ticket as the call policy sees it.

    arrived_at: the ORIGINAL arrival (kept across transfers); issue_seq: a global monotonic
    order used for FIFO; target_counter: set when the ticket was transferred to one counter.
    """

    ticket_id: int
    number: str
    service_code: str
    category: Category
    arrived_at: datetime
    issue_seq: int
    appointment_at: datetime | None = None
    target_counter: int | None = None
