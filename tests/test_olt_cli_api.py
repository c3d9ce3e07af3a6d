"""TR-069 stats read over the OLT CLI, end to end: the app and simulated Huawei/ZTE OLTs over
real SSH and Telnet on loopback, every response validated against the contract."""

import asyncio
import shutil
import time

import httpx
import pytest

from ponapi.main import create_app
from ponapi.olt.location import Location
from ponapi.olt.platforms.zte import DIALECT as ZTE
from ponapi.olt.session import CliSession, Target
from ponapi.sim.olt import OltSim, demo_onus
from ponapi.tr069.sections import names
from tests.conftest import add_user, make_settings, token_for
from tests.fixtures import validate_stats

SECTIONS = names()

OLT_PASSWORD = "olt-Secret-77"


class Env:
    def __init__(self, sim, client, headers, olt_id):
        self.sim, self.client, self.headers, self.olt_id = sim, client, headers, olt_id

    async def stats(self, serial, **params):
        r = await self.client.get(
            f"/api/olts/{self.olt_id}/onus/{serial}/tr069-stats",
            params=params,
            headers=self.headers,
        )
        validate_stats(r.json())
        assert OLT_PASSWORD not in r.text
        return r


async def _env(
    tmp_path, sqlite_template, brand, protocol, onus=4, register_locations=True, **settings_kw
):
    sim = OltSim(
        brand=brand,
        model="MA5800-X7" if brand == "huawei" else "C320",
        password=OLT_PASSWORD,
        onus=demo_onus(brand, onus),
    )
    port = await (sim.start_ssh() if protocol == "ssh" else sim.start_telnet())
    db = tmp_path / "cli.db"
    shutil.copy(sqlite_template, db)
    app = create_app(make_settings(tmp_path, f"sqlite+aiosqlite:///{db}", **settings_kw))
    return sim, port, app


@pytest.fixture
async def make_env(tmp_path, sqlite_template):
    stack = []

    async def build(brand="huawei", protocol="ssh", onus=4, register_locations=True, **settings_kw):
        sim, port, app = await _env(tmp_path, sqlite_template, brand, protocol, onus, **settings_kw)
        lifespan = app.router.lifespan_context(app)
        await lifespan.__aenter__()
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")
        stack.append((sim, lifespan, client))
        await add_user(app, "tech", "technician")
        await add_user(app, "admin", "admin")
        admin = {"Authorization": f"Bearer {await token_for(client, 'admin')}"}
        olt = (
            await client.post(
                "/api/olts",
                headers=admin,
                json={
                    "name": f"{brand}-{protocol}",
                    "brand": brand,
                    "model": sim.model,
                    "host": "127.0.0.1",
                    "port": port,
                    "protocol": protocol,
                    "username": "noc",
                    "password": OLT_PASSWORD,
                    "statsSource": "cli",
                },
            )
        ).json()["data"]
        for u in sim.onus:
            body = {"serial": u.serial.canonical}
            if register_locations:
                body.update(frame=u.frame, slot=u.slot, port=u.port, ontId=u.ont_id)
            assert (
                await client.post(f"/api/olts/{olt['id']}/onus", headers=admin, json=body)
            ).status_code == 201
        tech = {"Authorization": f"Bearer {await token_for(client, 'tech')}"}
        return Env(sim, client, tech, olt["id"])

    yield build
    for sim, lifespan, client in stack:
        await client.aclose()
        await lifespan.__aexit__(None, None, None)
        await sim.stop()


CLI_SEEN = ("general", "ipInterface11", "ipInterface21", "wirelessLan", "hosts", "lanPorts")


@pytest.mark.parametrize("protocol", ["ssh", "telnet"])
async def test_huawei_ont_over_the_cli(make_env, protocol):
    env = await make_env("huawei", protocol)
    u = env.sim.onus[2]
    r = await env.stats(u.serial.dashed)
    assert r.status_code == 200, r.text
    body = r.json()
    meta, data = body["meta"], body["data"]
    assert meta["source"] == "olt-cli"
    assert meta["device"]["location"] == {"frame": 0, "slot": 1, "port": 0, "ontId": 2}
    assert {k: v["status"] for k, v in meta["sections"].items()} == {
        "general": "partial",
        "ipInterface11": "partial",
        "ipInterface21": "partial",
        "wirelessLan": "partial",
        "hosts": "partial",  # from the OLT's MAC table: no IP, name or port there
        "lanPorts": "partial",  # the GPON interface mode's port state: no admin state there
        **{name: "unavailable" for name in SECTIONS if name not in CLI_SEEN},
    }
    assert [h["macAddress"] for h in data["hosts"]] == ["c0:25:2f:f5:55:5d"]
    # The ONT's optics and ports, read in the GPON interface mode, which is left after.
    g = data["general"]
    assert (g["opticalPowerRx"], g["opticalPowerTx"]) == ("-17.56 dBm", "2.36 dBm")
    assert (g["temperature"], g["voltage"], g["biasCurrent"]) == ("52 °C", "3.32 V", "14 mA")
    assert meta["sections"]["general"]["oltRxPower"] == "-20.98 dBm"
    assert [(p["name"], p["status"], p["speed"], p["duplex"]) for p in data["lanPorts"]] == [
        ("LAN1", "NoLink", "", ""),
        ("LAN2", "Up", "100 Mbps", "Full"),
        ("LAN3", "NoLink", "", ""),
        ("LAN4", "NoLink", "", ""),
    ]
    block = env.sim.commands.index("config")
    assert env.sim.commands[block:] == [
        "config",
        "interface gpon 0/1",
        "display ont optical-info 0 2",
        "display ont port state 0 2 eth-port all",
        "quit",
        "quit",
    ]
    assert "no OLT command reads them" in meta["sections"]["security"]["reason"]
    g = data["general"]
    assert (g["modelName"], g["softwareVersion"], g["serialNumber"]) == (
        "EG8145V5",
        "V5R020C00S280",
        u.serial.hex,
    )
    assert g["cpuUsage"] == f"{u.cpu}%" and g["manufacturer"] == "Huawei"
    assert "totalRam" in meta["sections"]["general"]["missing"]
    assert g["distance"] == "1532 m"  # the OLT's ranging: what TR-069 cannot tell
    assert data["ipInterface11"]["role"] == "management"
    assert data["ipInterface11"]["ipAddress"] == u.wans[0].ip
    assert data["ipInterface21"]["vlanId"] == "108" and data["ipInterface21"]["natEnabled"]
    assert data["wirelessLan"]["ssid"] == u.ssids[0][1]
    assert data["wifiSurvey"] is None
    # The session was prepared as real clients do, and the alarm the OLT printed was ignored.
    assert env.sim.commands[:4] == ["enable", "undo smart", "scroll", "infoswitch cli OFF"]
    assert env.sim.logins == 1


@pytest.mark.parametrize("protocol", ["ssh", "telnet"])
async def test_zte_onu_over_the_cli(make_env, protocol):
    env = await make_env("zte", protocol)
    u = env.sim.onus[1]
    r = await env.stats(u.serial.canonical)
    assert r.status_code == 200, r.text
    data, meta = r.json()["data"], r.json()["meta"]
    assert data["general"]["modelName"] == "F670L"  # from remote-onu equip
    assert data["general"]["serialNumber"] == u.serial.canonical
    assert data["ipInterface21"]["addressingType"] == "PPPoE"
    assert meta["sections"]["wirelessLan"]["status"] == "unavailable"
    assert u.pppoe_password not in r.text  # ZTE prints it; it never leaves the parser
    assert "show gpon onu detail-info gpon-onu_1/1/0:2" in env.sim.commands
    # The screen's optical and link fields, LAN ports and hosts, as the OLT sees them.
    g = data["general"]
    assert (g["opticalPowerRx"], g["opticalPowerTx"], g["distance"]) == (
        "-17.56 dBm",
        "2.36 dBm",
        "1033 m",
    )
    assert [(p["name"], p["status"], p["speed"]) for p in data["lanPorts"]] == [
        ("LAN1", "NoLink", ""),
        ("LAN2", "Up", "100 Mbps"),
        ("LAN3", "NoLink", ""),
        ("LAN4", "NoLink", ""),
    ]
    assert [h["macAddress"] for h in data["hosts"]] == ["c0:25:2f:f5:55:5d"]
    assert meta["sections"]["security"]["status"] == "unavailable"
    assert env.sim.commands[0] == "terminal length 0"


async def test_zte_c600_interface_names(make_env):
    env = await make_env("zte", "telnet")
    env.sim.model = "C600"
    r = await env.client.patch(
        f"/api/olts/{env.olt_id}", json={"model": "C600"}, headers=await _admin(env)
    )
    assert r.status_code == 200
    r = await env.stats(env.sim.onus[0].serial.canonical)
    assert r.status_code == 200
    assert any(c.startswith("show gpon onu detail-info gpon_onu-1/1/0:1") for c in env.sim.commands)
    assert "show mac gpon onu gpon_onu-1/1/0:1" in env.sim.commands
    assert r.json()["data"]["lanPorts"] and r.json()["data"]["hosts"]


async def _admin(env):
    return {"Authorization": f"Bearer {await token_for(env.client, 'admin')}"}


async def test_an_onu_without_location_is_found_by_serial_and_remembered(make_env):
    env = await make_env("huawei", "ssh", register_locations=False)
    u = env.sim.onus[3]
    assert (await env.stats(u.serial.canonical)).status_code == 200
    assert f"display ont info by-sn {u.serial.hex}" in env.sim.commands
    onu = (
        await env.client.get(
            f"/api/olts/{env.olt_id}/onus/{u.serial.canonical}", headers=env.headers
        )
    ).json()["data"]
    assert (onu["frame"], onu["slot"], onu["port"], onu["ontId"]) == (0, 1, 0, 3)


async def test_a_stale_registered_location_is_corrected(make_env):
    env = await make_env("huawei", "telnet")
    a, b = env.sim.onus[0], env.sim.onus[1]
    a.ont_id, b.ont_id = b.ont_id, a.ont_id  # the two ONTs were swapped on the OLT
    r = await env.stats(a.serial.canonical)
    assert r.status_code == 200
    assert r.json()["meta"]["device"]["location"]["ontId"] == a.ont_id


async def test_50_concurrent_requests_for_different_onus_use_one_login(make_env):
    env = await make_env("huawei", "ssh", onus=50)
    env.sim.command_delay = 0.002
    results = await asyncio.gather(*(env.stats(u.serial.canonical) for u in env.sim.onus))
    assert [r.status_code for r in results] == [200] * 50
    assert env.sim.logins == 1 and env.sim.failed_logins == 0
    assert {r.json()["data"]["general"]["serialNumber"] for r in results} == {
        u.serial.hex for u in env.sim.onus
    }


async def test_a_serial_with_a_command_in_it_never_reaches_the_olt(make_env):
    env = await make_env("huawei", "telnet")
    for bad in (
        "HWTC1234%0Areboot",
        "HWTC1A2B3C00;reboot",
        "HWTC1A2B3C00%0D%0Aquit",
        "HWTC1A2B3C00 undo",
    ):
        r = await env.client.get(
            f"/api/olts/{env.olt_id}/onus/{bad}/tr069-stats", headers=env.headers
        )
        assert (r.status_code, r.json()["code"]) == (400, "INVALID_SERIAL")
    assert env.sim.commands == [] and env.sim.logins == 0
    session = CliSession(Target("127.0.0.1", 1, "telnet", "u", "p", "zte"), ZTE)
    with pytest.raises(ValueError):
        await session.run("show version\nreboot")
    with pytest.raises(ValueError):
        Location(0, 1, -1, 3)


async def test_wrong_olt_password_is_auth_failed_and_not_retried_at_once(make_env):
    env = await make_env("zte", "telnet")
    env.sim.password = "changed-on-the-olt"
    r = await env.stats(env.sim.onus[0].serial.canonical)
    assert (r.status_code, r.json()["code"]) == (502, "OLT_AUTH_FAILED")
    r = await env.stats(env.sim.onus[1].serial.canonical)
    assert (r.status_code, r.json()["code"]) == (502, "OLT_AUTH_FAILED")
    assert "not retried" in r.json()["details"]
    assert env.sim.failed_logins == 1  # the back-off protects the account from lockout


async def test_wrong_password_over_ssh(make_env):
    env = await make_env("huawei", "ssh")
    env.sim.password = "other"
    r = await env.stats(env.sim.onus[0].serial.canonical)
    assert (r.status_code, r.json()["code"]) == (502, "OLT_AUTH_FAILED")


async def test_login_limit_is_reported(make_env):
    env = await make_env("huawei", "telnet")
    env.sim.max_sessions = 0
    r = await env.stats(env.sim.onus[0].serial.canonical)
    assert (r.status_code, r.json()["code"]) == (502, "OLT_UNREACHABLE")
    assert "limit" in r.json()["details"]


async def test_connection_dropped_mid_output_then_recovery(make_env):
    env = await make_env("huawei", "ssh")
    env.sim.fault = "drop"
    r = await env.stats(env.sim.onus[0].serial.canonical)
    assert (r.status_code, r.json()["code"]) == (502, "OLT_UNREACHABLE")
    env.sim.fault = ""
    assert (await env.stats(env.sim.onus[0].serial.canonical)).status_code == 200


async def test_a_session_the_olt_dropped_while_idle_is_replaced(make_env):
    env = await make_env("zte", "ssh")
    assert (await env.stats(env.sim.onus[0].serial.canonical)).status_code == 200
    env.sim.disconnect_all()
    await asyncio.sleep(0.05)
    assert (await env.stats(env.sim.onus[1].serial.canonical)).status_code == 200
    assert env.sim.logins == 2


@pytest.mark.parametrize("fault", ["stall", "no_prompt", "endless_pager"])
async def test_an_olt_that_never_finishes_hits_the_budget(make_env, fault):
    env = await make_env("huawei", "telnet", request_budget_seconds=2.0)
    assert (await env.stats(env.sim.onus[0].serial.canonical)).status_code == 200
    env.sim.fault = fault
    started = time.monotonic()
    r = await env.stats(env.sim.onus[1].serial.canonical)
    assert (r.status_code, r.json()["code"]) == (504, "UPSTREAM_TIMEOUT")
    assert time.monotonic() - started < 4
    env.sim.fault = ""
    assert (await env.stats(env.sim.onus[2].serial.canonical)).status_code == 200


async def test_unreachable_olt(make_env):
    env = await make_env("huawei", "ssh")
    await env.sim.stop()
    r = await env.stats(env.sim.onus[0].serial.canonical)
    assert (r.status_code, r.json()["code"]) == (502, "OLT_UNREACHABLE")


async def test_unknown_serial_on_the_olt(make_env):
    env = await make_env("huawei", "ssh", register_locations=False)
    admin = await _admin(env)
    await env.client.post(
        f"/api/olts/{env.olt_id}/onus", headers=admin, json={"serial": "HWTC00000099"}
    )
    r = await env.stats("HWTC00000099")
    assert (r.status_code, r.json()["code"]) == (404, "ONU_NOT_FOUND")


@pytest.mark.parametrize(("brand", "protocol"), [("huawei", "ssh"), ("zte", "telnet")])
async def test_discover_lists_and_registers_every_onu(make_env, brand, protocol):
    env = await make_env(brand, protocol, onus=40, register_locations=False)
    admin = await _admin(env)
    moved = env.sim.onus[0]
    env.sim.onus[0] = type(moved)(**{**moved.__dict__, "ont_id": 77})  # re-ranged on the OLT
    await env.client.delete(
        f"/api/olts/{env.olt_id}/onus/{env.sim.onus[5].serial.canonical}", headers=admin
    )
    r = await env.client.post(f"/api/olts/{env.olt_id}/onus/discover", headers=env.headers)
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert len(data["onus"]) == 40
    assert data["registered"] == 1  # the deleted one comes back
    assert data["moved"] == 39  # registered without a location: now they have one
    first = next(o for o in data["onus"] if o["serial"] == env.sim.onus[0].serial.canonical)
    assert first["ontId"] == 77 and first["state"] in ("online", "working")
    listed = (await env.client.get(f"/api/olts/{env.olt_id}/onus", headers=env.headers)).json()
    assert len(listed["data"]) == 40 and all(o["ontId"] is not None for o in listed["data"])
    again = (
        await env.client.post(f"/api/olts/{env.olt_id}/onus/discover", headers=env.headers)
    ).json()["data"]
    assert (again["registered"], again["moved"], again["known"]) == (0, 0, 40)
    assert env.sim.logins == 1
    viewer_forbidden = await env.client.post(f"/api/olts/{env.olt_id}/onus/discover")
    assert viewer_forbidden.status_code == 401


async def test_metrics_count_olt_commands_and_logins(make_env):
    from ponapi.metrics import REGISTRY

    env = await make_env("huawei", "ssh")

    def value(name, **labels):
        return REGISTRY.get_sample_value(name, labels) or 0.0

    cmds = value("ponapi_upstream_requests_total", source="olt-cli")
    logins = value("ponapi_olt_logins_total", olt=str(env.olt_id))
    assert (await env.stats(env.sim.onus[0].serial.canonical)).status_code == 200
    # 4 on-open commands + 5 reads (info, version, WAN, Wi-Fi, MAC table) + the GPON
    # interface mode (config, interface, optical-info, port state, quit x2), one login
    assert value("ponapi_upstream_requests_total", source="olt-cli") == cmds + 15
    assert value("ponapi_olt_logins_total", olt=str(env.olt_id)) == logins + 1
    assert len(env.sim.commands) == 15


@pytest.mark.parametrize(("brand", "protocol"), [("huawei", "telnet"), ("zte", "ssh")])
async def test_pager_hint_prompts_and_alarms_are_handled_when_left_on(brand, protocol):
    """An OLT where paging, hint prompts and alarms stay on (the session skips the commands that
    turn them off): outputs still parse exactly as with them off."""
    import dataclasses

    from ponapi.olt import parsers as p
    from ponapi.olt.platforms import dialect_for
    from ponapi.olt.platforms import platform_for as driver_for
    from ponapi.olt.platforms.runner import InMode
    from ponapi.olt.session import CliSession

    sim = OltSim(
        brand=brand,
        model="MA5800-X7" if brand == "huawei" else "C320",
        password="pw",
        onus=demo_onus(brand, 2),
    )
    u = sim.onus[1]
    u.description = "Cliente con una descripcion muy larga que el OLT parte en dos lineas " * 2
    port = await (sim.start_ssh() if protocol == "ssh" else sim.start_telnet())
    dialect = dataclasses.replace(
        dialect_for(brand), on_open=("enable",) if brand == "huawei" else ()
    )
    session = CliSession(
        Target("127.0.0.1", port, protocol, "noc", "pw", brand),
        dialect,
        login_timeout=5,
        command_timeout=5,
    )
    try:
        await session.open()
        driver = driver_for(brand, sim.model)
        loc = Location(u.frame, u.slot, u.port, u.ont_id)
        outputs = []
        for c in driver.read(loc):
            if isinstance(c, InMode):  # what the pool does with a mode block
                for line in c.enter:
                    await session.run(line)
                outputs += [await session.run(x) for x in c.commands]
                for _ in c.enter:
                    await session.run(c.leave)
            else:
                outputs.append(await session.run(c))
        raw = driver.raw_from(outputs)
        if brand == "huawei":
            # The hint was answered (the OLT echoes "Command:" only after Enter), the alarm was
            # printed into the raw output, and the pager was passed (the info output's last
            # block comes after the first 20-line page).
            assert "Command:" in outputs[0] and "ALARM 11111" in outputs[0]
            assert "ALARM NAME" not in raw["info"] and "PARAMETERS" not in raw["info"]
            assert raw["info"]["Tr069 management"] == "Enable"
            assert raw["info"]["SN"].startswith(u.serial.hex)
            assert raw["info"]["Description"] == u.description.strip()  # wrapped, then joined
            assert [w["Name"] for w in raw["wan"]] == [w.name for w in u.wans]
            assert p.huawei_ont_info(outputs[0]) == raw["info"]
            # In the GPON interface mode too, behind the hint prompt and an alarm.
            assert raw["optical"]["Rx optical power(dBm)"] == f"{u.rx_power:.2f}"
            assert [r["LinkState"] for r in raw["ports"]] == ["down", "up", "down", "down"]
        else:
            # The second WAN comes after the first 20-line page: the pager was passed.
            assert raw["detail"]["Serial number"] == u.serial.canonical
            assert [w["Host name"] for w in raw["wan"]] == [w.name for w in u.wans]
    finally:
        await session.quit()
        await sim.stop()


async def test_the_olts_ssh_host_key_is_pinned_at_first_login_and_enforced(make_env):
    """Trust on first use: the key the OLT presents at the first SSH login is pinned in the
    registry; a host presenting another key later gets no password and the read fails with
    OLT_AUTH_FAILED until an admin unpins (or pins the new key)."""
    env = await make_env("huawei", "ssh")
    admin = {"Authorization": f"Bearer {await token_for(env.client, 'admin')}"}
    olt_url = f"/api/olts/{env.olt_id}"
    assert (await env.client.get(olt_url, headers=admin)).json()["data"]["sshHostKey"] == ""
    serial = env.sim.onus[0].serial.canonical
    assert (await env.stats(serial)).status_code == 200
    for _ in range(50):  # pinned by a background write
        olt = (await env.client.get(olt_url, headers=admin)).json()["data"]
        if olt["sshHostKey"]:
            break
        await asyncio.sleep(0.02)
    assert olt["sshHostKey"] == env.sim.ssh_host_key
    assert olt["sshHostKeyFingerprint"].startswith("SHA256:")

    impostor = OltSim(brand="huawei", password=OLT_PASSWORD, onus=env.sim.onus)
    port = await impostor.start_ssh()
    try:
        r = await env.client.patch(olt_url, headers=admin, json={"port": port})
        assert r.status_code == 200
        r = await env.stats(env.sim.onus[1].serial.canonical)  # not cached: a CLI read
        assert r.status_code == 502 and r.json()["code"] == "OLT_AUTH_FAILED"
        assert "host key" in r.json()["details"]
        assert impostor.password_attempts == 0  # refused before the password was sent
        assert (await env.client.get(olt_url, headers=admin)).json()["data"][
            "sshHostKey"
        ] == env.sim.ssh_host_key  # the pin stands

        bad = await env.client.patch(olt_url, headers=admin, json={"sshHostKey": "not a key"})
        assert bad.status_code == 400 and bad.json()["code"] == "INVALID_REQUEST"
        assert "OpenSSH public key" in bad.json()["details"]
        # The admin confirms the OLT was replaced: unpin; the next login pins the new key.
        r = await env.client.patch(olt_url, headers=admin, json={"sshHostKey": ""})
        assert r.status_code == 200 and r.json()["data"]["sshHostKey"] == ""
        assert (await env.stats(env.sim.onus[1].serial.canonical)).status_code == 200
        assert impostor.password_attempts == 1
        for _ in range(50):
            olt = (await env.client.get(olt_url, headers=admin)).json()["data"]
            if olt["sshHostKey"]:
                break
            await asyncio.sleep(0.02)
        assert olt["sshHostKey"] == impostor.ssh_host_key
        # An admin may also pin a key by hand (e.g. read off the OLT's console).
        r = await env.client.patch(
            olt_url, headers=admin, json={"sshHostKey": env.sim.ssh_host_key + " comment"}
        )
        assert r.json()["data"]["sshHostKey"] == env.sim.ssh_host_key  # normalised
    finally:
        await impostor.stop()
