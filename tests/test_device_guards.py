"""The action guards hold for the device, not for one registry row: the same serial on two
OLTs, or two serials at one place on an OLT, share one lock and one cooldown; a device is
registered once; an OLT command goes only to the ONU the action names; reboot falls back to
the OLT when the ACS is down. End to end against the simulated OLTs (SSH on loopback)."""

import asyncio
import socket

import pytest
from sqlalchemy import insert

from ponapi.actions.service import ActionService, device_keys
from ponapi.cache import MemoryCache
from ponapi.config import Settings
from ponapi.db.models import Onu
from ponapi.errors import ApiError
from ponapi.jobs import Jobs
from ponapi.olt.location import Location
from ponapi.serials import parse_serial
from tests.conftest import token_for
from tests.test_actions_schema import check
from tests.test_olt_cli_api import OLT_PASSWORD, make_env  # noqa: F401  (the fixture)

HW = "HWTC1A2B3C02"


# --- the keys -----------------------------------------------------------------------------


def test_device_keys_are_the_serial_in_its_tenant_and_the_place_on_the_olt():
    sn = parse_serial(HW)
    at = Location(0, 1, 0, 2)
    assert device_keys("isp-a", 1, sn, at) == ("sn:isp-a:HWTC1A2B3C02", "at:1:0/1/0/2")
    assert device_keys(None, 3, sn) == ("sn:-:HWTC1A2B3C02",)
    # the same serial on another OLT of the tenant: one device; of another tenant: another
    assert device_keys("isp-a", 3, sn)[0] == device_keys("isp-a", 1, sn, at)[0]
    assert device_keys("isp-b", 1, sn)[0] != device_keys("isp-a", 1, sn)[0]


class _Audit:
    def record(self, *a, **k):
        pass


class _User:
    id, username = 1, "tech"


def _service(cache):
    async def nothing(olt_id, serial):
        pass

    settings = Settings(_env_file=None, secret_key="x" * 40)
    return ActionService(settings, cache, Jobs(cache, 60), _Audit(), nothing)


async def test_one_lock_and_one_cooldown_for_one_device_whatever_the_row():
    guards = _service(MemoryCache())
    sn, alias = parse_serial(HW), parse_serial("HWTC99999999")
    via_1 = device_keys(None, 1, sn, Location(0, 1, 0, 2))
    via_3 = device_keys(None, 3, sn)  # the same serial registered on OLT 3
    alias_keys = device_keys(None, 1, alias, Location(0, 1, 0, 2))  # another serial, same place
    gate = asyncio.Event()

    async def slow(deadline):
        await gate.wait()
        return {"status": "applied"}

    first = await guards.submit("wireless-lan", _User(), 1, sn, {}, slow, wait=0, keys=via_1)
    for olt, serial, keys in ((3, sn, via_3), (1, alias, alias_keys)):
        with pytest.raises(ApiError) as err:
            await guards.submit("factory-reset", _User(), olt, serial, {}, slow, wait=0, keys=keys)
        assert err.value.status == 409 and first.job["id"] in err.value.details
    gate.set()
    assert (await guards.jobs.wait(first.job["id"], 5))["status"] == "done"

    await guards.start_cooldown(via_1)  # a reboot through OLT 1 reached the device
    for olt, serial, keys in ((3, sn, via_3), (1, alias, alias_keys)):
        with pytest.raises(ApiError) as err:
            await guards.submit("reboot", _User(), olt, serial, {}, slow, wait=0, keys=keys)
        assert err.value.status == 429 and int(err.value.headers["Retry-After"]) > 0
    other_tenant = device_keys("isp-b", 3, sn)
    gate.set()
    ok = await guards.submit("reboot", _User(), 3, sn, {}, slow, wait=5, keys=other_tenant)
    assert ok.done


async def test_the_lock_is_given_back_when_dropping_the_stats_fails():
    cache = MemoryCache()
    guards = _service(cache)

    async def broken(olt_id, serial):
        raise RuntimeError("the stats cache is down")

    guards.invalidate = broken
    sn = parse_serial(HW)
    keys = device_keys(None, 1, sn, Location(0, 1, 0, 2))

    async def quick(deadline):
        return {"status": "applied"}

    done = await guards.submit("wireless-lan", _User(), 1, sn, {}, quick, wait=5, keys=keys)
    assert done.done
    again = await guards.submit("wireless-lan", _User(), 1, sn, {}, quick, wait=5, keys=keys)
    assert again.done  # not 409: the first action's lock did not outlive it


async def test_a_cache_failure_half_way_through_locking_keeps_no_key():
    cache = MemoryCache()
    guards = _service(cache)
    sn = parse_serial(HW)
    keys = device_keys(None, 1, sn, Location(0, 1, 0, 2))
    real = cache.acquire
    calls = []

    async def flaky(key, ttl):
        calls.append(key)
        if len(calls) == 2:
            raise ConnectionError("redis went away")
        return await real(key, ttl)

    cache.acquire = flaky  # type: ignore[method-assign]

    async def quick(deadline):
        return {"status": "applied"}

    with pytest.raises(ConnectionError):
        await guards.submit("wireless-lan", _User(), 1, sn, {}, quick, wait=5, keys=keys)
    cache.acquire = real  # type: ignore[method-assign]
    ok = await guards.submit("wireless-lan", _User(), 1, sn, {}, quick, wait=5, keys=keys)
    assert ok.done  # the key taken before the failure was given back


# --- end to end: the OLT simulator --------------------------------------------------------


async def _post(env, action, serial, olt_id=None, admin=True):
    token = await token_for(env.client, "admin" if admin else "tech")
    return await env.client.post(
        f"/api/olts/{olt_id or env.olt_id}/onus/{serial}/tr069/{action}",
        json={"confirm": True},
        headers={"Authorization": f"Bearer {token}"},
    )


async def _admin(env):
    return {"Authorization": f"Bearer {await token_for(env.client, 'admin')}"}


async def _second_olt(env):
    first = await env.client.get(f"/api/olts/{env.olt_id}", headers=await _admin(env))
    port = first.json()["data"]["port"]
    body = {
        "name": "second",
        "brand": env.sim.brand,
        "model": env.sim.model,
        "host": "127.0.0.1",
        "port": port,
        "protocol": "ssh",
        "username": "noc",
        "password": OLT_PASSWORD,
        "statsSource": "cli",
    }
    r = await env.client.post("/api/olts", headers=await _admin(env), json=body)
    assert r.status_code == 201, r.text
    return r.json()["data"]["id"]


async def test_a_second_registration_of_one_device_is_refused(make_env):  # noqa: F811
    env = await make_env("huawei", "ssh")
    u, other = env.sim.onus[2], env.sim.onus[1]
    admin = await _admin(env)
    second = await _second_olt(env)
    # the same serial on another OLT of the same ISP
    r = await env.client.post(
        f"/api/olts/{second}/onus", headers=admin, json={"serial": u.serial.dashed}
    )
    assert r.status_code == 409, r.text
    assert r.json()["code"] == "CONFLICT" and f"OLT {env.olt_id}" in r.json()["details"]
    # an alias at the place another ONU is registered at
    place = {"frame": u.frame, "slot": u.slot, "port": u.port, "ontId": u.ont_id}
    r = await env.client.post(
        f"/api/olts/{env.olt_id}/onus", headers=admin, json={"serial": "HWTC99999999", **place}
    )
    assert r.status_code == 409, r.text
    assert u.serial.canonical in r.json()["details"]
    # the same place on another OLT is another place
    r = await env.client.post(
        f"/api/olts/{second}/onus", headers=admin, json={"serial": "HWTC99999999", **place}
    )
    assert r.status_code == 201, r.text
    listed = await env.client.get(f"/api/olts/{env.olt_id}/onus", headers=admin)
    assert other.serial.canonical in listed.text and "HWTC99999999" not in listed.text


async def test_the_same_serial_on_two_olts_shares_the_reboot_cooldown(make_env):  # noqa: F811
    env = await make_env("huawei", "ssh")
    u = env.sim.onus[2]
    second = await _second_olt(env)
    app = env.client._transport.app  # registered before the refusal existed: a legacy row
    async with app.state.ctx.sessions() as db:
        await db.execute(
            insert(Onu).values(
                olt_id=second,
                serial=u.serial.canonical,
                frame=u.frame,
                slot=u.slot,
                port=u.port,
                ont_id=u.ont_id,
                description="",
            )
        )
        await db.commit()
    r = await _post(env, "reboot", u.serial.canonical)
    assert r.status_code == 200, r.text
    again = await _post(env, "reboot", u.serial.canonical, olt_id=second)
    assert again.status_code == 429, again.text
    assert u.reboots == 1


@pytest.mark.parametrize("brand", ["huawei", "zte"])
@pytest.mark.parametrize("action", ["reboot", "disable"])
async def test_no_olt_command_reaches_another_onu_at_the_registered_place(
    make_env,  # noqa: F811
    brand,
    action,
):
    env = await make_env(brand, "ssh")
    u, v = env.sim.onus[2], env.sim.onus[3]
    u.ont_id, v.ont_id = v.ont_id, u.ont_id  # swapped on the OLT; the registry is stale
    before = len(env.sim.commands)
    r = await _post(env, action, u.serial.canonical)
    assert r.status_code == 409, r.text
    body = r.json()
    assert body["code"] == "CONFLICT" and v.serial.canonical in body["details"]
    sent = env.sim.commands[before:]
    assert sent[-1].startswith(("display ont info", "show gpon onu detail")), sent
    changes = ("ont ", "reboot", "onu ", "config", "interface", "pon-onu-mng")
    assert not [c for c in sent if c.startswith(changes)], sent
    assert (u.reboots, v.reboots, u.admin, v.admin) == (0, 0, True, True)


def _dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("brand", ["huawei", "zte"])
async def test_with_the_acs_down_reboot_goes_through_the_olt(make_env, brand):  # noqa: F811
    env = await make_env(brand, "ssh", genieacs_url=f"http://127.0.0.1:{_dead_port()}")
    u = env.sim.onus[2]
    r = await _post(env, "reboot", u.serial.canonical, admin=False)
    d = check(r, "rebootSuccess")["data"]  # the contract's schema
    assert d["via"] == "olt" and d["acsUnreachable"] is True and "ACS" in d["note"]
    assert u.reboots == 1


async def test_with_the_acs_down_and_no_place_known_the_acs_error_stands(make_env):  # noqa: F811
    env = await make_env(
        "huawei", "ssh", register_locations=False, genieacs_url=f"http://127.0.0.1:{_dead_port()}"
    )
    u = env.sim.onus[2]
    r = await _post(env, "reboot", u.serial.canonical, admin=False)
    assert r.status_code == 502, r.text
    assert r.json()["code"] == "ACS_UNAVAILABLE"
    assert u.reboots == 0


# --- the migration ------------------------------------------------------------------------


def test_the_migration_clears_shared_places_then_keeps_them_unique(tmp_path):
    import sqlite3

    from ponapi.db.migrate import upgrade

    path = tmp_path / "places.db"
    url = f"sqlite+aiosqlite:///{path}"
    upgrade(url, "0005")
    con = sqlite3.connect(path)
    con.execute(
        "INSERT INTO olts (id, name, brand, model, host, port, protocol, username,"
        " password_encrypted, stats_source, ssh_host_key, created_at, updated_at) VALUES"
        " (1, 'a', 'huawei', '', 'h', 22, 'ssh', 'u', x'00', 'cli', '', '2026-01-01', '2026-01-01')"
    )
    rows = [
        ("HWTC00000001", 0, 1, 0, 2),  # an alias at the place of the next one: which is right?
        ("HWTC00000002", 0, 1, 0, 2),
        ("HWTC00000003", 0, 1, 0, 3),
        ("HWTC00000004", None, None, None, None),
        ("HWTC00000005", None, None, None, None),
    ]
    for row in rows:
        con.execute(
            "INSERT INTO onus (olt_id, serial, frame, slot, port, ont_id, description,"
            " created_at) VALUES (1, ?, ?, ?, ?, ?, '', '2026-01-01')",
            row,
        )
    con.commit()
    con.close()
    upgrade(url)
    con = sqlite3.connect(path)
    places = dict(
        (r[0], r[1:]) for r in con.execute("SELECT serial, frame, slot, port, ont_id FROM onus")
    )
    assert places == {
        "HWTC00000001": (None, None, None, None),  # neither kept on a guess
        "HWTC00000002": (None, None, None, None),
        "HWTC00000003": (0, 1, 0, 3),
        "HWTC00000004": (None, None, None, None),
        "HWTC00000005": (None, None, None, None),
    }
    with pytest.raises(sqlite3.IntegrityError):
        con.execute(
            "INSERT INTO onus (olt_id, serial, frame, slot, port, ont_id, description,"
            " created_at) VALUES (1, 'HWTC00000009', 0, 1, 0, 3, '', '2026-01-01')"
        )
    con.close()


async def test_discovery_keeps_one_registration_per_device(make_env):  # noqa: F811
    env = await make_env("huawei", "ssh")
    admin = await _admin(env)
    u, v = env.sim.onus[2], env.sim.onus[3]
    u.ont_id, v.ont_id = v.ont_id, u.ont_id  # swapped on the OLT: the OLT's word wins
    r = await env.client.post(f"/api/olts/{env.olt_id}/onus/discover", headers=admin)
    assert r.status_code == 200, r.text
    assert (r.json()["data"]["moved"], r.json()["data"]["registered"]) == (2, 0)
    listed = await env.client.get(f"/api/olts/{env.olt_id}/onus", headers=admin)
    places = {o["serial"]: o["ontId"] for o in listed.json()["data"]}
    assert (places[u.serial.canonical], places[v.serial.canonical]) == (u.ont_id, v.ont_id)
    # the same OLT's ONUs seen through a second OLT of the ISP: not registered twice
    second = await _second_olt(env)
    r = await env.client.post(f"/api/olts/{second}/onus/discover", headers=admin)
    assert r.status_code == 200, r.text
    d = r.json()["data"]
    assert (d["registered"], d["elsewhere"]) == (0, len(env.sim.onus))
    assert {o["registry"] for o in d["onus"]} == {"elsewhere"}
    listed = await env.client.get(f"/api/olts/{second}/onus", headers=admin)
    assert listed.json()["data"] == []
