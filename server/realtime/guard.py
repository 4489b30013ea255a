"""Open websockets end when their token does: revoked, logged out, disabled, rotated past its
grace period, or expired.

``TokenGuard`` keeps the token and expiry of every open connection. It checks them all again
(one worker-thread call for the lot):
- at once when told that tokens, users or devices changed in this process (``auth_changed()``,
  thread-safe; ``server.main`` wires it to the token cache's change hook), so an admin's revoke,
  a logout or a disable closes the connections within a second;
- when the earliest expiry among them comes (an expiry timer);
- every ``recheck_s`` seconds, for changes made by another process (``branchq admin`` on the
  same database).

A refused connection's ``revoked`` event is set; the websocket handler then tells the client
``unauthorized`` and closes with 4401. A check that fails (database down) keeps the
connections and tries again later: a fault is not a revocation.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from starlette.concurrency import run_in_threadpool

__all__ = ["Access", "TokenGuard", "Watched"]

_log = logging.getLogger(__name__)
MIN_GAP_S = 0.05  # coalesce bursts of changes (a heartbeat storm) into one check


@dataclass(frozen=True)
class Access:
    """What an accepted token grants: who, and until when (None: until revoked)."""

    principal: object
    expires_at: datetime | None = None


@dataclass(eq=False)
class Watched:
    """One open connection's token; ``revoked`` is set when it stops being valid."""

    token: str
    expires_at: datetime | None
    revoked: asyncio.Event = field(default_factory=asyncio.Event)


class TokenGuard:
    """Re-checks the tokens of open websockets (see the module docstring)."""

    def __init__(
        self,
        authenticate: Callable[[str], object | None],
        *,
        clock: Callable[[], datetime] | None = None,
        recheck_s: float = 5.0,
    ) -> None:
        self._authenticate = authenticate
        self._clock = clock or (lambda: datetime.now(UTC))
        self.recheck_s = recheck_s
        self._watched: set[Watched] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self.checks = 0  # how many times the tokens were checked (for diagnostics and tests)

    # ---- lifecycle (on the server's loop) ------------------------------------------------

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    # ---- connections ----------------------------------------------------------------------

    def watch(self, token: str, grant: object) -> Watched:
        """Start watching a connection's token (``grant``: what ``authenticate`` returned)."""
        expires_at = grant.expires_at if isinstance(grant, Access) else None
        watched = Watched(token=token, expires_at=expires_at)
        self._watched.add(watched)
        if expires_at is not None and self._wake is not None:
            self._wake.set()  # the expiry timer may need to fire sooner
        return watched

    def forget(self, watched: Watched) -> None:
        self._watched.discard(watched)

    def auth_changed(self) -> None:
        """Tokens, users or devices changed (committed); callable from any thread."""
        loop, wake = self._loop, self._wake
        if loop is None or wake is None or not self._watched:
            return
        with contextlib.suppress(RuntimeError):  # the loop is closed: nothing to guard
            loop.call_soon_threadsafe(wake.set)

    # ---- the check --------------------------------------------------------------------------

    async def _run(self) -> None:
        assert self._wake is not None
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._next_wait_s())
            self._wake.clear()
            if self._watched:
                try:
                    await self.check_now()
                except Exception:
                    _log.exception("websocket token check failed; keeping the connections")
            await asyncio.sleep(MIN_GAP_S)

    def _next_wait_s(self) -> float:
        now = self._clock()
        expiries = [w.expires_at for w in self._watched if w.expires_at is not None]
        wait = self.recheck_s
        if expiries:
            wait = min(wait, (min(expiries) - now).total_seconds())
        return max(wait, MIN_GAP_S)

    async def check_now(self) -> int:
        """Check every watched token once; returns how many connections were revoked."""
        watched = list(self._watched)
        tokens = sorted({w.token for w in watched})
        grants = await run_in_threadpool(self._check_tokens, tokens)
        self.checks += 1
        revoked = 0
        for w in watched:
            grant = grants.get(w.token)
            if grant is None:
                w.revoked.set()
                self._watched.discard(w)
                revoked += 1
            else:
                w.expires_at = grant.expires_at if isinstance(grant, Access) else None
        return revoked

    def _check_tokens(self, tokens: list[str]) -> dict[str, object | None]:
        return {token: self._authenticate(token) for token in tokens}
