"""Password hashes: argon2id, verified in constant work, upgraded when parameters change."""

from __future__ import annotations

import asyncio
import re
import threading
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy import update
from sqlmodel import Session, col, select

from server.auth.errors import InvalidCredential
from server.auth.password_policy import password_problem
from server.auth.passwords import hash_password, verify_password
from server.services import users
from server.store.auth_tables import User
from server.store.db import _writer_lock
from tests.server.auth.conftest import PASSWORD, T0, Branch, login


def test_hash_is_salted_argon2id() -> None:
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert first != second
    assert verify_password(first, PASSWORD)
    assert not verify_password(first, PASSWORD + "x")
    assert not verify_password(None, PASSWORD)  # unknown user: same work, always False
    assert not verify_password("not a hash", PASSWORD)


def test_old_parameters_are_upgraded_at_login(branch: Branch) -> None:
    branch.add_user("alice", "teller")
    old = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    with Session(branch.engine()) as session:
        session.execute(update(User).where(col(User.username) == "alice").values(password_hash=old))
        session.commit()
    _, principal, _ = users.login(
        branch.context(), username="alice", password=PASSWORD, now=T0, client_ip="127.0.0.1"
    )
    assert principal.name == "alice"
    with Session(branch.engine()) as session:
        stored = session.exec(select(User.password_hash).where(User.username == "alice")).one()
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert verify_password(stored, PASSWORD)


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("short", "has 5 characters; expected at least 8"),
        ("        ", "only spaces"),
        ("aaaaaaaaaa", "one character repeated"),
        ("abababab", "only 2 different characters"),
        ("12345678", "consecutive characters or a row of keys"),
        ("87654321", "consecutive characters or a row of keys"),
        ("abcdefgh", "consecutive characters or a row of keys"),
        ("qwertyuiop", "consecutive characters or a row of keys"),
        ("1qaz2wsx", "consecutive characters or a row of keys"),
        ("password", "most common passwords"),
        ("Password123!", "most common passwords"),
        ("iloveyou", "most common passwords"),
        ("woaini1314", "most common passwords"),
        ("alice-at-the-bank", "contains the username 'alice'"),
    ],
)
def test_weak_passwords_are_refused_saying_why(password: str, why: str) -> None:
    problem = password_problem(password, username="alice")
    assert problem is not None and why in problem[0], problem
    assert problem[1]  # and in Chinese
    with pytest.raises(InvalidCredential, match=re.escape(why)):
        hash_password(password, username="alice")


@pytest.mark.parametrize(
    "password", [PASSWORD, "Tr0ub4dor&3x", "柜台 三号 早班 2026", "plum-kettle-9"]
)
def test_reasonable_passwords_are_accepted(password: str) -> None:
    assert password_problem(password, username="alice") is None


async def test_the_admin_api_refuses_a_common_password_with_the_reason(
    branch: Branch, client: httpx.AsyncClient
) -> None:
    branch.add_user("root-admin", "admin")
    headers = await login(client, "root-admin")
    r = await client.post(
        "/api/v1/admin/users",
        json={"username": "bob", "password": "password123", "role": "teller"},
        headers=headers,
    )
    assert r.status_code == 422
    assert "most common passwords" in r.json()["message"]["en"]
    assert "最常见的密码" in r.json()["message"]["zh"]
    assert "password123" not in r.text  # the password itself is not echoed
    r = await client.post(
        "/api/v1/admin/users",
        json={"username": "bob", "password": "12345678", "role": "teller"},
        headers=headers,
    )
    assert r.status_code == 422
    assert "row of keys" in r.json()["message"]["en"]


async def test_admin_password_checks_and_hashing_run_before_the_writer_lock(
    branch: Branch, client: httpx.AsyncClient
) -> None:
    """While another writer holds the lock, a refused password is answered at once: the policy
    check and argon2 run before the write session takes the lock (issuing never waits for
    them)."""
    branch.add_user("root-admin", "admin")
    headers = await login(client, "root-admin")
    assert branch.app is not None
    lock = _writer_lock(branch.app.state.engine)
    assert lock is not None
    held, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold, args=(lock, held, release))
    holder.start()
    assert held.wait(timeout=10)
    try:
        r = await asyncio.wait_for(
            client.post(
                "/api/v1/admin/users",
                json={"username": "bob", "password": "password1", "role": "teller"},
                headers=headers,
            ),
            timeout=20,
        )
        assert r.status_code == 422  # answered while the lock is still held
        assert holder.is_alive()
    finally:
        release.set()
        holder.join()


def _hold(lock: Any, held: threading.Event, release: threading.Event) -> None:
    with lock:
        held.set()
        release.wait(timeout=30)
