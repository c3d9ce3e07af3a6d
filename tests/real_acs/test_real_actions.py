"""The TR-069 screen's buttons through ponapi, the real GenieACS 1.2.16 and CPEs that speak real
CWMP (ponapi's CPE simulator): each change is checked on the CPE itself, in GenieACS and in the
next tr069-stats, as the README's "Device actions" section documents them."""

from __future__ import annotations

import json
import time
from datetime import datetime
from typing import Any

import httpx
import pytest

from tests.real_acs.conftest import BUTTONS, DOWN, LAGGY, REFUSE, RESET, Dump, World
from tests.real_acs.harness import wait_for

pytestmark = pytest.mark.real_acs

WLAN = "InternetGatewayDevice.LANDevice.1.WLANConfiguration.1."
LAN = "InternetGatewayDevice.LANDevice.1.LANHostConfigManagement."


def act(world: World, dump: Dump, action: str, body: Any = None, **params: Any) -> httpx.Response:
    with world.ponapi.client(timeout=90) as c:
        return c.post(
            f"{world.ponapi.stats_path(dump.onu)[: -len('-stats')]}/{action}",
            json=body,
            params=params,
        )


def stats(world: World, dump: Dump) -> dict[str, Any]:
    with world.ponapi.client() as c:
        r = c.get(world.ponapi.stats_path(dump.onu))
    assert r.status_code == 200, r.text
    return r.json()["data"]


def held(world: World, dump: Dump, path: str) -> str:
    """What the CPE itself holds (not what GenieACS or ponapi believe)."""
    return world.cpe(dump).model.params[path].value


def tasks(world: World, dump: Dump) -> list[dict[str, Any]]:
    return world.acs.pending_tasks(world.ids[dump.onu])


def _at(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def test_wifi_change_is_applied_read_back_and_in_the_next_stats(world):
    assert stats(world, BUTTONS)["wirelessLan"]["ssid"] == "Anlix-ZTE-H199"  # cached now
    body = {"ssid": "Casa Real", "password": "una clave larga 7", "auth_mode": "wpa2", "channel": 6}
    t0 = time.monotonic()
    r = act(world, BUTTONS, "wireless-lan", body)
    took = time.monotonic() - t0
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["status"] == "applied", data
    assert (data["wirelessLan"]["ssid"], data["wirelessLan"]["channel"]) == ("Casa Real", "6")
    assert "una clave larga 7" not in r.text  # never echoed
    assert held(world, BUTTONS, WLAN + "SSID") == "Casa Real"
    assert held(world, BUTTONS, WLAN + "Channel") == "6"
    assert held(world, BUTTONS, WLAN + "AutoChannelEnable") in ("false", "0")
    assert "una clave larga 7" in {
        held(world, BUTTONS, WLAN + "KeyPassphrase"),
        held(world, BUTTONS, WLAN + "PreSharedKey.1.KeyPassphrase"),
    }
    wifi = stats(world, BUTTONS)["wirelessLan"]  # the action dropped the cached stats
    assert (wifi["ssid"], wifi["channel"]) == ("Casa Real", "6")
    assert tasks(world, BUTTONS) == []
    print(f"\nwireless-lan through the real GenieACS: {took:.2f} s")


def test_lan_dhcp_change_is_applied_and_read_back(world):
    body = {
        "dhcp_server_enable": True,
        "start_address": "192.168.1.100",
        "end_address": "192.168.1.150",
        "subnet_mask": "255.255.255.0",
        "dns_servers": ["1.1.1.1", "8.8.8.8"],
        "lease_time": 3600,
    }
    r = act(world, BUTTONS, "lan-dhcp", body)
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["status"] == "applied", data
    d = data["lanDhcpServer"]
    assert (d["dhcpMinAddr"], d["dhcpMaxAddr"], d["leaseTimeSec"]) == (
        "192.168.1.100",
        "192.168.1.150",
        "3600",
    )
    assert held(world, BUTTONS, LAN + "MinAddress") == "192.168.1.100"
    assert held(world, BUTTONS, LAN + "MaxAddress") == "192.168.1.150"
    assert held(world, BUTTONS, LAN + "DHCPLeaseTime") == "3600"
    assert held(world, BUTTONS, LAN + "DNSServers") == "1.1.1.1,8.8.8.8"


def test_ping_and_traceroute_complete_with_results(world):
    cpe = world.cpe(BUTTONS)
    before = cpe.informs["8 DIAGNOSTICS COMPLETE"]
    r = act(world, BUTTONS, "diagnostic/ping", {"host": "192.0.2.1", "number_of_repetitions": 3})
    assert r.status_code == 200, r.text
    d = r.json()["data"]
    assert d["status"] == "complete", d
    assert d["successCount"] + d["failureCount"] == 3 and d["successCount"] >= 1
    assert d["minResponseTime"] <= d["averageResponseTime"] <= d["maxResponseTime"]
    assert held(world, BUTTONS, "InternetGatewayDevice.IPPingDiagnostics.Host") == "192.0.2.1"
    r = act(world, BUTTONS, "diagnostic/traceroute", {"host": "192.0.2.7", "max_hop_count": 10})
    assert r.status_code == 200, r.text
    d = r.json()["data"]
    assert d["status"] == "complete", d
    hops = d["hops"]
    assert len(hops) >= 2
    assert [h["hopNumber"] for h in hops] == list(range(1, len(hops) + 1))
    assert hops[-1]["address"] == "192.0.2.7"
    assert all(h["responseTime"] is not None and h["responseTime"] > 0 for h in hops)
    assert cpe.informs["8 DIAGNOSTICS COMPLETE"] >= before + 2  # the CPE ran both


def test_resync_rereads_the_whole_device(world):
    mark = world.acs.nbi_log_size()
    r = act(world, BUTTONS, "resync-config")
    assert r.status_code == 200, r.text
    d = r.json()["data"]
    assert d["status"] == "applied" and d["provisionsReapplied"] is True
    assert _at(d["requestedAt"]) <= _at(d["sessionAt"])  # the session GenieACS recorded
    assert d["reread"] == "InternetGatewayDevice"
    [post] = world.acs.nbi_requests(mark, r"POST /devices/.*/tasks")
    assert "connection_request" in post
    assert tasks(world, BUTTONS) == []  # GenieACS ran the refresh in the device's session


def test_reboot_goes_down_and_comes_back(world):
    cpe = world.cpe(BUTTONS)
    boots = cpe.informs["M Reboot"]
    r = act(world, BUTTONS, "reboot", {"confirm": True})
    assert r.status_code == 200, r.text
    d = r.json()["data"]
    assert (d["status"], d["via"], d["cameBack"]) == ("applied", "acs", True), d
    assert _at(d["requestedAt"]) <= _at(d["cameBackAt"])
    # GenieACS reported the end of the session that carried the Reboot: observed, not assumed
    assert _at(d["requestedAt"]) <= _at(d["wentDownAt"]) <= _at(d["cameBackAt"])
    assert cpe.informs["M Reboot"] == boots + 1
    assert cpe.model.uptime() < 30
    again = act(world, BUTTONS, "reboot", {"confirm": True})
    assert again.status_code == 429 and int(again.headers["Retry-After"]) > 0


def test_factory_reset_bootstraps_to_the_dump_defaults(world):
    cpe = world.cpe(RESET)
    r = act(world, RESET, "wireless-lan", {"ssid": "Before reset"})
    assert r.status_code == 200 and r.json()["data"]["status"] == "applied", r.text
    assert held(world, RESET, WLAN + "SSID") == "Before reset"
    bootstraps = cpe.informs["0 BOOTSTRAP"]
    wrong = act(world, RESET, "factory-reset", {"confirm": True, "serial": BUTTONS.onu})
    assert wrong.status_code == 400 and "serial" in wrong.json()["details"]
    r = act(world, RESET, "factory-reset", {"confirm": True, "serial": RESET.onu})
    assert r.status_code == 200, r.text
    d = r.json()["data"]
    assert (d["status"], d["bootstrapped"], d["cameBack"]) == ("applied", True, True), d
    assert cpe.informs["0 BOOTSTRAP"] == bootstraps + 1
    assert held(world, RESET, WLAN + "SSID") == "Anlix-ZTE-H199"
    # GenieACS took the bootstrap inform; a live read shows the default again
    with world.ponapi.client() as c:
        r = c.get(world.ponapi.stats_path(RESET.onu), params={"refresh": "true"})
    assert r.status_code == 200, r.text
    assert r.json()["data"]["wirelessLan"]["ssid"] == "Anlix-ZTE-H199"


def _go_offline(world: World, dump: Dump) -> None:
    world.loop.call(world.cpe(dump).set_online(False))


def _come_back(world: World, dump: Dump) -> None:
    cpe = world.cpe(dump)
    world.loop.call(cpe.set_online(True))
    world.loop.loop.call_soon_threadsafe(cpe.inform_now)


def test_offline_change_is_queued_cancellable_then_applied_at_the_next_inform(world):
    _go_offline(world, DOWN)
    try:
        r = act(world, DOWN, "wireless-lan", {"ssid": "Cancelled"})
        assert r.status_code == 200, r.text
        d = r.json()["data"]
        assert (d["status"], d["reason"]) == ("queued", "Device is offline"), d
        assert "wirelessLan" not in d  # never reported as applied
        assert [t["_id"] for t in tasks(world, DOWN)] == [d["taskId"]]
        with world.ponapi.client() as c:
            path = world.ponapi.stats_path(DOWN.onu)[: -len("-stats")]
            other = world.ponapi.stats_path(BUTTONS.onu)[: -len("-stats")]
            foreign = c.delete(f"{other}/tasks/{d['taskId']}")  # not that ONU's task
            assert foreign.status_code == 404 and len(tasks(world, DOWN)) == 1
            gone = c.delete(f"{path}/tasks/{d['taskId']}")
            again = c.delete(f"{path}/tasks/{d['taskId']}")
        assert gone.status_code == 200 and gone.json()["data"]["status"] == "cancelled"
        assert again.status_code == 404
        assert tasks(world, DOWN) == []
        r = act(world, DOWN, "wireless-lan", {"ssid": "Applied later"})
        assert r.status_code == 200, r.text
        later = r.json()["data"]
        assert later["status"] == "queued", later
    finally:
        _come_back(world, DOWN)
    # GenieACS runs the remaining queued task in the session the CPE's inform opens.
    wait_for(lambda: tasks(world, DOWN) == [], 30, "the queued task to run")
    assert held(world, DOWN, WLAN + "SSID") == "Applied later"  # never "Cancelled"
    assert stats(world, DOWN)["wirelessLan"]["ssid"] == "Applied later"


def test_a_refused_change_is_the_faulted_error_and_withdrawn(world):
    cpe = world.cpe(REFUSE)
    cpe.knobs.faults["SetParameterValues"] = 9001
    try:
        r = act(world, REFUSE, "wireless-lan", {"ssid": "Refused"})
    finally:
        cpe.knobs.faults.clear()
    assert r.status_code == 502, r.text
    body = r.json()
    assert body["code"] == "UPSTREAM_ERROR"
    assert "cwmp.9001" in body["details"] and "withdrawn" in body["details"]
    assert held(world, REFUSE, WLAN + "SSID") == "Anlix-ZTE-H199"
    assert tasks(world, REFUSE) == []  # GenieACS will not retry it by itself
    faults = httpx.get(
        f"{world.acs.nbi}/faults/",
        params={"query": json.dumps({"device": world.ids[REFUSE.onu]})},
        timeout=30,
    ).json()
    assert faults == []
    assert stats(world, REFUSE)["wirelessLan"]["ssid"] == "Anlix-ZTE-H199"


def test_offline_between_the_change_and_its_read_back(world):
    """The CPE takes the SPV, then drops off before ponapi's read-back: never reported applied;
    the error says the change was sent and why the read-back did not run; GenieACS runs the
    read-back at the next inform and the stats show what the device holds."""
    cpe = world.cpe(REFUSE)
    handle = cpe.rpc.handle

    def then_offline(method: str, req: Any) -> Any:
        answer = handle(method, req)
        if method == "SetParameterValues":
            cpe._spawn(cpe.set_online(False))  # the CR port closes; the session ends normally
        return answer

    cpe.rpc.handle = then_offline  # type: ignore[method-assign]
    try:
        r = act(world, REFUSE, "wireless-lan", {"ssid": "Sent unseen"})
    finally:
        cpe.rpc.handle = handle  # type: ignore[method-assign]
        _come_back(world, REFUSE)
    assert r.status_code == 502, r.text
    details = r.json()["details"]
    assert "was sent" in details and "Device is offline" in details
    assert held(world, REFUSE, WLAN + "SSID") == "Sent unseen"
    wait_for(lambda: tasks(world, REFUSE) == [], 30, "the read-back to run at the next inform")
    assert stats(world, REFUSE)["wirelessLan"]["ssid"] == "Sent unseen"


def test_a_change_is_four_nbi_requests_and_a_cpe_that_keeps_its_values_a_mismatch(world):
    """One read by serial, the set's session, the read-back's own session, one read: and the
    read-back asks the CPE every time (a getParameterValues task would be answered from the
    set's own values whenever both sessions start in the same second)."""
    mark = world.acs.nbi_log_size()
    r = act(world, REFUSE, "wireless-lan", {"ssid": "Four requests"})
    assert r.status_code == 200 and r.json()["data"]["status"] == "applied", r.text
    sent = world.acs.nbi_requests(mark, r": (GET|POST|DELETE|PUT) /")
    # Besides, one look at the tasks GenieACS holds for the device (nothing queued behind),
    # made at the same time as the first read.
    checks = [line for line in sent if " /tasks" in line]
    assert len(checks) == 1 and checks[0].split(": ", 1)[1].startswith("GET"), sent
    assert [line.split(": ", 1)[1].split(" ", 1)[0] for line in sent if " /tasks" not in line] == [
        "GET",
        "POST",
        "POST",
        "GET",
    ], sent
    cpe = world.cpe(REFUSE)
    handle = cpe.rpc.handle

    def deaf(method: str, req: Any) -> Any:
        if method != "SetParameterValues":
            return handle(method, req)
        kept = {name: p.value for name, p in cpe.model.params.items()}
        answer = handle(method, req)
        for name, value in kept.items():
            if cpe.model.params[name].value != value:
                cpe.model.update(name, value=value)
        return answer

    cpe.rpc.handle = deaf  # type: ignore[method-assign]
    try:
        for i in range(3):
            r = act(world, REFUSE, "wireless-lan", {"ssid": f"Unheard {i}"})
            assert r.status_code == 502, r.text
            assert r.json()["error"] == "Read-back mismatch", r.text
    finally:
        cpe.rpc.handle = handle  # type: ignore[method-assign]
    assert held(world, REFUSE, WLAN + "SSID") == "Four requests"


def test_a_session_outlasting_the_nbi_wait_is_followed_by_its_task(world):
    """GenieACS answers a task when the device's session ends; ponapi waits the connection
    request (8 s here) plus 10 s. A CPE that takes 25 s to answer the SPV: the answer is
    in-progress with GenieACS's task id (not a 504), and the job follows the task to the end."""
    cpe = world.cpe(LAGGY)
    cpe.knobs.latency = 25.0
    try:
        r = act(world, LAGGY, "wireless-lan", {"ssid": "Slow session"}, wait=21)
        assert r.status_code == 202, r.text
        job = r.json()["data"]
        assert job["result"]["status"] == "in-progress", job
        assert [t["_id"] for t in tasks(world, LAGGY)] == [job["result"]["taskId"]]
    finally:
        cpe.knobs.latency = 0.0  # the read-back's session is quick

    def ended() -> dict[str, Any] | None:
        with world.ponapi.client() as c:
            current = c.get(f"/api/jobs/{job['id']}").json()["data"]
        return None if current["status"] in ("queued", "running") else current

    done = wait_for(ended, 60, "the job to follow the task to its end", interval=0.5)
    assert done["status"] == "done", done
    assert done["result"]["status"] == "applied"
    assert done["result"]["wirelessLan"]["ssid"] == "Slow session"
    assert held(world, LAGGY, WLAN + "SSID") == "Slow session"
    assert tasks(world, LAGGY) == []
