import pytest
from sqlalchemy import select

from ponapi.db.models import Olt

OLT = {
    "name": "OLT Centro",
    "brand": "huawei",
    "model": "MA5800-X7",
    "host": "10.0.0.10",
    "protocol": "ssh",
    "username": "noc",
    "password": "olt-Secret-123",
    "statsSource": "auto",
}


async def _olt(client, users, **over):
    r = await client.post("/api/olts", json={**OLT, **over}, headers=users["admin"])
    assert r.status_code == 201, r.text
    return r.json()["data"]


async def test_admin_creates_an_olt_and_the_password_is_write_only(client, users):
    r = await client.post("/api/olts", json=OLT, headers=users["admin"])
    assert r.status_code == 201
    data = r.json()["data"]
    assert r.json()["success"] is True
    assert data["port"] == 22  # default for SSH
    assert data["statsSource"] == "auto"
    assert data["hasPassword"] is True
    assert "olt-Secret-123" not in r.text
    for path in ("/api/olts", f"/api/olts/{data['id']}"):
        got = await client.get(path, headers=users["viewer"])
        assert got.status_code == 200
        assert "olt-Secret-123" not in got.text
        assert "password" not in got.text.replace("hasPassword", "")


async def test_olt_password_is_encrypted_at_rest(app, client, users):
    data = await _olt(client, users)
    async with app.state.ctx.sessions() as db:
        row = (await db.execute(select(Olt).where(Olt.id == data["id"]))).scalar_one()
    assert b"olt-Secret-123" not in row.password_encrypted
    assert app.state.ctx.cipher.decrypt(row.password_encrypted) == "olt-Secret-123"


@pytest.mark.parametrize("role", ["technician", "viewer"])
async def test_only_admins_write_olts(client, users, role):
    r = await client.post("/api/olts", json=OLT, headers=users[role])
    assert r.status_code == 403
    assert r.json()["code"] == "FORBIDDEN"
    olt = await _olt(client, users)
    r = await client.patch(f"/api/olts/{olt['id']}", json={"name": "x"}, headers=users[role])
    assert r.status_code == 403
    r = await client.delete(f"/api/olts/{olt['id']}", headers=users[role])
    assert r.status_code == 403


async def test_update_olt_changes_fields_and_password(app, client, users):
    olt = await _olt(client, users)
    r = await client.patch(
        f"/api/olts/{olt['id']}",
        json={"protocol": "telnet", "password": "new-Secret-9", "statsSource": "cli"},
        headers=users["admin"],
    )
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["protocol"] == "telnet" and data["port"] == 23 and data["statsSource"] == "cli"
    assert "new-Secret-9" not in r.text
    async with app.state.ctx.sessions() as db:
        row = await db.get(Olt, olt["id"])
        assert app.state.ctx.cipher.decrypt(row.password_encrypted) == "new-Secret-9"
    r = await client.patch(f"/api/olts/{olt['id']}", json={"name": None}, headers=users["admin"])
    assert r.status_code == 400


async def test_delete_olt_removes_it_and_its_onus(client, users):
    olt = await _olt(client, users)
    await client.post(
        f"/api/olts/{olt['id']}/onus", json={"serial": "HWTC25F08D9D"}, headers=users["admin"]
    )
    r = await client.delete(f"/api/olts/{olt['id']}", headers=users["admin"])
    assert r.status_code == 204
    r = await client.get(f"/api/olts/{olt['id']}", headers=users["admin"])
    assert r.status_code == 404
    assert r.json()["code"] == "OLT_NOT_FOUND"


async def test_duplicate_olt_name_is_409(client, users):
    await _olt(client, users)
    r = await client.post("/api/olts", json=OLT, headers=users["admin"])
    assert r.status_code == 409
    assert r.json()["code"] == "CONFLICT"


@pytest.mark.parametrize(
    "bad",
    [
        {"brand": "nokia"},
        {"protocol": "http"},
        {"port": 70000},
        {"host": "bad host;rm"},
        {"host": ""},
        {"name": ""},
        {"password": "a\nb"},
        {"statsSource": "x"},
        {"username": "x\r\ny"},
    ],
)
async def test_invalid_olt_is_400_with_readable_details(client, users, bad):
    r = await client.post("/api/olts", json={**OLT, **bad}, headers=users["admin"])
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "INVALID_REQUEST" and body["success"] is False
    assert body["details"]
    assert "olt-Secret-123" not in r.text


async def test_register_onu_in_any_form_and_get_it_by_any_form(client, users):
    olt = await _olt(client, users)
    r = await client.post(
        f"/api/olts/{olt['id']}/onus",
        json={
            "serial": "hwtc-25f08d9d",
            "frame": 0,
            "slot": 1,
            "port": 3,
            "ontId": 7,
            "description": "Cliente 123",
        },
        headers=users["technician"],
    )
    assert r.status_code == 201, r.text
    onu = r.json()["data"]
    assert onu["serial"] == "HWTC25F08D9D"
    assert onu["serialHex"] == "4857544325F08D9D"
    assert (onu["frame"], onu["slot"], onu["port"], onu["ontId"]) == (0, 1, 3, 7)
    for form in ("HWTC25F08D9D", "HWTC-25F08D9D", "4857544325F08D9D", "4857544325f08d9d"):
        got = await client.get(f"/api/olts/{olt['id']}/onus/{form}", headers=users["viewer"])
        assert got.status_code == 200
        assert got.json()["data"]["id"] == onu["id"]
    listed = await client.get(f"/api/olts/{olt['id']}/onus", headers=users["viewer"])
    assert [o["serial"] for o in listed.json()["data"]] == ["HWTC25F08D9D"]
    dup = await client.post(
        f"/api/olts/{olt['id']}/onus", json={"serial": "4857544325F08D9D"}, headers=users["admin"]
    )
    assert dup.status_code == 409


async def test_onu_errors(client, users):
    olt = await _olt(client, users)
    base = f"/api/olts/{olt['id']}/onus"
    r = await client.post(base, json={"serial": "HWTC1234\nreboot"}, headers=users["admin"])
    assert (r.status_code, r.json()["code"]) == (400, "INVALID_SERIAL")
    r = await client.get(f"{base}/HWTC1234;quit", headers=users["admin"])
    assert (r.status_code, r.json()["code"]) == (400, "INVALID_SERIAL")
    r = await client.get(f"{base}/HWTC00000001", headers=users["admin"])
    assert (r.status_code, r.json()["code"]) == (404, "ONU_NOT_FOUND")
    r = await client.get("/api/olts/999/onus/HWTC00000001", headers=users["admin"])
    assert (r.status_code, r.json()["code"]) == (404, "OLT_NOT_FOUND")
    r = await client.get("/api/olts/abc/onus", headers=users["admin"])
    assert (r.status_code, r.json()["code"]) == (400, "INVALID_REQUEST")
    r = await client.post(
        base, json={"serial": "HWTC25F08D9D", "port": 999}, headers=users["admin"]
    )
    assert (r.status_code, r.json()["code"]) == (400, "INVALID_REQUEST")
    r = await client.post(base, json={"serial": "HWTC25F08D9D"}, headers=users["viewer"])
    assert r.status_code == 403


async def test_only_admins_delete_onus(client, users):
    olt = await _olt(client, users)
    base = f"/api/olts/{olt['id']}/onus"
    await client.post(base, json={"serial": "HWTC25F08D9D"}, headers=users["admin"])
    assert (
        await client.delete(f"{base}/HWTC25F08D9D", headers=users["technician"])
    ).status_code == 403
    assert (await client.delete(f"{base}/HWTC-25F08D9D", headers=users["admin"])).status_code == 204
    assert (await client.get(f"{base}/HWTC25F08D9D", headers=users["admin"])).status_code == 404
