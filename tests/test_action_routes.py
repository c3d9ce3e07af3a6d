"""The action routes' shape: every body in the OpenAPI document, both key spellings for every
field, the bodies' edge cases and the order of the checks exactly as the contract says, and the
ACS-or-OLT decision made by the service (no route involved)."""

import json
from types import SimpleNamespace

import pytest
from pydantic.alias_generators import to_camel

from ponapi.actions import models as m
from ponapi.actions import requests
from ponapi.actions.errors import ActionValidationError
from ponapi.actions.service import Call, DeviceActions, Onu, Submitted
from ponapi.olt.location import Location
from ponapi.serials import parse_serial
from tests.conftest import SECRET
from tests.test_actions_api import post, url
from tests.test_tr069_api import NOKIA, V5, env  # noqa: F401  (the fixture)

BASE = "/api/olts/{olt_id}/onus/{onu_serial}/tr069/"
BODIES = {
    "wireless-lan": (m.WirelessLanRequest, True),
    "lan-dhcp": (m.LanDhcpRequest, True),
    "diagnostic/ping": (m.PingRequest, True),
    "diagnostic/traceroute": (m.TracerouteRequest, True),
    "diagnostic/speedtest": (m.SpeedtestRequest, False),
    "reboot": (m.ConfirmRequest, True),
    "resync-config": (m.ResyncRequest, False),
    "factory-reset": (m.FactoryResetRequest, True),
    "disable": (m.ConfirmRequest, True),
    "enable": (m.ConfirmRequest, True),
}


def _openapi() -> dict:
    from ponapi.config import Settings
    from ponapi.main import create_app

    return create_app(Settings(_env_file=None, secret_key=SECRET)).openapi()


def test_every_action_body_is_in_the_openapi_document():
    document = _openapi()
    paths = {p.removeprefix(BASE): ops for p, ops in document["paths"].items() if BASE in p}
    posts = {action for action, ops in paths.items() if "post" in ops}
    assert posts == set(BODIES)
    for action, (model, needed) in BODIES.items():
        body = paths[action]["post"]["requestBody"]
        assert body["required"] is needed, action
        schema = body["content"]["application/json"]["schema"]
        assert set(schema["properties"]) == set(model.model_fields), action  # snake_case
        assert schema["additionalProperties"] is False
        assert "camelCase" in schema["description"]
    # The body-less one has none; the auth-mode enum is inlined, no dangling $defs.
    assert "requestBody" not in paths["tasks/{task_id}"]["delete"]
    wifi = paths["wireless-lan"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert {"enum": [a.value for a in m.AuthMode]}.items() <= wifi["properties"]["auth_mode"][
        "anyOf"
    ][0].items()
    assert "$defs" not in json.dumps(document)


# A valid value for every field of every body.
SAMPLES = {
    "ssid": "Casa",
    "password": "correct horse 1",
    "auth_mode": "wpa2",
    "channel": 6,
    "tx_power": 100,
    "country_domain": "BR",
    "band": "5GHz",
    "enable": True,
    "ssid_advertisement_enabled": False,
    "dhcp_server_enable": False,
    "start_address": "192.168.1.10",
    "end_address": "192.168.1.20",
    "subnet_mask": "255.255.255.0",
    "dns_servers": ["1.1.1.1"],
    "lease_time": 3600,
    "host": "example.com",
    "number_of_repetitions": 3,
    "timeout": 1000,
    "max_hop_count": 10,
    "direction": "upload",
    "confirm": True,
    "serial": V5,
}
FIELDS = sorted(
    {(model, name) for model, _ in BODIES.values() for name in model.model_fields},
    key=lambda x: (x[0].__name__, x[1]),
)


@pytest.mark.parametrize(("model", "name"), FIELDS, ids=[f"{a.__name__}.{b}" for a, b in FIELDS])
def test_every_field_takes_both_spellings(model, name):
    base = {k: SAMPLES[k] for k, f in model.model_fields.items() if f.is_required() and k != name}
    if model is m.WirelessLanRequest and name == "band":
        base = {"ssid": "Casa"}
    for key in (name, to_camel(name)):
        parsed = requests.parse(model, json.dumps({**base, key: SAMPLES[name]}).encode())
        assert getattr(parsed.value, name) is not None, key
        assert set(parsed.sent) == {*base, name}  # the validated body, in snake_case


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"{", "body: is not valid JSON"),
        (b"[1]", "body: must be a JSON object"),
        (b'"x"', "body: must be a JSON object"),
        (b"{}", "confirm: is required"),
        (b"  \n", "confirm: is required"),  # whitespace is no body
        (b'{"confirm": true, "port": 1}', "port: is not a known field"),
    ],
)
def test_body_failures_name_the_field(raw, reason):
    with pytest.raises(ActionValidationError) as caught:
        requests.parse(m.ConfirmRequest, raw)
    assert f"{caught.value.field}: {caught.value.reason}" == reason


async def test_bodies_and_the_order_of_checks_over_http(env):  # noqa: F811
    async def send(action, content, role="technician", serial=V5, headers=None, **params):
        return await env.client.post(
            url(env, serial, action),
            content=content,
            params=params,
            headers={**env.headers[role], **(headers or {})},
        )

    def details(r):
        assert r.status_code == 400, r.text
        return r.json()["details"]

    # No body, or whitespace: resync runs; reboot asks for its confirmation.
    assert (await send("resync-config", b"")).status_code == 200
    assert (await send("resync-config", b"  ")).status_code == 200
    assert details(await send("reboot", b"")) == "confirm: is required"
    for action in BODIES:
        assert details(await send(action, b"{nope", role="admin")) == "body: is not valid JSON"
    # Parsed whatever the content type says (as before the routes were typed).
    text = {"Content-Type": "text/plain"}
    wrong = json.dumps({"confirm": True, "serial": NOKIA}).encode()
    assert details(await send("factory-reset", wrong, "admin", headers=text)) == (
        "serial: does not match the ONU's serial number"
    )
    # Order: role, then the query's wait, then the body, then the key, then the registry.
    assert (await send("reboot", b"{nope", role="viewer")).status_code == 403
    assert details(await send("reboot", b"{nope", wait=-1)).startswith("query.wait:")
    bad_key = {"Idempotency-Key": "has space"}
    assert details(await send("reboot", b"{}", headers=bad_key)) == "confirm: is required"
    assert details(await send("reboot", b'{"confirm": true}', headers=bad_key)).startswith(
        "Idempotency-Key:"
    )
    unregistered = "ZTEG00000001"
    r = await send("factory-reset", wrong, "admin", serial=unregistered)
    assert details(r) == "serial: does not match the ONU's serial number"
    r = await post(env, "reboot", {"confirm": True}, serial=unregistered)
    assert (r.status_code, r.json()["code"]) == (404, "ONU_NOT_FOUND")


# --- the service decides who does the action --------------------------------------------------


class FakeGuards:
    def __init__(self):
        self.settings = SimpleNamespace(speedtest_download_url="", speedtest_upload_url="")
        self.submitted = []

    async def submit(
        self, kind, user, olt_id, serial, request, work, *, wait, idempotency_key, keys=None
    ):
        self.submitted.append((kind, olt_id, serial.canonical, request, wait, idempotency_key))
        result = await work(0.0)
        return Submitted({"id": "job", "result": result}, True)

    async def start_cooldown(self, keys):
        pass


class FakeAcs:
    def __init__(self, known):
        self.known = known

    async def device_id(self, serial):
        return "device-1" if self.known else None

    def reboot(self, serial, sent):
        async def work(deadline):
            return {"via": "acs"}

        return work


class FakeCli:
    def __init__(self):
        self.asked = []

    def reboot(self, olt_id, target, brand, model, location, sent, *, expect=None):
        self.asked.append(("reboot", brand, model, location))

        async def work(deadline):
            return {"via": "olt"}

        return work

    def admin_state(self, olt_id, target, brand, model, location, enable, *, expect=None):
        self.asked.append(("admin", enable))

        async def work(deadline):
            return {"via": "olt", "enable": enable}

        return work


ONU = Onu(3, parse_serial(V5), "zte", "C320", None, Location(0, 1, 2, 3))
CALL = Call(SimpleNamespace(id=1, username="tech"), ONU, {"confirm": True}, 5.0, "k-1")


@pytest.mark.parametrize(("known", "via"), [(True, "acs"), (False, "olt")])
async def test_reboot_goes_through_the_acs_when_it_knows_the_onu_else_the_olt(known, via):
    guards, cli = FakeGuards(), FakeCli()
    actions = DeviceActions(guards, FakeAcs(known), cli)  # type: ignore[arg-type]
    sub = await actions.reboot(CALL, m.ConfirmRequest(confirm=True))
    assert sub.result == {"via": via}
    assert guards.submitted == [("reboot", 3, V5, {"confirm": True}, 5.0, "k-1")]
    assert cli.asked == [("reboot", "zte", "C320", Location(0, 1, 2, 3))]


async def test_disable_and_enable_go_through_the_olt():
    guards, cli = FakeGuards(), FakeCli()
    actions = DeviceActions(guards, FakeAcs(True), cli)  # type: ignore[arg-type]
    sub = await actions.admin_state(CALL, m.ConfirmRequest(confirm=True), enable=False)
    assert sub.result == {"via": "olt", "enable": False}
    await actions.admin_state(CALL, m.ConfirmRequest(confirm=True), enable=True)
    assert [s[0] for s in guards.submitted] == ["disable", "enable"]
