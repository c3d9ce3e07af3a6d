"""Disable / enable / reboot over the OLT CLI, end to end: the app and the simulated Huawei and
ZTE OLTs over SSH on loopback; the exact command sequence the OLT received is checked."""

import time

import pytest

from tests.conftest import token_for
from tests.test_olt_cli_api import make_env  # noqa: F401  (the fixture)


async def _post(env, action, body, admin=True, **params):
    token = await token_for(env.client, "admin" if admin else "tech")
    return await env.client.post(
        f"/api/olts/{env.olt_id}/onus/{env.sim.onus[2].serial.canonical}/tr069/{action}",
        json=body,
        params=params,
        headers={"Authorization": f"Bearer {token}"},
    )


async def test_huawei_disable_then_enable_exact_commands(make_env):  # noqa: F811
    env = await make_env("huawei", "ssh")
    u = env.sim.onus[2]
    where = f"{u.frame} {u.slot} {u.port} {u.ont_id}"
    before = len(env.sim.commands)
    r = await _post(env, "disable", {"confirm": True})
    assert r.status_code == 200, r.text
    d = r.json()["data"]
    assert (d["previousState"], d["newState"], d["status"]) == ("enabled", "disabled", "applied")
    assert u.admin is False
    sent = env.sim.commands[before:]
    assert sent[-7:] == [
        f"display ont info {where}",
        "config",
        f"interface gpon {u.frame}/{u.slot}",
        f"ont deactivate {u.port} {u.ont_id}",
        "quit",
        "quit",
        f"display ont info {where}",
    ]
    r = await _post(env, "enable", {"confirm": True})
    assert r.status_code == 200, r.text
    assert (r.json()["data"]["previousState"], r.json()["data"]["newState"]) == (
        "disabled",
        "enabled",
    )
    assert u.admin is True
    assert env.sim.commands[-4] == f"ont activate {u.port} {u.ont_id}"


async def test_zte_c320_disable_and_already_disabled(make_env):  # noqa: F811
    env = await make_env("zte", "ssh")
    u = env.sim.onus[2]
    before = len(env.sim.commands)
    r = await _post(env, "disable", {"confirm": True})
    assert r.status_code == 200, r.text
    assert env.sim.commands[before:][-6:] == [
        f"show gpon onu detail-info gpon-onu_{u.frame}/{u.slot}/{u.port}:{u.ont_id}",
        "configure terminal",
        f"interface gpon-olt_{u.frame}/{u.slot}/{u.port}",
        f"onu {u.ont_id} state disable",
        "end",
        f"show gpon onu detail-info gpon-onu_{u.frame}/{u.slot}/{u.port}:{u.ont_id}",
    ]
    assert u.admin is False
    again = await _post(env, "disable", {"confirm": True})
    assert again.status_code == 200
    assert again.json()["data"]["status"] == "unchanged"


@pytest.mark.parametrize("brand", ["huawei", "zte"])
async def test_reboot_without_acs_goes_through_the_olt_and_answers_the_question(
    make_env,  # noqa: F811
    brand,
):
    env = await make_env(brand, "ssh")
    u = env.sim.onus[2]
    r = await _post(env, "reboot", {"confirm": True}, admin=False)
    assert r.status_code == 200, r.text
    assert r.json()["data"]["via"] == "olt"
    assert u.reboots == 1  # the confirmation was answered "yes", not Enter (= no)
    reboot = "ont reset" if brand == "huawei" else "reboot"
    assert any(c.startswith(reboot) for c in env.sim.commands)


async def test_no_typed_text_reaches_the_olt(make_env):  # noqa: F811
    env = await make_env("huawei", "ssh")
    before = list(env.sim.commands)
    for body in (
        {"confirm": True, "port": "1; reboot"},
        {"confirm": "yes"},
        {"confirm": True, "command": "undo ont 0 1"},
    ):
        r = await _post(env, "disable", body)
        assert r.status_code == 400, r.text
    assert env.sim.commands == before
    assert (await _post(env, "disable", {"confirm": True}, admin=False)).status_code == 403
    assert env.sim.commands == before


async def test_a_wrong_slot_answers_the_olts_error_at_once_and_sends_nothing(
    make_env,  # noqa: F811
):
    """The registry places the ONU on a slot with no GPON board: the OLT refuses to show an
    ONU there, so its serial cannot be checked and nothing is sent (no ``config``, no
    ``interface``): the answer is the OLT's own line, at once, and the session stays usable.
    (Leaving a refused mode once is tested in test_olt_modes.py.)"""
    env = await make_env("huawei", "ssh")
    for u in env.sim.onus:  # the boards moved; the registry still says slot 1
        u.slot = 7
    before = len(env.sim.commands)
    start = time.monotonic()
    r = await _post(env, "disable", {"confirm": True})
    assert time.monotonic() - start < 10
    assert r.status_code == 502, r.text
    details = r.json()["details"]
    assert "The ONT does not exist" in details and "nothing was sent" in details
    sent = env.sim.commands[before:]
    assert sent[-1] == "display ont info 0 1 0 2" and "config" not in sent, sent
    # The next action answers the same at once (the session was closed after the refusal,
    # as after any failed action: the next one logs in again).
    start = time.monotonic()
    r = await _post(env, "reboot", {"confirm": True}, admin=False)
    assert time.monotonic() - start < 10
    assert r.status_code == 502 and "The ONT does not exist" in r.json()["details"]
    assert "config" not in env.sim.commands[before:] and "ont reset" not in " ".join(sent)
