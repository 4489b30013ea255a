"""Login, logout, token expiry and the failed-login limit (pinned clock, DB-persisted)."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import httpx

from tests.server.auth.conftest import PASSWORD, T0, Branch, login


async def test_login_returns_a_token_that_identifies_the_user(
    branch: Branch, client: httpx.AsyncClient
) -> None:
    branch.add_user("Alice", "teller")
    r = await client.post("/api/v1/auth/login", json={"username": "alice", "password": PASSWORD})
    assert r.status_code == 200
    body = r.json()
    assert body["role"] == "teller"
    assert datetime.fromisoformat(body["expires_at"]) == T0.replace(hour=21)  # 12 h sessions
    assert len(body["token"]) >= 40
    me = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.json() == {"kind": "user", "id": 1, "name": "alice", "role": "teller"}


async def test_no_plaintext_password_or_token_in_the_database(
    branch: Branch, client: httpx.AsyncClient
) -> None:
    branch.add_user("alice", "admin")
    token = (await login(client, "alice"))["Authorization"].removeprefix("Bearer ")
    created = await client.post(
        "/api/v1/admin/devices",
        json={"name": "kiosk-1", "role": "kiosk"},
        headers={"Authorization": f"Bearer {token}"},
    )
    device = created.json()["token"]
    db = sqlite3.connect(branch.data_dir / "branchq.sqlite3")
    dump = "\n".join(db.iterdump())
    db.close()
    assert "$argon2id$" in dump
    for secret in (PASSWORD, token, device):
        assert secret not in dump


async def test_wrong_password_and_unknown_user_get_the_same_401(
    branch: Branch, client: httpx.AsyncClient
) -> None:
    branch.add_user("alice", "teller")
    wrong = await client.post(
        "/api/v1/auth/login", json={"username": "alice", "password": "nope-nope"}
    )
    unknown = await client.post(
        "/api/v1/auth/login", json={"username": "bob", "password": PASSWORD}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert "wrong username or password" in wrong.json()["message"]["en"]
    assert wrong.json()["message"]["zh"] == "用户名或密码错误，或账户已停用"


async def test_disabled_user_cannot_log_in(branch: Branch, client: httpx.AsyncClient) -> None:
    branch.add_user("root", "admin")
    branch.add_user("alice", "teller")
    admin = await login(client, "root")
    teller = await login(client, "alice")
    r = await client.post(
        "/api/v1/admin/users/alice/disable", json={"disabled": True}, headers=admin
    )
    assert r.json()["disabled"] is True
    assert (await client.get("/api/v1/auth/me", headers=teller)).status_code == 401  # session ended
    r = await client.post("/api/v1/auth/login", json={"username": "alice", "password": PASSWORD})
    assert r.status_code == 401


async def _try(client: httpx.AsyncClient, password: str, user: str = "alice") -> httpx.Response:
    return await client.post("/api/v1/auth/login", json={"username": user, "password": password})


async def test_failed_logins_slow_the_next_try_with_growing_waits_never_a_lock(
    branch: Branch, client: httpx.AsyncClient
) -> None:
    branch.add_user("alice", "teller")
    for _ in range(3):  # the first three failures cost nothing
        assert (await _try(client, "guess-123")).status_code == 401
    assert (await _try(client, "guess-123")).status_code == 401  # the 4th: next try waits 1 s
    waits = []
    for _ in range(4):
        r = await _try(client, PASSWORD)  # even the right password waits its turn
        assert r.status_code == 429
        assert "failed logins" in r.json()["message"]["en"]
        wait = int(r.headers["Retry-After"])
        waits.append(wait)
        branch.clock.advance(wait)
        assert (await _try(client, "guess-123")).status_code == 401  # another wrong guess
    assert waits == [1, 2, 4, 8]  # each failure doubles the wait
    r = await _try(client, PASSWORD)
    assert r.status_code == 429
    assert r.headers["Retry-After"] == "16"
    assert "user 'alice' from 127.0.0.1" in r.json()["message"]["en"]
    assert "16 秒后重试" in r.json()["message"]["zh"]
    branch.clock.advance(16)
    r = await _try(client, PASSWORD)  # the right password after a short wait: in
    assert r.status_code == 200, r.text
    assert r.json()["role"] == "teller"
    assert (await _try(client, "guess-123")).status_code == 401  # success reset the count
    assert (await _try(client, "guess-123")).status_code == 401


async def test_the_wait_is_capped(branch: Branch, client: httpx.AsyncClient) -> None:
    branch.add_user("alice", "teller")
    for _ in range(12):
        r = await _try(client, "guess-123")
        if r.status_code == 429:
            branch.clock.advance(int(r.headers["Retry-After"]))
            r = await _try(client, "guess-123")
        assert r.status_code == 401
    r = await _try(client, PASSWORD)
    assert r.status_code == 429
    assert r.headers["Retry-After"] == "60"


async def test_guessing_from_another_address_does_not_slow_the_teller(branch: Branch) -> None:
    branch.add_user("alice", "teller")
    async with branch.client() as attacker:
        for _ in range(10):
            r = await _try(attacker, "guess-123")
            if r.status_code == 429:
                break
        assert r.status_code == 429
        assert branch.app is not None
        transport = httpx.ASGITransport(app=branch.app, client=("127.0.0.2", 50001))
        async with httpx.AsyncClient(transport=transport, base_url="http://branch.test") as teller:
            r = await _try(teller, PASSWORD)
    assert r.status_code == 200, r.text


async def test_failures_for_many_users_from_one_address_lock_out_nobody(branch: Branch) -> None:
    branch.add_user("alice", "teller")
    async with branch.client() as client:
        for i in range(40):  # one failure each for users that do not exist
            assert (await _try(client, "guess-123", user=f"u{i}")).status_code == 401
        r = await _try(client, PASSWORD)
    assert r.status_code == 200, r.text


async def test_the_wait_survives_a_restart(branch: Branch) -> None:
    branch.add_user("alice", "teller")
    async with branch.client() as first:
        for _ in range(5):
            await _try(first, "guess-123")
            branch.clock.advance(1)
    async with branch.client() as restarted:  # a new app and engine on the same data directory
        r = await _try(restarted, PASSWORD)
        assert r.status_code == 429
        assert r.headers["Retry-After"] == "1"  # 5 failures, the last at +4 s: 2 s after it


async def test_a_session_expires_after_its_ttl(branch: Branch, client: httpx.AsyncClient) -> None:
    branch.add_user("alice", "teller")
    headers = await login(client, "alice")
    branch.clock.advance(12 * 3600 - 1)
    assert (await client.get("/api/v1/auth/me", headers=headers)).json()["name"] == "alice"
    branch.clock.advance(1)
    r = await client.get("/api/v1/auth/me", headers=headers)
    assert r.status_code == 401
    assert "unknown, expired or revoked" in r.json()["message"]["en"]


async def test_logout_ends_the_session(branch: Branch, client: httpx.AsyncClient) -> None:
    branch.add_user("alice", "teller")
    headers = await login(client, "alice")
    assert (await client.post("/api/v1/auth/logout", headers=headers)).json()["name"] == "alice"
    assert (await client.get("/api/v1/auth/me", headers=headers)).status_code == 401


async def test_reset_password_ends_sessions_and_changes_the_password(
    branch: Branch, client: httpx.AsyncClient
) -> None:
    branch.add_user("root", "admin")
    branch.add_user("alice", "teller")
    admin = await login(client, "root")
    teller = await login(client, "alice")
    r = await client.post(
        "/api/v1/admin/users/alice/password", json={"password": "new password 2"}, headers=admin
    )
    assert r.json()["username"] == "alice"
    assert (await client.get("/api/v1/auth/me", headers=teller)).status_code == 401
    r = await client.post("/api/v1/auth/login", json={"username": "alice", "password": PASSWORD})
    assert r.status_code == 401
    await login(client, "alice", "new password 2")
