"""Password hashes: argon2id, verified in constant work, upgraded when parameters change."""

from __future__ import annotations

from argon2 import PasswordHasher
from sqlalchemy import update
from sqlmodel import Session, col, select

from server.auth.passwords import hash_password, verify_password
from server.services import users
from server.store.auth_tables import User
from tests.server.auth.conftest import PASSWORD, T0, Branch


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
            session, username="alice", password=PASSWORD, now=T0, client_ip="127.0.0.1"
        )
        assert principal.name == "alice"
        stored = session.exec(select(User.password_hash).where(User.username == "alice")).one()
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert verify_password(stored, PASSWORD)
