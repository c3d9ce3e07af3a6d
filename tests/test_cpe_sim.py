"""ponapi's CPE simulator without GenieACS: the SOAP codec, the RPCs on a real dump, digest-
authenticated connection requests, diagnostics, and whole sessions against a scripted ACS."""

from __future__ import annotations

import asyncio
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

import httpx
import pytest
from defusedxml import EntitiesForbidden

from ponapi.sim.cpe import diagnostics
from ponapi.sim.cpe.connreq import ConnectionRequestServer
from ponapi.sim.cpe.cpe import Knobs
from ponapi.sim.cpe.model import DataModel, load_document
from ponapi.sim.cpe.rpc import RpcHandler
from ponapi.sim.cpe.runner import Fleet, clone_serial
from ponapi.sim.cpe.soap import CwmpFault, envelope, fault_body, parse, rpc, sub
from ponapi.sim.http import HttpServer, Request, Response

ACS = Path(__file__).parent / "fixtures" / "acs"
H199A = (
    ACS / "anlix-genieacs-sim_device-C0B101-ZXHN_H199A-ZTEYH86LCN10105-2023-03-28T154022233Z.csv"
)
XX230V = ACS / "anlix-genieacs-sim_device-1C61B4-XX230v-22275A7000395-2023-04-27T154050686Z.csv"
IGD = "InternetGatewayDevice"


@pytest.fixture(scope="module")
def h199a_doc():
    return load_document(H199A)


@pytest.fixture
def model(h199a_doc):
    return DataModel(h199a_doc)


def call(handler: RpcHandler, method: str, build=None) -> ET.Element:
    req = rpc(method)
    if build:
        build(req)
    # through the codec, as the ACS's bytes would arrive
    msg = parse(envelope("id-1", req))
    assert (msg.id, msg.method) == ("id-1", method)
    return handler.handle(msg.method, msg.body)


def names(req: ET.Element, *paths: str) -> None:
    lst = sub(req, "ParameterNames")
    for p in paths:
        sub(lst, "string", p)


def set_values(req: ET.Element, values: list[tuple[str, str]], key: str = "k1") -> None:
    lst = sub(req, "ParameterList")
    for name, value in values:
        s = sub(lst, "ParameterValueStruct")
        sub(s, "Name", name)
        sub(s, "Value", value)
    sub(req, "ParameterKey", key)


# --- codec -----------------------------------------------------------------------------------


def test_envelope_round_trip_and_faults():
    body = rpc("GetParameterValuesResponse")
    s = sub(sub(body, "ParameterList"), "ParameterValueStruct")
    sub(s, "Name", "A.B")
    sub(s, "Value", "x < y & z")
    raw = envelope("42", body)
    assert b'xmlns:xsd="http://www.w3.org/2001/XMLSchema"' in raw
    msg = parse(raw)
    assert (msg.id, msg.method) == ("42", "GetParameterValuesResponse")
    assert msg.body.findtext("ParameterList/ParameterValueStruct/Value") == "x < y & z"
    fault = parse(envelope("43", fault_body(CwmpFault(9005, "Invalid parameter name: X"))))
    assert fault.fault == ("9005", "Invalid parameter name: X")
    assert parse(b"").method == ""


def test_the_parser_refuses_entity_expansion():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/">'
        b"<soap-env:Body>&b;</soap-env:Body></soap-env:Envelope>"
    )
    with pytest.raises(EntitiesForbidden):
        parse(bomb)


# --- RPCs on a real dump ---------------------------------------------------------------------


def test_get_parameter_names_and_values(model):
    h = RpcHandler(model)
    out = call(
        h,
        "GetParameterNames",
        lambda r: (sub(r, "ParameterPath", f"{IGD}.DeviceInfo."), sub(r, "NextLevel", "true")),
    )
    got = [s.findtext("Name") for s in out.iter("ParameterInfoStruct")]
    assert f"{IGD}.DeviceInfo.ModelName" in got
    assert all(n.count(".") == 2 or (n.endswith(".") and n.count(".") == 3) for n in got)
    out = call(
        h,
        "GetParameterValues",
        lambda r: names(r, f"{IGD}.DeviceInfo.ModelName", f"{IGD}.DeviceInfo.UpTime"),
    )
    values = {s.findtext("Name"): s.findtext("Value") for s in out.iter("ParameterValueStruct")}
    assert values[f"{IGD}.DeviceInfo.ModelName"] == "ZXHN H199A"
    assert int(values[f"{IGD}.DeviceInfo.UpTime"]) >= int(
        model._defaults[0][f"{IGD}.DeviceInfo.UpTime"].value
    )
    with pytest.raises(CwmpFault) as err:
        call(h, "GetParameterValues", lambda r: names(r, f"{IGD}.NoSuchThing"))
    assert err.value.code == 9005


def test_set_parameter_values_keeps_values_honours_the_key_and_faults(model):
    h = RpcHandler(model)
    name = f"{IGD}.ManagementServer.PeriodicInformInterval"
    out = call(h, "SetParameterValues", lambda r: set_values(r, [(name, "77")], "key-9"))
    assert out.findtext("Status") == "0"
    assert model.value(name) == "77"
    assert model.get("ManagementServer.ParameterKey") == "key-9"
    for value_name, value, code in (
        (f"{IGD}.Nope", "1", 9005),
        (name, "abc", 9007),
        (f"{IGD}.DeviceInfo.ModelName", "x", 9008),
    ):
        with pytest.raises(CwmpFault) as err:
            call(h, "SetParameterValues", lambda r, n=value_name, v=value: set_values(r, [(n, v)]))
        assert err.value.code == code and err.value.params == [(value_name, code)]
    assert model.value(name) == "77"  # nothing applied from a faulted request


def test_attributes_objects_and_deferred_actions(model):
    h = RpcHandler(model)
    name = f"{IGD}.DeviceInfo.SoftwareVersion"

    def spa(r):
        s = sub(sub(r, "ParameterList"), "SetParameterAttributesStruct")
        sub(s, "Name", name)
        sub(s, "NotificationChange", "true")
        sub(s, "Notification", "2")
        sub(s, "AccessListChange", "true")
        sub(sub(s, "AccessList"), "string", "Subscriber")

    call(h, "SetParameterAttributes", spa)
    out = call(h, "GetParameterAttributes", lambda r: names(r, name))
    assert out.findtext("ParameterList/ParameterAttributeStruct/Notification") == "2"
    assert out.findtext("ParameterList/ParameterAttributeStruct/AccessList/string") == "Subscriber"
    obj = f"{IGD}.WANDevice.1.WANConnectionDevice."
    out = call(h, "AddObject", lambda r: sub(r, "ObjectName", obj))
    n = out.findtext("InstanceNumber")
    assert f"{obj}{n}." in model.objects
    assert any(p.startswith(f"{obj}{n}.") for p in model.params)
    call(h, "DeleteObject", lambda r: sub(r, "ObjectName", f"{obj}{n}."))
    assert not any(p.startswith(f"{obj}{n}.") for p in [*model.params, *model.objects])
    call(h, "Reboot", lambda r: sub(r, "CommandKey", "rb"))
    call(
        h,
        "Download",
        lambda r: (sub(r, "CommandKey", "dl"), sub(r, "URL", "http://127.0.0.1:9/fw")),
    )
    assert h.after.reboot == "rb" and h.after.downloads[0][:2] == ("dl", "http://127.0.0.1:9/fw")
    out = call(h, "GetRPCMethods")
    assert "FactoryReset" in [s.text for s in out.iter("string")]
    with pytest.raises(CwmpFault) as err:
        call(h, "ScheduleInform")
    assert err.value.code == 9000


def test_factory_reset_restores_the_dump_and_reboot_resets_uptime(model):
    name = f"{IGD}.ManagementServer.PeriodicInformInterval"
    default = model.value(name)
    model.update(name, value="5")
    assert model.uptime() > 1000  # the dump's UpTime
    model.reboot()
    assert model.uptime() == 0 and model.value(name) == "5"
    model.reset()
    assert model.value(name) == default


# --- diagnostics -----------------------------------------------------------------------------


def test_ipping_and_error_states_tr098(model):
    p = f"{IGD}.IPPingDiagnostics."
    h = RpcHandler(model)
    call(
        h,
        "SetParameterValues",
        lambda r: set_values(r, [(p + "Host", "192.0.2.1"), (p + "DiagnosticsState", "Requested")]),
    )
    [armed] = h.after.diagnostics
    assert diagnostics.complete(model, armed) == "Complete"
    ok, avg = int(model.value(p + "SuccessCount")), int(model.value(p + "AverageResponseTime"))
    assert ok >= 1 and int(model.value(p + "MinimumResponseTime")) <= avg <= int(
        model.value(p + "MaximumResponseTime")
    )
    model.update(p + "Host", value="")
    assert diagnostics.complete(model, armed) == "Error_CannotResolveHostName"
    assert model.value(p + "DiagnosticsState") == "Error_CannotResolveHostName"


def test_traceroute_and_tr143_upload_tr181():
    model = DataModel(load_document(XX230V))
    base = "Device.IP.Diagnostics."
    trace = diagnostics.requested(model, base + "TraceRoute.DiagnosticsState", "Requested")
    model.update(base + "TraceRoute.Host", value="198.51.100.4")
    assert diagnostics.complete(model, trace) == "Complete"
    hops = int(model.value(base + "TraceRoute.RouteHopsNumberOfEntries"))
    assert model.value(f"{base}TraceRoute.RouteHops.{hops}.HostAddress") == "198.51.100.4"
    up = diagnostics.requested(model, base + "UploadDiagnostics.DiagnosticsState", "Requested")
    model.update(base + "UploadDiagnostics.UploadURL", value="http://192.0.2.9/up")
    assert diagnostics.complete(model, up) == "Complete"
    assert int(model.value(base + "UploadDiagnostics.TotalBytesSent")) > 0
    assert model.value(base + "UploadDiagnostics.EOMTime") > model.value(
        base + "UploadDiagnostics.BOMTime"
    )
    assert diagnostics.requested(model, base + "TraceRoute.DiagnosticsState", "None") is None


# --- connection requests ---------------------------------------------------------------------


async def test_connection_requests_need_digest_auth():
    hits = []
    server = ConnectionRequestServer(lambda: ("acs", "s3cret"), lambda: hits.append(1), "/cr")
    url = await server.start()
    try:
        async with httpx.AsyncClient(timeout=5) as c:
            assert (await c.get(url)).status_code == 401
            assert (await c.get(url, auth=httpx.DigestAuth("acs", "wrong"))).status_code == 401
            assert (await c.get(url, auth=httpx.BasicAuth("acs", "s3cret"))).status_code == 401
            assert hits == []
            assert (await c.get(url, auth=httpx.DigestAuth("acs", "s3cret"))).status_code == 200
            assert hits == [1]
    finally:
        await server.stop()


def test_a_digest_answer_cannot_be_replayed():
    server = ConnectionRequestServer(lambda: ("acs", "pw"), lambda: None)
    challenge = server._challenge().headers["WWW-Authenticate"]
    nonce = challenge.split('nonce="')[1].split('"')[0]
    from ponapi.sim.cpe.connreq import REALM, digest_response

    answer = digest_response("acs", "pw", "GET", "/", nonce, "00000001", "c1", "auth")
    header = (
        f'Digest username="acs", realm="{REALM}", nonce="{nonce}", uri="/", qop=auth, '
        f'nc=00000001, cnonce="c1", response="{answer}"'
    )
    assert server.verify("GET", header) is True
    assert server.verify("GET", header) is False


# --- whole sessions against a scripted ACS ---------------------------------------------------


class ScriptedAcs:
    """Answers Informs, then sends each CPE's queued RPCs; a cookie tells sessions apart."""

    def __init__(self) -> None:
        self.server = HttpServer(self.handle)
        self.queue: dict[str, list[ET.Element]] = defaultdict(list)
        self.informs: list[tuple[str, list[str]]] = []
        self.answers: dict[str, list[str]] = defaultdict(list)
        self.transfers: list[str] = []

    async def handle(self, req: Request) -> Response:
        msg = parse(req.body)
        serial = req.headers.get("cookie", "").removeprefix("cpe=")
        headers = {"Content-Type": "text/xml"}
        if msg.method == "Inform":
            serial = msg.body.findtext("DeviceId/SerialNumber")
            self.informs.append((serial, [e.text for e in msg.body.iter("EventCode")]))
            headers["Set-Cookie"] = f"cpe={serial}"
            out = rpc("InformResponse")
            sub(out, "MaxEnvelopes", "1")
            return Response(200, envelope(msg.id, out), "OK", headers)
        if msg.method == "TransferComplete":
            self.transfers.append(msg.body.findtext("FaultStruct/FaultCode"))
            return Response(200, envelope(msg.id, rpc("TransferCompleteResponse")), "OK", headers)
        if msg.method:
            self.answers[serial].append(
                msg.method if msg.fault is None else f"Fault {msg.fault[0]}"
            )
        if self.queue[serial]:
            return Response(200, envelope("acs-1", self.queue[serial].pop(0)), "OK", headers)
        return Response(204, b"", "No Content")


async def wait_until(predicate, timeout: float = 10.0) -> None:
    for _ in range(int(timeout / 0.02)):
        if predicate():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not met in time")


@pytest.fixture
async def acs():
    a = ScriptedAcs()
    a.url = await a.server.start()
    yield a
    await a.server.stop()


async def test_sessions_events_reboot_download_and_connection_requests(acs, h199a_doc):
    fleet = Fleet(
        acs.url + "/",
        Knobs(periodic=0.3, boot_seconds=0.05, diagnostics_seconds=0.05, transfer_seconds=0.05),
    )
    cpe = fleet.add(h199a_doc)
    gpv = rpc("GetParameterValues")
    names(gpv, f"{IGD}.DeviceInfo.UpTime")
    reboot = rpc("Reboot")
    sub(reboot, "CommandKey", "rb-1")
    download = rpc("Download")
    sub(download, "CommandKey", "dl-1")
    sub(download, "URL", "http://127.0.0.1:9/none")
    ping = rpc("SetParameterValues")
    p = f"{IGD}.IPPingDiagnostics."
    set_values(ping, [(p + "Host", "192.0.2.1"), (p + "DiagnosticsState", "Requested")])
    bad = rpc("GetParameterValues")
    names(bad, "Nope.")
    serial = cpe.model.serial
    acs.queue[serial] += [gpv, bad, reboot]
    await fleet.start()
    try:
        await wait_until(lambda: cpe.informs["M Reboot"] == 1)
        assert acs.informs[0] == (serial, ["0 BOOTSTRAP", "1 BOOT"])
        assert acs.answers[serial][:2] == ["GetParameterValuesResponse", "Fault 9005"]
        assert ("1 BOOT" in acs.informs[-1][1]) and ("M Reboot" in acs.informs[-1][1])
        assert cpe.model.uptime() < 5
        await wait_until(lambda: cpe.informs["2 PERIODIC"] >= 1)
        acs.queue[serial] += [download, ping]
        async with httpx.AsyncClient(timeout=5) as c:
            creds = cpe._cr_credentials()
            r = await c.get(cpe.cr.url, auth=httpx.DigestAuth(*creds))
        assert r.status_code == 200
        await wait_until(lambda: cpe.informs["8 DIAGNOSTICS COMPLETE"] == 1)
        await wait_until(lambda: cpe.informs["7 TRANSFER COMPLETE"] == 1)
        assert cpe.informs["6 CONNECTION REQUEST"] >= 1
        assert acs.transfers == ["9010"]  # nothing listens on port 9
        assert cpe.model.value(p + "DiagnosticsState") == "Complete"
        await cpe.set_online(False)
        async with httpx.AsyncClient(timeout=5) as c:
            with pytest.raises(httpx.ConnectError):
                await c.get(cpe.cr.url)
    finally:
        await fleet.stop()


async def test_a_hundred_cpes_in_one_process(acs, h199a_doc):
    fleet = Fleet(acs.url + "/", Knobs(periodic=0))
    for i in range(100):
        fleet.add(h199a_doc, clone_serial("ZTEG0000AAAA", i))
    await fleet.start()
    try:
        await wait_until(lambda: len(acs.informs) >= 100, timeout=30)
        assert len({s for s, _ in acs.informs}) == 100
        assert len({c.cr.port for c in fleet.cpes}) == 100
    finally:
        await fleet.stop()


def test_the_cli_runs_cpes_against_an_acs():
    from typer.testing import CliRunner

    from ponapi.cli import app
    from ponapi.sim.cpe.runner import ThreadedLoop

    acs = ScriptedAcs()
    loop = ThreadedLoop()
    url = loop.call(acs.server.start())
    try:
        result = CliRunner().invoke(
            app,
            [
                "sim",
                "cpe",
                str(H199A),
                "--acs",
                url + "/",
                "--count",
                "3",
                "--duration",
                "1",
                "--fault",
                "GetParameterValues=9002",
            ],
        )
    finally:
        loop.call(acs.server.stop())
        loop.close()
    assert result.exit_code == 0, result.output
    assert result.output.count("connection requests on http://127.0.0.1:") == 3
    assert sorted(s for s, _ in acs.informs) == [
        "ZTEYH86LCN10001",
        "ZTEYH86LCN10002",
        "ZTEYH86LCN10105",
    ]
    bad = CliRunner().invoke(app, ["sim", "cpe", str(H199A), "--fault", "GPV"])
    assert bad.exit_code == 2 and "RPC=CODE" in bad.output
