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


async def test_five_failures_lock_the_username_with_retry_after(
    branch: Branch, client: httpx.AsyncClient
) -> None:
    branch.add_user("alice", "teller")
    for _ in range(5):
        r = await client.post(
            "/api/v1/auth/login", json={"username": "alice", "password": "guess-123"}
        )
        assert r.status_code == 401
        branch.clock.advance(10)  # failures at 09:00:00 ... 09:00:40
    # even the right password is refused now, and the answer says when to retry
    r = await client.post("/api/v1/auth/login", json={"username": "alice", "password": PASSWORD})
    assert r.status_code == 429
    assert r.headers["Retry-After"] == "250"  # the first failure leaves the window at 09:05:00
    assert "too many failed logins for user 'alice'" in r.json()["message"]["en"]
    assert "09:05:00 UTC" in r.json()["message"]["en"]
    branch.clock.advance(249)
    r = await client.post("/api/v1/auth/login", json={"username": "alice", "password": PASSWORD})
    assert r.status_code == 429
    assert r.headers["Retry-After"] == "1"
    branch.clock.advance(1)
    r = await client.post("/api/v1/auth/login", json={"username": "alice", "password": PASSWORD})
    assert r.json()["role"] == "teller"


async def test_the_lock_survives_a_restart(branch: Branch) -> None:
    branch.add_user("alice", "teller")
    async with branch.client() as first:
        for _ in range(5):
            await first.post(
                "/api/v1/auth/login", json={"username": "alice", "password": "guess-123"}
            )
    async with branch.client() as restarted:  # a new app and engine on the same data directory
        r = await restarted.post(
            "/api/v1/auth/login", json={"username": "alice", "password": PASSWORD}
        )
        assert r.status_code == 429
        assert r.headers["Retry-After"] == "300"


async def test_many_usernames_from_one_address_lock_the_address(branch: Branch) -> None:
    branch.max_failures = 2  # so 8 per address
    branch.add_user("alice", "teller")
    async with branch.client() as client:
        for i in range(8):  # one failure each for users that do not exist
            r = await client.post(
                "/api/v1/auth/login", json={"username": f"u{i}", "password": "guess-123"}
            )
            assert r.status_code == 401
        r = await client.post(
            "/api/v1/auth/login", json={"username": "alice", "password": PASSWORD}
        )
    assert r.status_code == 429
    assert "address 127.0.0.1" in r.json()["message"]["en"]


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
