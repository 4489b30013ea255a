"""401 and 403 answers: what was missing or which role was needed."""

from __future__ import annotations

import httpx

from tests.server.auth.conftest import Branch, login


async def test_missing_header_is_401_saying_how_to_authenticate(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/auth/me")
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == "Bearer"
    assert r.json() == {
        "error": "unauthorized",
        "message": {
            "zh": "请求未携带登录凭据",
            "en": "no Authorization header; send the header 'Authorization: Bearer <token>'",
        },
    }


async def test_wrong_scheme_and_empty_token_are_401(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/auth/me", headers={"Authorization": "Basic YWxpY2U6eA=="})
    assert r.status_code == 401
    assert "scheme 'Basic' is not supported" in r.json()["message"]["en"]
    r = await client.get("/api/v1/auth/me", headers={"Authorization": "Bearer "})
    assert r.status_code == 401
    assert "no token after 'Bearer'" in r.json()["message"]["en"]


async def test_unknown_token_is_401(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/devices", headers={"Authorization": "Bearer not-a-token"})
    assert r.status_code == 401
    assert r.json()["message"]["en"].startswith("bearer token is unknown, expired or revoked")


async def test_wrong_role_is_403_naming_needed_and_held_roles(
    branch: Branch, client: httpx.AsyncClient
) -> None:
    branch.add_user("alice", "teller")
    teller = await login(client, "alice")
    r = await client.get("/api/v1/admin/users", headers=teller)
    assert r.status_code == 403
    assert r.json() == {
        "error": "forbidden",
        "message": {
            "zh": "此操作需要 admin 角色；alice 的角色是 teller",
            "en": "this needs the role admin; user 'alice' has the role teller",
        },
    }
    r = await client.get("/api/v1/devices", headers=teller)
    assert r.status_code == 403
    assert r.json()["message"] == {
        "zh": "此操作需要 admin 或 technician 角色；alice 的角色是 teller",
        "en": "this needs the role admin or technician; user 'alice' has the role teller",
    }


async def test_device_tokens_carry_their_role(branch: Branch, client: httpx.AsyncClient) -> None:
    branch.add_user("root", "admin")
    admin = await login(client, "root")
    tokens = {}
    for name, role in (("kiosk-1", "kiosk"), ("lobby", "display"), ("bus-1", "panel_bridge")):
        r = await client.post(
            "/api/v1/admin/devices", json={"name": name, "role": role}, headers=admin
        )
        assert r.status_code == 201
        tokens[role] = {"Authorization": f"Bearer {r.json()['token']}"}
    for role, headers in tokens.items():
        me = (await client.get("/api/v1/auth/me", headers=headers)).json()
        assert (me["kind"], me["role"]) == ("device", role)
        # devices may report, but not read other devices nor administer
        r = await client.get("/api/v1/devices", headers=headers)
        assert r.status_code == 403
        assert f"has the role {role}" in r.json()["message"]["en"]
    # device tokens do not expire
    branch.clock.advance(400 * 24 * 3600)
    me = (await client.get("/api/v1/auth/me", headers=tokens["kiosk"])).json()
    assert me["name"] == "kiosk-1"


async def test_a_user_cannot_send_heartbeats(branch: Branch, client: httpx.AsyncClient) -> None:
    branch.add_user("root", "admin")
    admin = await login(client, "root")
    r = await client.post("/api/v1/devices/me/heartbeat", json={"status": "OK"}, headers=admin)
    assert r.status_code == 403
    assert "needs the role display or kiosk or panel_bridge" in r.json()["message"]["en"]


async def test_openapi_documents_the_auth_admin_and_device_routes(
    client: httpx.AsyncClient,
) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    for path in (
        "/api/v1/auth/login",
        "/api/v1/auth/me",
        "/api/v1/admin/users",
        "/api/v1/admin/devices",
        "/api/v1/admin/services/{code}",
        "/api/v1/devices",
        "/api/v1/devices/me/heartbeat",
    ):
        assert path in paths
    assert "429" in paths["/api/v1/auth/login"]["post"]["responses"]
