"""User management by admins; every change invalidates the user's existing tokens."""

import pytest

from tests.conftest import token_for


async def _create(client, users, **body):
    data = {"username": "maria", "password": "secret-pass-1", "role": "technician", **body}
    r = await client.post("/api/users", json=data, headers=users["admin"])
    assert r.status_code == 201, r.text
    return r.json()["data"]


@pytest.mark.parametrize("role", ["technician", "viewer"])
async def test_only_admins_manage_users(client, users, role):
    assert (await client.get("/api/users", headers=users[role])).status_code == 403
    r = await client.post(
        "/api/users", headers=users[role], json={"username": "x", "password": "12345678"}
    )
    assert r.status_code == 403 and r.json()["code"] == "FORBIDDEN"
    assert (
        await client.patch("/api/users/1", json={"active": False}, headers=users[role])
    ).status_code == 403


async def test_create_list_and_log_in(client, users):
    created = await _create(client, users)
    assert created["role"] == "technician" and created["active"] is True
    assert "password" not in str(created).lower()
    names = [
        u["username"]
        for u in (await client.get("/api/users", headers=users["admin"])).json()["data"]
    ]
    assert "maria" in names
    await token_for(client, "maria", "secret-pass-1")
    dup = await client.post(
        "/api/users", headers=users["admin"], json={"username": "maria", "password": "another-pass"}
    )
    assert dup.status_code == 409
    for bad in (
        {"username": "bad name", "password": "12345678"},
        {"username": "ok", "password": "short"},
        {"username": "ok", "password": "12345678", "role": "root"},
    ):
        r = await client.post("/api/users", json=bad, headers=users["admin"])
        assert (r.status_code, r.json()["code"]) == (400, "INVALID_REQUEST")


async def test_disabling_a_user_invalidates_their_tokens_at_once(client, users):
    u = await _create(client, users)
    h = {"Authorization": f"Bearer {await token_for(client, 'maria', 'secret-pass-1')}"}
    assert (await client.get("/api/auth/me", headers=h)).status_code == 200  # now cached
    r = await client.patch(f"/api/users/{u['id']}", json={"active": False}, headers=users["admin"])
    assert r.status_code == 200 and r.json()["data"]["active"] is False
    assert (await client.get("/api/auth/me", headers=h)).status_code == 401
    r = await client.post(
        "/api/auth/login", json={"username": "maria", "password": "secret-pass-1"}
    )
    assert r.status_code == 401


async def test_role_change_and_password_reset_invalidate_old_tokens(client, users):
    u = await _create(client, users)
    old = {"Authorization": f"Bearer {await token_for(client, 'maria', 'secret-pass-1')}"}
    await client.patch(f"/api/users/{u['id']}", json={"role": "viewer"}, headers=users["admin"])
    assert (await client.get("/api/auth/me", headers=old)).status_code == 401
    new = {"Authorization": f"Bearer {await token_for(client, 'maria', 'secret-pass-1')}"}
    assert (await client.get("/api/auth/me", headers=new)).json()["data"]["role"] == "viewer"
    r = await client.post(
        f"/api/users/{u['id']}/password", json={"password": "brand-new-pw"}, headers=users["admin"]
    )
    assert r.status_code == 200
    assert (await client.get("/api/auth/me", headers=new)).status_code == 401
    await token_for(client, "maria", "brand-new-pw")
    r = await client.post(
        "/api/auth/login", json={"username": "maria", "password": "secret-pass-1"}
    )
    assert r.status_code == 401


async def test_an_admin_cannot_lock_themselves_out(client, users):
    me = (await client.get("/api/auth/me", headers=users["admin"])).json()["data"]
    for body in ({"active": False}, {"role": "viewer"}):
        r = await client.patch(f"/api/users/{me['id']}", json=body, headers=users["admin"])
        assert (r.status_code, r.json()["code"]) == (400, "INVALID_REQUEST")
    r = await client.patch("/api/users/9999", json={"active": False}, headers=users["admin"])
    assert (r.status_code, r.json()["code"]) == (404, "NOT_FOUND")
