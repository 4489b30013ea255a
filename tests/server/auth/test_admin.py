"""Admin API: users and runtime branch settings (services, counter skills, categories)."""

from __future__ import annotations

import httpx

from tests.server.auth.conftest import Branch, login


async def _admin(branch: Branch, client: httpx.AsyncClient) -> dict[str, str]:
    branch.add_user("root", "admin")
    return await login(client, "root")


async def test_create_and_list_users(branch: Branch, client: httpx.AsyncClient) -> None:
    admin = await _admin(branch, client)
    r = await client.post(
        "/api/v1/admin/users",
        json={
            "username": "Bob",
            "password": "teller pass 1",
            "role": "teller",
            "display_name": "Bob Li 李",
        },
        headers=admin,
    )
    assert r.status_code == 201
    assert (r.json()["username"], r.json()["display_name"]) == ("bob", "Bob Li 李")
    listed = (await client.get("/api/v1/admin/users", headers=admin)).json()
    assert [(u["username"], u["role"], u["disabled"]) for u in listed] == [
        ("bob", "teller", False),
        ("root", "admin", False),
    ]
    assert all("password" not in key for u in listed for key in u)
    me = await client.get("/api/v1/auth/me", headers=await login(client, "bob", "teller pass 1"))
    assert me.json()["role"] == "teller"


async def test_user_errors_say_what_was_wrong(branch: Branch, client: httpx.AsyncClient) -> None:
    admin = await _admin(branch, client)
    body = {"username": "root", "password": "long enough", "role": "admin"}
    r = await client.post("/api/v1/admin/users", json=body, headers=admin)
    assert (r.status_code, r.json()["message"]["en"]) == (409, "user 'root' already exists")
    body = {"username": "eve", "password": "short", "role": "teller"}
    r = await client.post("/api/v1/admin/users", json=body, headers=admin)
    assert r.status_code == 422
    assert r.json()["field"] == "body.password"
    body = {"username": "eve", "password": "long enough", "role": "kiosk"}
    r = await client.post("/api/v1/admin/users", json=body, headers=admin)
    assert r.status_code == 422
    assert r.json()["field"] == "body.role"
    r = await client.post(
        "/api/v1/admin/users/nobody/disable", json={"disabled": True}, headers=admin
    )
    assert (r.status_code, r.json()["message"]["en"]) == (404, "no user named 'nobody'")
    r = await client.post("/api/v1/admin/users/root/disable", json={}, headers=admin)
    assert r.status_code == 409
    assert "cannot disable their own account" in r.json()["message"]["en"]


async def test_service_settings_change_what_the_public_sees(
    branch: Branch, client: httpx.AsyncClient
) -> None:
    admin = await _admin(branch, client)
    services = (await client.get("/api/v1/admin/services", headers=admin)).json()
    assert [s["code"] for s in services] == ["A", "B", "V", "F"]
    r = await client.patch(
        "/api/v1/admin/services/f",
        json={
            "is_open": False,
            "daily_cap": 50,
            "target_wait_s": 600,
            "name": {"zh": "外币兑换", "en": "Currency exchange"},
        },
        headers=admin,
    )
    assert r.status_code == 200
    assert r.json() == {
        "code": "F",
        "prefix": "F",
        "name": {"zh": "外币兑换", "en": "Currency exchange"},
        "is_open": False,
        "daily_cap": 50,
        "target_wait_s": 600,
    }
    public = (await client.get("/api/v1/services")).json()
    fx = next(s for s in public if s["service_code"] == "F")
    assert fx["is_open"] is False
    assert fx["name"]["en"] == "Currency exchange"
    r = await client.patch("/api/v1/admin/services/Z", json={"is_open": True}, headers=admin)
    assert r.status_code == 404
    assert r.json()["message"] == {
        "zh": "没有这个业务：Z（可选：A、B、F、V）",
        "en": "unknown service 'Z'; expected one of ['A', 'B', 'F', 'V']",
    }


async def test_counter_skills_and_category_weights(
    branch: Branch, client: httpx.AsyncClient
) -> None:
    admin = await _admin(branch, client)
    r = await client.put(
        "/api/v1/admin/counters/1/skills", json={"skills": {"B": 1.0, "A": 2.5}}, headers=admin
    )
    assert r.json() == {"counter_number": 1, "skills": {"A": 2.5, "B": 1.0}}
    r = await client.put(
        "/api/v1/admin/counters/1/skills", json={"skills": {"Q": 1.0}}, headers=admin
    )
    assert r.status_code == 422
    assert "unknown service code 'Q'" in r.json()["message"]["en"]
    r = await client.put("/api/v1/admin/counters/99/skills", json={"skills": {}}, headers=admin)
    assert r.status_code == 404
    r = await client.patch("/api/v1/admin/categories/vip", json={"weight": 7.5}, headers=admin)
    assert r.json() == {"category": "VIP", "weight": 7.5}
    r = await client.patch("/api/v1/admin/categories/VIP", json={"weight": -1}, headers=admin)
    assert r.status_code == 422
    assert r.json()["field"] == "body.weight"


async def test_a_disabled_user_can_be_enabled_again(
    branch: Branch, client: httpx.AsyncClient
) -> None:
    admin = await _admin(branch, client)
    branch.add_user("alice", "teller")
    for disabled in (True, False):
        r = await client.post(
            "/api/v1/admin/users/Alice/disable", json={"disabled": disabled}, headers=admin
        )
        assert r.json()["disabled"] is disabled
    assert (await login(client, "alice"))["Authorization"].startswith("Bearer ")
