"""A short-lived, in-process cache of bearer token -> principal (kiosks call many times a
second; the token check should not cost a database read each time).

- An entry lives ``ttl_s`` (default 5 s) and never past the token's own expiry.
- Within this process a change to tokens, users or devices (logout, revoke, disable, password
  reset: any UPDATE or DELETE of ``authtoken``, ``user`` or ``device`` run through the engine)
  empties the cache at once, and nothing is cached while such a change is not yet committed.
- Another process's change (e.g. ``branchq admin`` on the same database while the server runs)
  is seen after at most ``ttl_s``: that is the cross-process delay of a revocation.

Only positive answers are cached: an unknown token always asks the database.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, event
from sqlalchemy.sql.dml import Delete, Update

from server.auth.principal import Principal
from server.auth.tokens import hash_token
from server.store.auth_tables import AuthToken, User
from server.store.device_tables import Device

DEFAULT_TTL_S = 5.0
MAX_ENTRIES = 4096
_DIRTY = "branchq_auth_dirty"
_WATCHED = frozenset(t.__tablename__ for t in (AuthToken, User, Device))


class TokenCache:
    """token hash -> (principal, cached until (monotonic), token expiry or None)."""

    def __init__(
        self, *, ttl_s: float = DEFAULT_TTL_S, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl_s = ttl_s
        self._monotonic = monotonic
        self._entries: dict[str, tuple[Principal, float, datetime | None]] = {}
        self._lock = threading.Lock()
        self._generation = 0  # bumped by every invalidation
        self._uncommitted = 0  # connections holding an uncommitted auth change
        self._listeners: list[Callable[[], None]] = []

    def get(self, token: str, now: datetime) -> Principal | None:
        entry = self._entries.get(hash_token(token))
        if entry is None:
            return None
        principal, until, expires_at = entry
        if self._monotonic() >= until or (expires_at is not None and expires_at <= now):
            return None
        return principal

    def generation(self) -> int:
        return self._generation

    def put(
        self,
        token: str,
        principal: Principal,
        expires_at: datetime | None,
        *,
        generation: int,
    ) -> None:
        """Keep an answer read from the database when no change happened since ``generation``
        was taken (before the read) and none is pending."""
        with self._lock:
            if generation != self._generation or self._uncommitted:
                return
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()
            self._entries[hash_token(token)] = (
                principal,
                self._monotonic() + self.ttl_s,
                expires_at,
            )

    def on_change(self, listener: Callable[[], None]) -> None:
        """Call ``listener()`` (in the committing thread) after each committed change to
        tokens, users or devices in this process (the websocket guard re-checks then)."""
        self._listeners.append(listener)

    def invalidate(self) -> None:
        with self._lock:
            self._generation += 1
            self._entries.clear()

    def _change_started(self) -> None:
        with self._lock:
            self._uncommitted += 1
            self._generation += 1
            self._entries.clear()

    def _change_ended(self) -> None:
        with self._lock:
            self._uncommitted = max(0, self._uncommitted - 1)
            self._generation += 1
            self._entries.clear()
            listeners = list(self._listeners)
        for listener in listeners:
            listener()


_caches: WeakKeyDictionary[Engine, TokenCache] = WeakKeyDictionary()
_caches_guard = threading.Lock()


def token_cache(engine: Engine) -> TokenCache:
    """The cache of ``engine``'s database in this process (made and hooked on first use)."""
    with _caches_guard:
        cache = _caches.get(engine)
        if cache is None:
            cache = _caches[engine] = TokenCache()
            _watch(engine, cache)
        return cache


def _watch(engine: Engine, cache: TokenCache) -> None:
    @event.listens_for(engine, "after_execute")
    def _after_execute(conn: Any, clause: Any, *_: Any) -> None:
        if not isinstance(clause, Update | Delete):
            return
        if getattr(clause.table, "name", None) not in _WATCHED:
            return
        info = conn.connection.info if conn.connection is not None else None
        if info is not None and not info.get(_DIRTY):
            info[_DIRTY] = True
            cache._change_started()
        else:
            cache.invalidate()

    # back in the pool (after its commit or rollback): the change is committed or gone
    @event.listens_for(engine, "checkin")
    def _checkin(dbapi_conn: Any, record: Any) -> None:
        if record is not None and record.info.pop(_DIRTY, False):
            cache._change_ended()
