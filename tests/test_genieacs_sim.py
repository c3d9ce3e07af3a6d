"""The GenieACS simulator behaves like GenieACS v1.2's NBI where ponapi touches it."""

import asyncio
import json
from urllib.parse import quote

import httpx
import pytest

from ponapi.sim.genieacs import GenieAcsSim, bundled_documents, expand, matches, project

NOKIA_ID = "9075BC-G%2D1425G%2DA-ALCLFC265D6F"


@pytest.fixture
async def sim():
    s = GenieAcsSim()
    for doc in bundled_documents():
        s.add(doc)
    url = await s.start()
    async with httpx.AsyncClient(base_url=url, timeout=10) as client:
        yield s, client
    await s.stop()


def q(obj):
    return json.dumps(obj)


async def test_device_query_expansion_projection_and_total_header(sim):
    s, c = sim
    r = await c.get(
        "/devices",
        params={
            "query": q({"_deviceId._SerialNumber": {"$in": ["HWTCA94196A5", "48575443A94196A5"]}}),
            "projection": "InternetGatewayDevice.DeviceInfo.ModelName,"
            "InternetGatewayDevice.DeviceInfo",
        },
    )
    assert r.status_code == 200
    assert r.headers["total"] == "1" and r.headers["GenieACS-Version"] == "1.2.16"
    [doc] = r.json()
    assert doc["_id"] == "00259E-EG8145V5-48575443A94196A5"
    assert set(doc) == {"_id", "InternetGatewayDevice"}
    assert set(doc["InternetGatewayDevice"]) == {"DeviceInfo"}  # the parent won
    assert doc["InternetGatewayDevice"]["DeviceInfo"]["UpTime"]["_value"] == 89910
    # A parameter path gets ._value appended; numeric strings also match numbers.
    r = await c.get(
        "/devices/",
        params={
            "query": q({"InternetGatewayDevice.DeviceInfo.UpTime": "89910"}),
            "projection": "_id",
        },
    )
    assert [d["_id"] for d in r.json()] == ["00259E-EG8145V5-48575443A94196A5"]
    r = await c.head("/devices", params={"query": q({})})
    assert r.headers["total"] == str(len(s.devices)) and r.content == b""


async def test_bad_query_and_unknown_collection(sim):
    _, c = sim
    r = await c.get("/devices", params={"query": "{nope"})
    assert r.status_code == 400 and r.text.startswith("SyntaxError")
    assert (await c.get("/nonsense")).status_code == 404
    assert (await c.delete("/devices")).status_code == 405


async def test_task_ids_must_be_percent_encoded_twice_like_genieacs(sim):
    _, c = sim
    body = {
        "name": "getParameterValues",
        "parameterNames": ["InternetGatewayDevice.DeviceInfo.UpTime"],
    }
    once = await c.post(f"/devices/{NOKIA_ID}/tasks", params={"connection_request": ""}, json=body)
    assert (once.status_code, once.reason_phrase, once.text) == (404, "Not Found", "No such device")
    twice = await c.post(
        f"/devices/{quote(NOKIA_ID, safe='')}/tasks", params={"connection_request": ""}, json=body
    )
    assert twice.status_code == 200


async def test_task_outcomes_in_the_reason_phrase(sim):
    s, c = sim
    dev = s.devices["00259E-EG8145V5-48575443A94196A5"]
    path = f"/devices/{quote(dev.id, safe='')}/tasks"
    body = {
        "name": "getParameterValues",
        "parameterNames": ["InternetGatewayDevice.DeviceInfo.UpTime"],
    }
    before = dev.doc["InternetGatewayDevice"]["DeviceInfo"]["UpTime"]
    old_value, old_stamp = before["_value"], before["_timestamp"]
    r = await c.post(path, params={"connection_request": "", "timeout": "3000"}, json=body)
    assert (r.status_code, r.reason_phrase) == (200, "OK")
    after = dev.doc["InternetGatewayDevice"]["DeviceInfo"]["UpTime"]
    assert after["_timestamp"] > old_stamp and after["_value"] > old_value  # counter advanced
    dev.online = False
    r = await c.post(path, params={"connection_request": ""}, json=body)
    assert (r.status_code, r.reason_phrase) == (202, "Device is offline")
    dev.online, dev.session_delay = True, 0.5  # a long session that started in time: done
    r = await c.post(path, params={"connection_request": "", "timeout": "100"}, json=body)
    assert (r.status_code, r.reason_phrase) == (200, "OK")
    dev.start_delay = 0.5  # no session within the timeout
    r = await c.post(path, params={"connection_request": "", "timeout": "100"}, json=body)
    assert (r.status_code, r.reason_phrase) == (202, "Task queued but not processed")
    dev.start_delay, dev.session_delay, dev.fault = 0.0, 0.0, True
    r = await c.post(path, params={"connection_request": ""}, json=body)
    assert (r.status_code, r.reason_phrase) == (202, "Task faulted")
    faults = (await c.get("/faults", params={"query": q({"device": dev.id})})).json()
    assert faults and faults[0]["_id"].startswith(f"{dev.id}:task_")
    r = await c.post(path, json=body)  # no connection request: queued for the next inform
    assert r.status_code == 202 and r.json()["device"] == dev.id
    r = await c.post(
        path,
        params={"connection_request": ""},
        json={"name": "getParameterValues", "parameterNames": []},
    )
    assert r.status_code == 400
    r = await c.post(path, content=b"{broken")
    assert r.status_code == 400


@pytest.mark.parametrize("mode", ["http500", "garbage", "truncate"])
async def test_failure_modes(sim, mode):
    s, c = sim
    s.mode = mode
    if mode == "truncate":
        with pytest.raises(httpx.RemoteProtocolError):
            await c.get("/devices", params={"query": q({})})
        return
    r = await c.get("/devices", params={"query": q({})})
    if mode == "http500":
        assert r.status_code == 500
    else:
        with pytest.raises(ValueError):
            r.json()


def test_query_operators():
    doc = {"_id": "x", "_deviceId": {"_SerialNumber": "S1"}, "A": {"B": {"_value": 5}}}
    assert matches(doc, expand({"A.B": {"$gt": 4, "$lte": 5}}))
    assert not matches(doc, expand({"A.B": {"$ne": 5}}))
    assert matches(doc, expand({"$or": [{"_id": "y"}, {"_deviceId._SerialNumber": "S1"}]}))
    assert matches(doc, expand({"A.C": {"$exists": False}}))
    assert not matches(doc, expand({"_id": {"$nin": ["x"]}}))
    assert project(doc, ["A.B._value", "A"]) == {"_id": "x", "A": {"B": {"_value": 5}}}


@pytest.mark.parametrize("base", ["http://acs.example:7557", "http://acs.example/nbi/"])
async def test_the_client_sends_one_projected_query_under_the_configured_base(base):
    """The device read's URL is built once per projection; it must still be the NBI query
    GenieACS expects, under whatever path prefix GENIEACS_URL has."""
    from urllib.parse import parse_qs, urlsplit

    from ponapi.acs.genieacs import GenieAcsClient
    from ponapi.serials import parse_serial
    from ponapi.tr069.sections import projection

    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=[])

    client = GenieAcsClient(base, timeout=5, transport=httpx.MockTransport(answer))
    paths = projection({"general", "wirelessLan"})
    assert await client.read_device(parse_serial("HWTC-A94196A5"), paths) is None
    await client.close()
    (request,) = seen
    parts = urlsplit(str(request.url))
    assert parts.path == urlsplit(base).path.rstrip("/") + "/devices/"
    params = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert json.loads(params["query"]) == {
        "_deviceId._SerialNumber": {"$in": ["HWTCA94196A5", "48575443A94196A5"]}
    }
    assert params["projection"] == ",".join(paths)


async def test_later_reads_project_only_the_devices_own_data_model():
    """Once a device is known to be TR-098 (or TR-181), its reads ask only for that model's
    paths; if its model changes (new firmware), the next read searches again with every path."""
    from urllib.parse import parse_qs, urlsplit

    from ponapi.acs.genieacs import GenieAcsClient
    from ponapi.serials import parse_serial
    from ponapi.tr069.sections import projection

    seen: list[dict[str, str]] = []
    answer_doc: dict[str, object] = {
        "_id": "00259E-EG8145V5-48575443A94196A5",
        "_lastInform": "2026-11-27T08:00:00.000Z",
        "InternetGatewayDevice": {"DeviceInfo": {"ModelName": {"_value": "EG8145V5"}}},
    }

    def answer(request: httpx.Request) -> httpx.Response:
        params = {k: v[0] for k, v in parse_qs(urlsplit(str(request.url)).query).items()}
        seen.append(params)
        return httpx.Response(200, json=[answer_doc])

    client = GenieAcsClient(
        "http://acs.example:7557", timeout=5, transport=httpx.MockTransport(answer)
    )
    serial = parse_serial("HWTCA94196A5")
    sections = projection({"general", "ipInterface11", "wirelessLan", "wifiSurvey"})
    await client.read_device(serial, sections)
    await client.read_device(serial, sections)
    first, second = (p["projection"].split(",") for p in seen)
    assert first == list(sections)  # unknown device: both models
    assert json.loads(seen[1]["query"]) == {"_id": answer_doc["_id"]}
    assert second == [p for p in first if not p.startswith("Device.")]
    assert len(second) < len(first)

    answer_doc = {
        "_id": answer_doc["_id"],
        "_lastInform": answer_doc["_lastInform"],
        "Device": answer_doc["InternetGatewayDevice"],
    }
    doc = await client.read_device(serial, sections)
    assert doc is not None and "Device" in doc
    assert json.loads(seen[-1]["query"])["_deviceId._SerialNumber"]  # searched again
    assert seen[-1]["projection"].split(",") == first
    await client.close()


async def test_a_session_outlasting_the_clients_wait_goes_on_with_its_task_listed(sim):
    """As GenieACS: the task is stored before the connection request; a client that stops
    waiting does not stop the session; the task is listed until the session has done it."""
    s, c = sim
    device = s.devices[NOKIA_ID]
    device.session_delay = 1.5
    task = {"name": "reboot"}
    with pytest.raises(httpx.ReadTimeout):
        await c.post(
            f"/devices/{quote(NOKIA_ID, safe='')}/tasks",
            params={"connection_request": "", "timeout": "3000"},
            json=task,
            timeout=0.5,
        )
    r = await c.get("/tasks", params={"query": q({"device": NOKIA_ID, "name": "reboot"})})
    (held,) = r.json()
    assert len(held["_id"]) == 24
    await asyncio.sleep(1.5)
    r = await c.get("/tasks", params={"query": q({"device": NOKIA_ID})})
    assert r.json() == []  # done by the session
    assert device.doc["_lastBoot"] >= held["timestamp"][:19]


async def test_device_reads_through_the_direct_client_keep_their_limits(sim, monkeypatch):
    """A device read (aiohttp, not httpx) has the same answers as every other NBI call: the
    device, a silent ACS a timeout, an oversized answer an upstream error; the session is
    closed with the client."""
    import asyncio

    from ponapi.acs import genieacs
    from ponapi.acs.genieacs import GenieAcsClient
    from ponapi.errors import ApiError, ErrorCode
    from ponapi.serials import parse_serial
    from ponapi.tr069.sections import projection

    _, nbi = sim
    serial, paths = parse_serial("HWTCA94196A5"), projection({"general"})
    client = GenieAcsClient(str(nbi.base_url), timeout=5)
    device = await client.read_device(serial, paths)
    assert device is not None and device["_id"] == "00259E-EG8145V5-48575443A94196A5"
    assert client.calls == 1
    monkeypatch.setattr(genieacs, "MAX_BODY", 1000)
    with pytest.raises(ApiError) as big:
        await client.read_device(serial, paths)
    assert big.value.code is ErrorCode.UPSTREAM_ERROR and "oversized" in big.value.details
    session = client._session
    await client.close()
    assert session is not None and session.closed

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(5)
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    slow = GenieAcsClient(f"http://127.0.0.1:{port}", timeout=0.3)
    try:
        with pytest.raises(ApiError) as late:
            await slow.read_device(serial, paths)
        assert late.value.code is ErrorCode.UPSTREAM_TIMEOUT
    finally:
        await slow.close()
        server.close()


async def test_task_calls_go_through_the_direct_client_with_genieacs_answers(sim, monkeypatch):
    """Task posts, task and fault lists and cancels use the device reads' aiohttp session (no
    httpx request): the reason phrase of a 202 still says why, the connection request reaches
    the ACS, a faulted task is withdrawn with its fault, a cancel of an unknown task is False."""
    from ponapi.acs.genieacs import GenieAcsClient

    s, nbi = sim
    client = GenieAcsClient(str(nbi.base_url), timeout=5)

    async def no_httpx(*args: object, **kwargs: object) -> None:
        raise AssertionError("httpx used for a task call")

    monkeypatch.setattr(client._client, "send", no_httpx)
    try:
        out = await client.run_task(
            NOKIA_ID,
            {
                "name": "getParameterValues",
                "parameterNames": ["InternetGatewayDevice.DeviceInfo.UpTime"],
            },
        )
        assert out.state == "applied"
        assert client._session is not None
        posted = [p for m, p in s.log if m == "POST"]
        assert posted[-1].endswith("/tasks?connection_request=&timeout=3000")
        s.devices[NOKIA_ID].online = False
        out = await client.run_task(NOKIA_ID, {"name": "reboot"})
        assert (out.state, out.reason) == ("queued", "Device is offline")
        held = await client.device_tasks(NOKIA_ID)
        assert [x["_id"] for x in held] == [out.task_id]
        assert await client.task_held(NOKIA_ID, str(out.task_id))
        assert await client.delete_task(str(out.task_id)) is True
        assert await client.delete_task(str(out.task_id)) is False
        assert await client.device_tasks(NOKIA_ID) == []
        s.devices[NOKIA_ID].online = True
        s.devices[NOKIA_ID].fault = True
        out = await client.run_task(NOKIA_ID, {"name": "reboot"})
        assert out.state == "faulted" and "cwmp.9002" in out.fault
        assert await client.device_tasks(NOKIA_ID) == []  # withdrawn
        assert client.calls >= 8
    finally:
        await client.close()


async def test_a_task_post_timing_out_after_it_was_sent_is_told_from_a_connect_timeout():
    """The task engine follows a task whose session outlasted the wait (the post was sent and
    the answer timed out), never one that could not connect: either client's errors."""
    import aiohttp

    from ponapi.acs.genieacs import GenieAcsClient, _sent_then_timed_out
    from ponapi.errors import ApiError, ErrorCode

    def timeout(cause: BaseException) -> ApiError:
        err = ApiError(ErrorCode.UPSTREAM_TIMEOUT, "late")
        err.__cause__ = cause
        return err

    assert _sent_then_timed_out(timeout(httpx.ReadTimeout("late")))
    assert not _sent_then_timed_out(timeout(httpx.ConnectTimeout("no")))
    assert _sent_then_timed_out(timeout(TimeoutError()))  # aiohttp's total, once connected
    assert _sent_then_timed_out(timeout(aiohttp.SocketTimeoutError("late")))
    assert not _sent_then_timed_out(timeout(aiohttp.ConnectionTimeoutError("no")))
    assert not _sent_then_timed_out(ApiError(ErrorCode.UPSTREAM_ERROR, "cut"))

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(65536)
        await asyncio.sleep(5)
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    slow = GenieAcsClient(f"http://127.0.0.1:{port}", timeout=0.2)
    try:
        with pytest.raises(ApiError) as late:
            await slow.post_task(
                NOKIA_ID, {"name": "reboot"}, connection_request=True, timeout_ms=100
            )
        assert late.value.code is ErrorCode.UPSTREAM_TIMEOUT
        assert _sent_then_timed_out(late.value)
    finally:
        await slow.close()
        server.close()


async def test_the_environments_proxy_is_looked_up_once_and_still_used(monkeypatch):
    """HTTP_PROXY / NO_PROXY apply to the NBI calls as with httpx, looked up once when the
    session opens (aiohttp's ``trust_env`` looked them up again per request, in two thread
    hops: about 0.4 ms per call)."""
    from ponapi.acs.genieacs import GenieAcsClient

    lines: list[bytes] = []

    async def proxy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        lines.append(head.split(b"\r\n", 1)[0])
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n[]")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(proxy, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    for name in ("HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{port}")
    client = GenieAcsClient("http://acs.example:7557", timeout=2)
    try:
        assert await client.device_tasks("dev") == []
        assert await client.device_tasks("dev") == []
        assert lines[0].startswith(b"GET http://acs.example:7557/tasks/?query=")
        assert len(lines) == 2
        assert client._session is not None and not client._session.trust_env
    finally:
        await client.close()
        server.close()
    monkeypatch.setenv("NO_PROXY", "acs.example")
    exempt = GenieAcsClient("http://acs.example:7557", timeout=2)
    try:
        session = await exempt._direct_session()
        assert session._default_proxy is None
    finally:
        await exempt.close()


async def test_a_stats_read_parses_lazily_and_reads_what_a_whole_read_reads(sim):
    """``read_document`` (the stats read) answers the same document as ``read_device``, as
    views on a lazy parse; an ACS answer no 64-bit parser takes (a device's overflowed
    xsd:unsignedInt, written by GenieACS as 20 digits) is still read, and a nested or broken
    one is an upstream error, as in a whole read."""
    import simdjson

    from ponapi.acs.genieacs import GenieAcsClient
    from ponapi.errors import ApiError, ErrorCode
    from ponapi.serials import parse_serial
    from ponapi.tr069.sections import names, projection

    _, nbi = sim
    serial, paths = parse_serial("HWTCA97D7DAA"), projection(names())
    client = GenieAcsClient(str(nbi.base_url), timeout=5)
    try:
        lazy = await client.read_document(serial, paths)
        whole = await client.read_device(serial, paths)
        assert isinstance(lazy, simdjson.Object) and isinstance(whole, dict)
        assert lazy.as_dict() == whole and len(whole["InternetGatewayDevice"]) > 5
    finally:
        await client.close()

    doc = {"_id": "d1", "InternetGatewayDevice": {"X": {"_value": 18446744073709551615}}}
    overflowed = json.dumps([doc]).replace("18446744073709551615", "18446744073709552000")
    (read,) = GenieAcsClient._devices(200, overflowed.encode(), True)
    assert read["InternetGatewayDevice"]["X"]["_value"] == 18446744073709552000.0
    for body in (b"[" * 2000 + b"]" * 2000, b'[{"_id": "d1"', b'[{"_id": "\xff"}]'):
        with pytest.raises(ApiError) as bad:
            GenieAcsClient._devices(200, body, True)
        assert bad.value.code is ErrorCode.UPSTREAM_ERROR and "invalid JSON" in bad.value.details
