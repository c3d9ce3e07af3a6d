"""One simulated CPE: CWMP sessions (Inform, its own requests, the ACS's RPCs) over one
keep-alive HTTP connection (GenieACS ties a session to its socket), periodic informs, the
connection-request server, and what happens between sessions (reboot, factory reset, transfer
complete, diagnostics).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import ssl
import xml.etree.ElementTree as ET  # building only
from collections import Counter
from dataclasses import dataclass, field

import httpx

from ponapi.sim.cpe import diagnostics
from ponapi.sim.cpe.connreq import ConnectionRequestServer
from ponapi.sim.cpe.model import DataModel
from ponapi.sim.cpe.rpc import AfterSession, RpcHandler
from ponapi.sim.cpe.soap import (
    CwmpFault,
    Message,
    array,
    envelope,
    fault_body,
    now_iso,
    parse,
    rpc,
    sub,
    typed_value,
)

log = logging.getLogger("ponapi.sim.cpe")
_TLS: ssl.SSLContext | None = None


def _tls() -> ssl.SSLContext:
    """One TLS context for every session of every CPE: building one (loading the CA bundle)
    costs tens of milliseconds, which 100 CPEs informing at once would pay 100 times."""
    global _TLS
    if _TLS is None:
        _TLS = ssl.create_default_context()
    return _TLS


MAX_MESSAGES = 10_000  # per session: a runaway ACS cannot keep a CPE forever
_INFORM_PARAMS = (
    "DeviceSummary",
    "SpecVersion",
    "RootDataModelVersion",
    "DeviceInfo.HardwareVersion",
    "DeviceInfo.SoftwareVersion",
    "DeviceInfo.ProvisioningCode",
    "ManagementServer.ConnectionRequestURL",
    "ManagementServer.ParameterKey",
)


@dataclass
class Knobs:
    latency: float = 0.0  # seconds before each answer to the ACS
    start_delay: float = 0.0  # seconds from an accepted connection request to its session
    periodic: float | None = None  # inform interval (s); None = PeriodicInformInterval; 0 = off
    boot_seconds: float = 0.5  # how long a reboot keeps the CPE away
    diagnostics_seconds: float = 0.3  # how long a diagnostic runs
    # How long a download takes at least, as on a real CPE. GenieACS 1.2 loads a device's
    # pending operations when a session's Inform arrives, before it takes the device's session
    # lock (lib/cwmp.ts): a TransferComplete sent the instant the Download session ended can
    # meet operations read before that session saved its own, and its fault is then dropped as
    # an unrecognised command key.
    transfer_seconds: float = 1.0
    http_timeout: float = 30.0
    faults: dict[str, int] = field(default_factory=dict)  # RPC name -> CWMP fault code


@dataclass
class Transfer:
    command_key: str
    start: str
    complete: str
    fault: tuple[int, str]


class Cpe:
    def __init__(
        self, model: DataModel, acs_url: str, knobs: Knobs | None = None, host: str = "127.0.0.1"
    ) -> None:
        self.model = model
        self.acs_url = acs_url
        self.knobs = knobs or Knobs()
        self.host = host
        self.rpc = RpcHandler(model)
        self.rpc.forced_faults = self.knobs.faults
        self.cr = ConnectionRequestServer(self._cr_credentials, self._connection_request)
        self.events: dict[str, str] = {}  # pending event code -> CommandKey
        self.transfers: list[Transfer] = []
        self.informs: Counter[str] = Counter()  # event code -> informs sent with it
        self.rpcs: Counter[str] = Counter()  # RPCs answered, by name
        self.sessions = 0
        self.online = True
        self._wake = asyncio.Event()
        self._in_session = False
        self._task: asyncio.Task[None] | None = None
        self._background: set[asyncio.Task[None]] = set()
        self.errors: list[str] = []

    @property
    def device_id(self) -> str:
        from ponapi.tr069.document import generate_device_id

        return generate_device_id(self.model.oui, self.model.product_class, self.model.serial)

    # --- lifecycle -------------------------------------------------------------------------

    async def start(self, first_events: tuple[str, ...] = ("0 BOOTSTRAP", "1 BOOT")) -> None:
        await self.cr.start(self.host)
        self._publish_cr_url()
        for code in first_events:
            self.events[code] = ""
        self._task = asyncio.create_task(self._run(), name=f"cpe-{self.model.serial}")
        self._wake.set()

    async def stop(self) -> None:
        for task in [self._task, *self._background]:
            if task is not None:
                task.cancel()
        for task in [self._task, *self._background]:
            if task is not None:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        await self.cr.stop()

    async def set_online(self, online: bool) -> None:
        """Offline: the connection-request port closes and no session starts."""
        if online == self.online:
            return
        self.online = online
        if online:
            await self.cr.start(self.host, self.cr.port)
            self._wake.set()
        else:
            await self.cr.stop()

    def inform_now(self, event: str = "2 PERIODIC", command_key: str = "") -> None:
        self.events[event] = command_key
        self._wake.set()

    def _publish_cr_url(self) -> None:
        name = f"{self.model.root}.ManagementServer.ConnectionRequestURL"
        self.model.put(name, self.cr.url, writable=False)

    def _cr_credentials(self) -> tuple[str, str]:
        return (
            self.model.get("ManagementServer.ConnectionRequestUsername"),
            self.model.get("ManagementServer.ConnectionRequestPassword"),
        )

    def _connection_request(self) -> None:
        if self.knobs.start_delay > 0:
            self._spawn(self._delayed_inform(self.knobs.start_delay))
        else:
            self.inform_now("6 CONNECTION REQUEST")

    async def _delayed_inform(self, delay: float) -> None:
        await asyncio.sleep(delay)
        self.inform_now("6 CONNECTION REQUEST")

    def _interval(self) -> float | None:
        if self.knobs.periodic is not None:
            return self.knobs.periodic or None
        if self.model.get("ManagementServer.PeriodicInformEnable", "true") in ("false", "0"):
            return None
        try:
            return max(1.0, float(self.model.get("ManagementServer.PeriodicInformInterval", "")))
        except ValueError:
            return 300.0

    async def _run(self) -> None:
        failures = 0
        while True:
            interval = self._interval()
            try:
                await asyncio.wait_for(self._wake.wait(), interval)
            except TimeoutError:
                self.events.setdefault("2 PERIODIC", "")
            self._wake.clear()
            if not self.online or not self.events:
                continue
            try:
                await self.session()
                failures = 0
            except (httpx.HTTPError, ValueError, ET.ParseError) as exc:
                failures += 1
                self.errors.append(f"{type(exc).__name__}: {exc}")
                log.warning("CPE %s: session failed: %s", self.model.serial, exc)
                await asyncio.sleep(min(30.0, 0.5 * 2**failures))
                self._wake.set()
                continue
            after, self.rpc.after = self.rpc.after, AfterSession()
            self._after_session(after)

    # --- one session -----------------------------------------------------------------------

    async def session(self) -> None:
        events, self.events = self.events, {}
        self._in_session = True
        auth = None
        username = self.model.get("ManagementServer.Username")
        if username:
            auth = httpx.BasicAuth(username, self.model.get("ManagementServer.Password"))
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        try:
            async with httpx.AsyncClient(
                auth=auth, limits=limits, timeout=self.knobs.http_timeout, verify=_tls()
            ) as http:
                try:
                    msg = await self._post(http, self._inform(events))
                except BaseException:
                    for code, key in events.items():  # not delivered: inform them next time
                        self.events.setdefault(code, key)
                    raise
                if msg.method != "InformResponse":
                    raise ValueError(f"expected InformResponse, got {msg.method or 'nothing'}")
                self.sessions += 1
                for code in events:
                    self.informs[code] += 1
                while self.transfers:
                    t = self.transfers[0]
                    msg = await self._post(http, self._transfer_complete(t))
                    self.transfers.pop(0)
                msg = await self._post(http, b"")
                for _ in range(MAX_MESSAGES):
                    if not msg.method or msg.body is None:
                        return
                    if self.knobs.latency:
                        await asyncio.sleep(self.knobs.latency)
                    try:
                        body = self.rpc.handle(msg.method, msg.body)
                        self.rpcs[msg.method] += 1
                    except CwmpFault as fault:
                        body = fault_body(fault)
                        self.rpcs[f"{msg.method}:fault"] += 1
                    msg = await self._post(http, envelope(msg.id, body))
        finally:
            self._in_session = False

    async def _post(self, http: httpx.AsyncClient, body: bytes) -> Message:
        headers = {"Content-Type": 'text/xml; charset="utf-8"'} if body else {}
        resp = await http.post(self.acs_url, content=body, headers=headers)
        if resp.status_code not in (200, 204):
            raise ValueError(f"ACS answered HTTP {resp.status_code}")
        return parse(resp.content)

    def _inform(self, events: dict[str, str]) -> bytes:
        m = self.model
        body = rpc("Inform")
        dev = sub(body, "DeviceId")
        sub(dev, "Manufacturer", m.manufacturer)
        sub(dev, "OUI", m.oui)
        sub(dev, "ProductClass", m.product_class)
        sub(dev, "SerialNumber", m.serial)
        ev = array(body, "Event", "cwmp:EventStruct", len(events))
        for code, key in events.items():
            s = sub(ev, "EventStruct")
            sub(s, "EventCode", code)
            sub(s, "CommandKey", key)
        sub(body, "MaxEnvelopes", "1")
        sub(body, "CurrentTime", now_iso())
        sub(body, "RetryCount", "0")
        names = [f"{m.root}.{n}" for n in _INFORM_PARAMS if f"{m.root}.{n}" in m.params]
        lst = array(body, "ParameterList", "cwmp:ParameterValueStruct", len(names))
        for name in names:
            s = sub(lst, "ParameterValueStruct")
            sub(s, "Name", name)
            typed_value(s, m.value(name), m.params[name].type)
        return envelope(secrets.token_hex(4), body)

    def _transfer_complete(self, t: Transfer) -> bytes:
        body = rpc("TransferComplete")
        sub(body, "CommandKey", t.command_key)
        fault = sub(body, "FaultStruct")
        sub(fault, "FaultCode", str(t.fault[0]))
        sub(fault, "FaultString", t.fault[1])
        sub(body, "StartTime", t.start)
        sub(body, "CompleteTime", t.complete)
        return envelope(secrets.token_hex(4), body)

    # --- between sessions ------------------------------------------------------------------

    def _spawn(self, coro: object) -> None:
        task: asyncio.Task[None] = asyncio.create_task(coro)  # type: ignore[arg-type]
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _after_session(self, after: AfterSession) -> None:
        if after.factory_reset:
            self._spawn(self._boot(factory=True, command_key=""))
        elif after.reboot is not None:
            self._spawn(self._boot(factory=False, command_key=after.reboot))
        for key, url, _ in after.downloads:
            self._spawn(self._download(key, url))
        if after.diagnostics:
            self._spawn(self._diagnose(after.diagnostics))

    async def _boot(self, factory: bool, command_key: str) -> None:
        await self.set_online(False)
        await asyncio.sleep(self.knobs.boot_seconds)
        if factory:
            self.model.reset()
            self.transfers.clear()
            self._publish_cr_url()
            self.events = {"0 BOOTSTRAP": "", "1 BOOT": ""}
        else:
            self.model.reboot()
            self.events.update({"1 BOOT": "", "M Reboot": command_key})
        await self.set_online(True)
        self._wake.set()

    async def _download(self, key: str, url: str) -> None:
        start = now_iso()
        await asyncio.sleep(self.knobs.transfer_seconds)
        fault = (0, "")
        try:
            async with httpx.AsyncClient(timeout=10.0, verify=_tls()) as http:
                resp = await http.get(url)
            if resp.status_code != 200:
                fault = (9016, f"Unexpected response {resp.status_code}")
        except (httpx.HTTPError, ValueError) as exc:
            fault = (9010, f"Download failed: {type(exc).__name__}")
        self.transfers.append(Transfer(key, start, now_iso(), fault))
        self.events.update({"7 TRANSFER COMPLETE": "", "M Download": key})
        self._wake.set()

    async def _diagnose(self, requests: list[diagnostics.Requested]) -> None:
        await asyncio.sleep(self.knobs.diagnostics_seconds)
        for req in requests:
            diagnostics.complete(self.model, req)
        self.events["8 DIAGNOSTICS COMPLETE"] = ""
        self._wake.set()
