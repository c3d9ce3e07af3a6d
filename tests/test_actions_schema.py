"""Every device action's real answers (the app with the GenieACS and OLT simulators on loopback)
validate against ponapi/contract/actions.schema.json, each against its own operation's definition;
and the OpenAPI document advertises those definitions as the action operations' 200 and 202."""

import copy
import json
import re
from functools import cache
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import SECRET
from tests.test_actions_api import device, post, url
from tests.test_actions_olt_api import _post as olt_post
from tests.test_olt_cli_api import make_env  # noqa: F401  (the fixture)
from tests.test_tr069_api import NOKIA, V5, env  # noqa: F401  (the fixture)

SCHEMA = Path(__file__).resolve().parents[1] / "ponapi" / "contract" / "actions.schema.json"
BASE = "/api/olts/{olt_id}/onus/{onu_serial}/tr069"


@cache
def _schema() -> dict:
    return json.loads(SCHEMA.read_text())


def check(response, definition: str, status: int = 200) -> dict:
    """The answer has ``status`` and validates against ``$defs[definition]`` of the contract."""
    assert response.status_code == status, response.text
    body = response.json()
    validator = jsonschema.Draft202012Validator({**_schema(), "$ref": f"#/$defs/{definition}"})
    validator.validate(body)
    jsonschema.Draft202012Validator(_schema()).validate(body)  # the document as a whole too
    return body


def rejected(body: dict, definition: str) -> bool:
    validator = jsonschema.Draft202012Validator({**_schema(), "$ref": f"#/$defs/{definition}"})
    return not validator.is_valid(body)


def test_the_schema_is_valid_json_schema_2020_12():
    jsonschema.Draft202012Validator.check_schema(_schema())
    assert _schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


async def test_settings_changes_applied_queued_and_cancelled(env):  # noqa: F811
    body = check(
        await post(env, "wireless-lan", {"ssid": "Schema", "password": "correct horse 1"}),
        "wirelessLanSuccess",
    )
    assert body["data"]["status"] == "applied"
    broken = copy.deepcopy(body)
    del broken["data"]["wirelessLan"]["ssid"]
    assert rejected(broken, "wirelessLanSuccess")
    broken = copy.deepcopy(body)
    broken["data"]["wirelessLan"]["password"] = "x"  # never echoed: always ""
    assert rejected(broken, "wirelessLanSuccess")

    dhcp = {
        "dhcp_server_enable": True,
        "start_address": "192.168.18.100",
        "end_address": "192.168.18.150",
        "dns_servers": ["1.1.1.1"],
        "lease_time": 3600,
    }
    body = check(await post(env, "lan-dhcp", dhcp), "lanDhcpSuccess")
    assert body["data"]["lanDhcpServer"]["leaseTimeSec"] == "3600"
    assert rejected(body, "wirelessLanSuccess")  # each operation has its own shape

    device(env).online = False
    body = check(await post(env, "wireless-lan", {"ssid": "Later"}), "wirelessLanSuccess")
    assert body["data"]["status"] == "queued" and body["data"]["taskId"]
    broken = copy.deepcopy(body)
    broken["data"]["status"] = "applied"  # a queued answer is never an applied one
    assert rejected(broken, "wirelessLanSuccess")
    r = await env.client.delete(
        url(env, V5, f"tasks/{body['data']['taskId']}"), headers=env.headers["technician"]
    )
    check(r, "taskCancelledSuccess")


async def test_diagnostics_and_whole_device_actions(env):  # noqa: F811
    body = check(await post(env, "diagnostic/ping", {"host": "8.8.8.8"}), "pingSuccess")
    assert body["data"]["status"] == "complete"
    broken = copy.deepcopy(body)
    broken["data"]["successCount"] = "4"
    assert rejected(broken, "pingSuccess")
    body = check(
        await post(env, "diagnostic/traceroute", {"host": "example.com"}), "tracerouteSuccess"
    )
    assert body["data"]["hops"]
    body = check(await post(env, "resync-config"), "resyncSuccess")
    assert body["data"]["status"] == "applied"
    body = check(await post(env, "reboot", {"confirm": True}), "rebootSuccess")
    assert body["data"]["via"] == "acs" and body["data"]["cameBack"] is True
    reset = {"confirm": True, "serial": NOKIA}
    body = check(
        await post(env, "factory-reset", reset, role="admin", serial=NOKIA), ("factoryResetSuccess")
    )
    assert body["data"]["bootstrapped"] is True
    broken = copy.deepcopy(body)
    del broken["data"]["bootstrapped"]
    assert rejected(broken, "factoryResetSuccess")


@pytest.mark.parametrize(
    "env", [{"speedtest_download_url": "http://127.0.0.1:9/file.bin"}], indirect=True
)
async def test_speedtest(env):  # noqa: F811
    body = check(
        await post(env, "diagnostic/speedtest", {"direction": "download"}), "speedtestSuccess"
    )
    assert body["data"]["downloadMbps"] > 0


async def test_still_running_is_the_202_job(env):  # noqa: F811
    device(env).session_delay = 1.0
    r = await post(env, "diagnostic/ping", {"host": "example.com"}, wait=0)
    body = check(r, "jobAccepted", 202)
    assert r.headers["Location"] == body["meta"]["location"]
    broken = copy.deepcopy(body)
    broken["data"]["status"] = "unknown"
    assert rejected(broken, "jobAccepted")
    await env.app.state.ctx.actions.guards.jobs.wait(body["data"]["id"], 10)


async def test_olt_cli_disable_enable_unchanged_and_reboot(make_env):  # noqa: F811
    olt = await make_env("huawei", "ssh")
    body = check(await olt_post(olt, "disable", {"confirm": True}), "adminStateSuccess")
    assert (body["data"]["status"], body["data"]["newState"]) == ("applied", "disabled")
    body = check(await olt_post(olt, "disable", {"confirm": True}), "adminStateSuccess")
    assert body["data"]["status"] == "unchanged"
    broken = copy.deepcopy(body)
    broken["data"]["newState"] = "deactive"  # the OLT's own word is never passed through
    assert rejected(broken, "adminStateSuccess")
    check(await olt_post(olt, "enable", {"confirm": True}), "adminStateSuccess")
    body = check(await olt_post(olt, "reboot", {"confirm": True}), "rebootSuccess")
    assert body["data"] == {"status": "sent", "via": "olt", "cameBack": None}


# --- the OpenAPI document ----------------------------------------------------------------------

ACTIONS = {
    ("post", "wireless-lan"): "wirelessLanSuccess",
    ("post", "lan-dhcp"): "lanDhcpSuccess",
    ("post", "diagnostic/ping"): "pingSuccess",
    ("post", "diagnostic/traceroute"): "tracerouteSuccess",
    ("post", "diagnostic/speedtest"): "speedtestSuccess",
    ("post", "reboot"): "rebootSuccess",
    ("post", "resync-config"): "resyncSuccess",
    ("post", "factory-reset"): "factoryResetSuccess",
    ("post", "disable"): "adminStateSuccess",
    ("post", "enable"): "adminStateSuccess",
    ("delete", "tasks/{task_id}"): "taskCancelledSuccess",
}


def _openapi() -> dict:
    from ponapi.config import Settings
    from ponapi.main import create_app

    return create_app(Settings(_env_file=None, secret_key=SECRET)).openapi()


def test_action_operations_advertise_the_contract_schemas():
    document = _openapi()
    schemas = document["components"]["schemas"]
    ops = {
        (m, p.removeprefix(BASE + "/")): op
        for p, methods in document["paths"].items()
        if p.startswith(BASE + "/")
        for m, op in methods.items()
    }
    assert set(ops) == set(ACTIONS)  # every action route is covered
    for (method, action), name in ACTIONS.items():
        responses = ops[method, action]["responses"]
        ok = responses["200"]["content"]["application/json"]["schema"]
        assert ok == {"$ref": f"#/components/schemas/Actions_{name}"}, action
        if method == "post":
            accepted = responses["202"]["content"]["application/json"]["schema"]
            assert accepted == {"$ref": "#/components/schemas/Actions_jobAccepted"}, action
    # loaded from the file, not copied: the components are the file's definitions, refs rebased
    contract = _schema()["$defs"]
    assert schemas["Actions_hop"] == contract["hop"]
    assert schemas["Actions_queued"]["properties"]["skipped"] == {
        "$ref": "#/components/schemas/Actions_skipped"
    }
    assert "#/$defs/" not in json.dumps(document)


def test_action_schema_refs_resolve_inside_the_document():
    """The components resolve inside the OpenAPI document (every $ref points at a component)."""
    document = _openapi()
    text = json.dumps(document)
    for name in {n for n in ACTIONS.values()} | {"jobAccepted"}:
        assert f'"#/components/schemas/Actions_{name}"' in text
    for target in set(re.findall(r'"#/components/schemas/([^"]+)"', text)):
        assert target in document["components"]["schemas"], target


def test_without_the_actions_schema_the_document_still_builds(monkeypatch, tmp_path):
    from ponapi.api import openapi

    monkeypatch.setattr(openapi, "ACTIONS_CONTRACT", tmp_path / "missing.json")
    openapi.actions_contract.cache_clear()
    try:
        document = _openapi()
    finally:
        openapi.actions_contract.cache_clear()
    ok = document["paths"][BASE + "/reboot"]["post"]["responses"]["200"]
    assert "Actions_" not in json.dumps(ok)
    assert not any(k.startswith("Actions_") for k in document["components"]["schemas"])
