"""The audit trail's rules: who did what, the hash chain, and checking the chain (pure).

Every entry carries the hash of the entry before it and its own hash::

    hash = sha256(canonical_bytes(entry)).hexdigest()

``canonical_bytes`` is the UTF-8 of the JSON object of these fields, keys sorted, no spaces
(``json.dumps(..., sort_keys=True, separators=(",", ":"), ensure_ascii=False,
allow_nan=False)``)::

    seq           int, 1, 2, 3 ... with no gap
    at            "2026-11-29T02:00:00.000000Z" (UTC, microseconds, "Z")
    business_day  "2026-11-29"
    actor_kind    "user" | "device" | "cli" | "system"
    actor_id      int or null (a user's or device's row id)
    actor_name    the username, device name or operating-system account
    actor_role    "teller", "admin", ... ("" when unknown, e.g. a login as nobody)
    action        one of ``AuditAction`` ("ticket.call_next", "user.create", ...)
    subject       what it was done to: "ticket:A001", "counter:3", "user:bob" ...
    details       a small JSON object (sorted too)
    prev_hash     the hash of entry seq-1; 64 zeros for seq 1

What the chain proves, and what not: an entry edited, deleted, inserted or moved in the
database breaks the chain at that entry, and ``verify_chain`` names the first broken seq.
Anybody who can write to the database and knows this format can, however, rewrite every entry
from some point on with fresh hashes (the hash is not a signature): only a head hash kept
somewhere else (``Anchor``: written down, printed to the server log at each rollover, sent
to another system) shows that the chain was rewritten.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

GENESIS_HASH = "0" * 64
DETAILS_MAX_CHARS = 4000  # a small JSON object; refused above this (a bug, not user input)


class AuditAction(StrEnum):
    """Every audited action. Ticket issuing by kiosks is not one (public fast path; the ticket
    table already holds every ticket), nor are customers' own actions (bookings on the phone,
    check-ins, ratings, complaints opened): staff actions are."""

    LOGIN = "auth.login"
    LOGIN_FAILED = "auth.login_failed"
    LOGOUT = "auth.logout"
    COUNTER_OPEN = "counter.open"
    COUNTER_PAUSE = "counter.pause"
    COUNTER_CLOSE = "counter.close"
    CALL_NEXT = "ticket.call_next"
    CALL = "ticket.call"
    RECALL = "ticket.recall"
    START = "ticket.start"
    FINISH = "ticket.finish"
    NO_SHOW = "ticket.no_show"
    PARK = "ticket.park"
    UNPARK = "ticket.unpark"
    CANCEL = "ticket.cancel"
    TRANSFER = "ticket.transfer"
    USER_CREATE = "user.create"
    USER_DISABLE = "user.disable"
    USER_ENABLE = "user.enable"
    USER_PASSWORD = "user.password_reset"
    DEVICE_REGISTER = "device.register"
    DEVICE_ROTATE = "device.rotate_token"
    DEVICE_REVOKE = "device.revoke"
    SERVICE_UPDATE = "service.update"
    COUNTER_SKILLS = "counter.skills"
    CATEGORY_UPDATE = "category.update"
    EMERGENCY_ON = "emergency.on"
    EMERGENCY_OFF = "emergency.off"
    APPOINTMENT_BOOK = "appointment.book"
    APPOINTMENT_CANCEL = "appointment.cancel"
    APPOINTMENT_SCHEDULE = "appointment.schedule"
    COMPLAINT_TAKE = "complaint.take"
    COMPLAINT_ASSIGN = "complaint.assign"
    COMPLAINT_RESOLVE = "complaint.resolve"
    ALERT_ACKNOWLEDGE = "alert.acknowledge"


ACTION_WORDS: dict[AuditAction, tuple[str, str]] = {
    AuditAction.LOGIN: ("登录", "signed in"),
    AuditAction.LOGIN_FAILED: ("登录失败", "sign-in failed"),
    AuditAction.LOGOUT: ("退出登录", "signed out"),
    AuditAction.COUNTER_OPEN: ("开启窗口", "opened the counter"),
    AuditAction.COUNTER_PAUSE: ("暂停窗口", "paused the counter"),
    AuditAction.COUNTER_CLOSE: ("关闭窗口", "closed the counter"),
    AuditAction.CALL_NEXT: ("顺序叫号", "called next"),
    AuditAction.CALL: ("指定叫号", "called a chosen ticket"),
    AuditAction.RECALL: ("重呼", "recalled"),
    AuditAction.START: ("开始办理", "started service"),
    AuditAction.FINISH: ("办结", "finished"),
    AuditAction.NO_SHOW: ("过号", "marked no-show"),
    AuditAction.PARK: ("挂起", "parked"),
    AuditAction.UNPARK: ("恢复挂起", "took back a parked ticket"),
    AuditAction.CANCEL: ("取消号码", "cancelled a ticket"),
    AuditAction.TRANSFER: ("转移", "transferred"),
    AuditAction.USER_CREATE: ("新建用户", "created a user"),
    AuditAction.USER_DISABLE: ("停用用户", "disabled a user"),
    AuditAction.USER_ENABLE: ("启用用户", "enabled a user"),
    AuditAction.USER_PASSWORD: ("重置密码", "reset a password"),
    AuditAction.DEVICE_REGISTER: ("注册设备", "registered a device"),
    AuditAction.DEVICE_ROTATE: ("更换设备令牌", "rotated a device token"),
    AuditAction.DEVICE_REVOKE: ("吊销设备", "revoked a device"),
    AuditAction.SERVICE_UPDATE: ("修改业务设置", "changed a service"),
    AuditAction.COUNTER_SKILLS: ("修改窗口业务", "changed a counter's services"),
    AuditAction.CATEGORY_UPDATE: ("修改客户类别权重", "changed a category's weight"),
    AuditAction.EMERGENCY_ON: ("启动应急/暂停", "stopped issuing (emergency or pause)"),
    AuditAction.EMERGENCY_OFF: ("恢复取号", "resumed issuing"),
    AuditAction.APPOINTMENT_BOOK: ("代客预约", "booked for a customer"),
    AuditAction.APPOINTMENT_CANCEL: ("取消预约", "cancelled a booking"),
    AuditAction.APPOINTMENT_SCHEDULE: ("修改预约时段", "changed appointment hours"),
    AuditAction.COMPLAINT_TAKE: ("受理投诉", "took a complaint"),
    AuditAction.COMPLAINT_ASSIGN: ("分派投诉", "assigned a complaint"),
    AuditAction.COMPLAINT_RESOLVE: ("办结投诉", "resolved a complaint"),
    AuditAction.ALERT_ACKNOWLEDGE: ("确认等候提醒", "acknowledged a wait alert"),
}


def action_words(action: str) -> tuple[str, str]:
    """(zh, en) words of an action; an unknown one (an edited entry) as it is."""
    try:
        return ACTION_WORDS[AuditAction(action)]
    except ValueError:
        return action, action


@dataclass(frozen=True)
class Actor:
    """Who acted: ``kind`` user/device (an authenticated principal), cli (an operator on the
    server machine, named by their OS account), or system."""

    kind: str
    id: int | None
    name: str
    role: str


@dataclass(frozen=True)
class Acting:
    """An actor acting now: who, when (UTC) and on which business day."""

    actor: Actor
    at: datetime
    day: date

    @classmethod
    def system(cls, name: str, at: datetime, day: date | None = None) -> Acting:
        """The branch's own setup (the demo's accounts, a test's fixtures): actor kind system;
        ``day`` defaults to the UTC date of ``at``."""
        return cls(Actor("system", None, name, "admin"), at, day or at.astimezone(UTC).date())


@dataclass(frozen=True)
class Entry:
    """One audit entry as stored (``hash`` over every other field, see the module doc)."""

    seq: int
    at: datetime
    business_day: date
    actor: Actor
    action: str
    subject: str
    details: Mapping[str, Any] = field(default_factory=dict)
    prev_hash: str = GENESIS_HASH
    hash: str = ""


class AuditFormatError(ValueError):
    """Details that cannot be put in an entry (not JSON, NaN, too large)."""


def utc_text(at: datetime) -> str:
    if at.tzinfo is None or at.utcoffset() is None:
        raise AuditFormatError(f"naive time {at.isoformat()}; expected a timezone-aware one")
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, UTF-8 text kept, NaN/Infinity refused."""
    try:
        return json.dumps(
            value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
    except (TypeError, ValueError) as exc:
        raise AuditFormatError(f"audit details are not plain JSON: {exc}") from exc


def details_json(details: Mapping[str, Any] | None) -> str:
    """The details as stored: canonical JSON of an object, at most DETAILS_MAX_CHARS."""
    text = canonical_json(dict(details or {}))
    if len(text) > DETAILS_MAX_CHARS:
        raise AuditFormatError(
            f"audit details are {len(text)} characters; expected at most {DETAILS_MAX_CHARS}"
        )
    return text


def canonical_bytes(entry: Entry) -> bytes:
    fields = {
        "seq": entry.seq,
        "at": utc_text(entry.at),
        "business_day": entry.business_day.isoformat(),
        "actor_kind": entry.actor.kind,
        "actor_id": entry.actor.id,
        "actor_name": entry.actor.name,
        "actor_role": entry.actor.role,
        "action": entry.action,
        "subject": entry.subject,
        "details": dict(entry.details),
        "prev_hash": entry.prev_hash,
    }
    return canonical_json(fields).encode("utf-8")


def entry_hash(entry: Entry) -> str:
    return hashlib.sha256(canonical_bytes(entry)).hexdigest()


def chained(entry: Entry, *, prev_hash: str) -> Entry:
    """``entry`` linked after ``prev_hash``, with its own hash."""
    linked = Entry(
        seq=entry.seq,
        at=entry.at,
        business_day=entry.business_day,
        actor=entry.actor,
        action=entry.action,
        subject=entry.subject,
        details=entry.details,
        prev_hash=prev_hash,
    )
    return Entry(**{**linked.__dict__, "hash": entry_hash(linked)})


@dataclass(frozen=True)
class Anchor:
    """A head kept somewhere else: entry ``seq`` had hash ``hash``."""

    seq: int
    hash: str

    @classmethod
    def parse(cls, text: str) -> Anchor:
        """``"1234:ab12..."`` (as ``branchq audit head`` prints it)."""
        seq, sep, digest = text.strip().partition(":")
        digest = digest.strip().lower()
        if not sep or not seq.isdigit() or len(digest) != 64 or not _is_hex(digest):
            raise ValueError(f"anchor {text!r}: expected SEQ:SHA256, e.g. 1234:{'ab' * 32}")
        return cls(int(seq), digest)

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"


def _is_hex(text: str) -> bool:
    return all(c in "0123456789abcdef" for c in text)


@dataclass(frozen=True)
class ChainReport:
    """The answer of ``verify_chain``: intact, or the first broken seq and why (en/zh)."""

    intact: bool
    entries: int
    head_seq: int
    head_hash: str
    broken_seq: int | None = None
    problem: str | None = None
    problem_zh: str | None = None


class _Broken(Exception):
    def __init__(self, seq: int, en: str, zh: str) -> None:
        super().__init__(en)
        self.seq, self.en, self.zh = seq, en, zh


class ChainChecker:
    """Checks entries fed in seq order (``feed``), then the recorded head (``finish``).

    Entry n is sound when its seq is n, its prev_hash is entry n-1's hash, and its hash is
    the hash of its fields. The first problem is the answer: later entries are not trusted.
    """

    def __init__(self, anchors: Iterable[Anchor] = ()) -> None:
        self._anchors = {a.seq: a.hash for a in anchors}
        self._seen_anchors: set[int] = set()
        self.count = 0
        self.last_seq = 0
        self.last_hash = GENESIS_HASH
        self.broken: _Broken | None = None

    def feed(self, entry: Entry) -> bool:
        """False once the chain is broken (stop reading)."""
        if self.broken is not None:
            return False
        try:
            self._check(entry)
        except _Broken as broken:
            self.broken = broken
            return False
        self.count += 1
        self.last_seq, self.last_hash = entry.seq, entry.hash
        return True

    def _check(self, e: Entry) -> None:
        expected = self.last_seq + 1
        if e.seq != expected:
            if e.seq > expected:
                raise _Broken(
                    expected,
                    f"entry {expected} is missing (the next entry is {e.seq}): entries "
                    "were deleted",
                    f"缺少第 {expected} 条记录（下一条为第 {e.seq} 条）：记录被删除",
                )
            raise _Broken(
                e.seq,
                f"entry {e.seq} comes after entry {self.last_seq}: entries were reordered",
                f"第 {e.seq} 条记录出现在第 {self.last_seq} 条之后：记录顺序被改动",
            )
        if e.prev_hash != self.last_hash:
            raise _Broken(
                e.seq,
                f"entry {e.seq} does not follow entry {self.last_seq} (its previous hash "
                f"differs): an entry before it was inserted, deleted, replaced or reordered",
                f"第 {e.seq} 条记录与第 {self.last_seq} 条不衔接（前一哈希不符）："
                "其前的记录被插入、删除、替换或调换",
            )
        try:
            actual = entry_hash(e)
        except AuditFormatError as exc:
            raise _Broken(
                e.seq, f"entry {e.seq} cannot be read: {exc}", f"第 {e.seq} 条记录无法读取"
            ) from exc
        if actual != e.hash:
            raise _Broken(
                e.seq,
                f"entry {e.seq} was changed after it was written (its hash does not match "
                "its fields)",
                f"第 {e.seq} 条记录写入后被修改（哈希与内容不符）",
            )
        anchored = self._anchors.get(e.seq)
        if anchored is not None:
            self._seen_anchors.add(e.seq)
            if anchored != e.hash:
                raise _Broken(
                    e.seq,
                    f"entry {e.seq} differs from the anchor kept elsewhere: the chain "
                    "was rewritten from this entry or before",
                    f"第 {e.seq} 条记录与另行保存的锚点不符：记录链自此或更早处被重写",
                )

    def finish(self, *, head_seq: int | None, head_hash: str | None) -> ChainReport:
        """The report, comparing the last entry with the head the database recorded."""
        broken = self.broken
        if broken is None:
            broken = self._check_head(head_seq, head_hash)
        if broken is None:
            missing = sorted(set(self._anchors) - self._seen_anchors)
            if missing:
                seq = missing[0]
                broken = _Broken(
                    seq,
                    f"entry {seq} of the anchor kept elsewhere is not in the chain: the "
                    "chain was cut or rewritten",
                    f"另行保存的锚点所指第 {seq} 条记录不存在：记录链被截断或重写",
                )
        return ChainReport(
            intact=broken is None,
            entries=self.count,
            head_seq=self.last_seq,
            head_hash=self.last_hash,
            broken_seq=None if broken is None else broken.seq,
            problem=None if broken is None else broken.en,
            problem_zh=None if broken is None else broken.zh,
        )

    def _check_head(self, head_seq: int | None, head_hash: str | None) -> _Broken | None:
        if head_seq is None or head_hash is None:
            return None
        if head_seq > self.last_seq:
            seq = self.last_seq + 1
            return _Broken(
                seq,
                f"the chain ends at entry {self.last_seq} but its recorded head is entry "
                f"{head_seq}: the last entries were deleted",
                f"记录链止于第 {self.last_seq} 条，而记录的链头为第 {head_seq} 条：末尾记录被删除",
            )
        if head_seq < self.last_seq:
            seq = head_seq + 1
            return _Broken(
                seq,
                f"entry {seq} and later are not in the recorded head (entry {head_seq}): "
                "entries were added outside the server",
                f"第 {seq} 条及之后的记录不在记录的链头（第 {head_seq} 条）之内：记录被私自添加",
            )
        if head_hash != self.last_hash:
            return _Broken(
                head_seq,
                f"entry {head_seq} differs from the recorded head: it was replaced",
                f"第 {head_seq} 条记录与记录的链头不符：该记录被替换",
            )
        return None


def verify_chain(
    entries: Iterable[Entry],
    *,
    head_seq: int | None = None,
    head_hash: str | None = None,
    anchors: Iterable[Anchor] = (),
) -> ChainReport:
    """Check a whole chain in memory (``ChainChecker`` for one read in pages)."""
    checker = ChainChecker(anchors)
    for entry in entries:
        if not checker.feed(entry):
            break
    return checker.finish(head_seq=head_seq, head_hash=head_hash)
