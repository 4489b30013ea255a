"""The in-process token cache: a kiosk's token check skips the database for a few seconds,
and a logout, revoke or disable in this process takes effect at once."""

from __future__ import annotations

from datetime import timedelta

from server.auth.principal import Principal
from server.contract.common import Role
from server.services import devices, users
from server.services.token_cache import TokenCache, token_cache
from server.store.db import make_engine, write_session
from tests.server.core.conftest import START, Branch


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


KIOSK = Principal(kind="device", id=1, name="kiosk-1", role=Role.KIOSK)


def test_entries_live_ttl_seconds_and_never_past_the_token_expiry() -> None:
    mono = FakeMonotonic()
    cache = TokenCache(ttl_s=5, monotonic=mono)
    cache.put("tok-a", KIOSK, None, generation=cache.generation())
    cache.put("tok-b", KIOSK, START + timedelta(seconds=2), generation=cache.generation())
    assert cache.get("tok-a", START) == KIOSK
    assert cache.get("tok-b", START) == KIOSK
    assert cache.get("tok-b", START + timedelta(seconds=2)) is None  # the token expired
    assert cache.get("other", START) is None
    mono.now += 4.9
    assert cache.get("tok-a", START) == KIOSK
    mono.now += 0.1
    assert cache.get("tok-a", START) is None


def test_an_answer_read_before_a_change_is_not_kept() -> None:
    cache = TokenCache(ttl_s=5, monotonic=FakeMonotonic())
    before = cache.generation()
    cache.invalidate()  # e.g. a logout committed while the answer was being read
    cache.put("tok-a", KIOSK, None, generation=before)
    assert cache.get("tok-a", START) is None


def _issue_status(branch: Branch, headers: dict[str, str]) -> int:
    r = branch.client.post("/api/v1/tickets", json={"service_code": "A"}, headers=headers)
    return r.status_code


def test_revoking_a_device_in_this_process_ends_its_token_at_once(branch: Branch) -> None:
    kiosk = branch.kiosk()
    assert _issue_status(branch, kiosk) == 201
    token = kiosk["Authorization"].split()[1]
    cache = token_cache(branch.app.state.engine)
    assert cache.get(token, branch.clock()) is not None, "the check was cached"
    with write_session(branch.app.state.engine) as session:
        devices.revoke_device(session, name="kiosk-1", now=branch.clock())
    assert cache.get(token, branch.clock()) is None
    r = branch.client.post("/api/v1/tickets", json={"service_code": "A"}, headers=kiosk)
    assert r.status_code == 401 and "revoked" in r.json()["message"]["en"]


def test_logout_and_disable_end_sessions_at_once(branch: Branch) -> None:
    alice = branch.user("alice")
    bob = branch.user("bob")
    assert branch.client.get("/api/v1/auth/me", headers=alice).status_code == 200
    assert branch.client.get("/api/v1/auth/me", headers=bob).status_code == 200
    assert branch.client.post("/api/v1/auth/logout", headers=alice).status_code == 200
    assert branch.client.get("/api/v1/auth/me", headers=alice).status_code == 401
    with write_session(branch.app.state.engine) as session:
        users.disable_user(session, username="bob", now=branch.clock())
    r = branch.client.get("/api/v1/auth/me", headers=bob)
    assert r.status_code == 401 and "unknown, expired or revoked" in r.json()["message"]["en"]


def test_another_process_revoking_is_seen_within_the_ttl(branch: Branch) -> None:
    kiosk = branch.kiosk()
    assert _issue_status(branch, kiosk) == 201
    cache = token_cache(branch.app.state.engine)
    mono = FakeMonotonic()
    cache._monotonic = mono  # the cache's clock, pinned from here on
    cache.invalidate()
    assert _issue_status(branch, kiosk) == 201  # cached again, on the pinned clock
    other = make_engine(str(branch.app.state.engine.url))  # as another process would
    try:
        with write_session(other) as session:
            devices.revoke_device(session, name="kiosk-1", now=branch.clock())
    finally:
        other.dispose()
    assert _issue_status(branch, kiosk) == 201, "still cached: the documented delay"
    mono.now += cache.ttl_s
    assert _issue_status(branch, kiosk) == 401
