"""What each action does once its guards passed (``service``): plan from the device's own
document, send through GenieACS (``acs_flow``) or the OLT CLI (``cli_flow``), read back, and
build the camelCase result. Each builder returns ``work(deadline)`` for the job."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any, Protocol

from ponapi.actions import device as dev_actions
from ponapi.actions import diagnostics as diag
from ponapi.actions import queue
from ponapi.actions import tasks as t
from ponapi.actions.acs_flow import AcsRun, ActionNbi, now_floor, queued, stamp
from ponapi.actions.dhcp import dhcp_section, plan_dhcp
from ponapi.actions.errors import MASK
from ponapi.actions.locate import Device
from ponapi.actions.models import (
    LanDhcpRequest,
    PingRequest,
    SpeedtestRequest,
    TracerouteRequest,
    WirelessLanRequest,
)
from ponapi.actions.wifi import plan_wifi, wlan_section
from ponapi.config import Settings
from ponapi.errors import ApiError, NotSupported, UpstreamTimeout
from ponapi.serials import Serial
from ponapi.tr069 import sections
from ponapi.tr069.document import DeviceDocument, parse_time

Work = Callable[[float], Awaitable[dict[str, Any]]]

# What each action reads of the device document: the stats projections (device identity and
# profile, Wi-Fi, WANs) plus the objects the action changes, not the whole 100-400 kB tree.
_DIAG_ROOTS = tuple(
    f"{root}.{name}"
    for root, names in (
        ("InternetGatewayDevice", ("IPPingDiagnostics", "TraceRouteDiagnostics")),
        ("InternetGatewayDevice", ("DownloadDiagnostics", "UploadDiagnostics")),
        ("Device.IP.Diagnostics", ("IPPing", "TraceRoute")),
        ("Device.IP.Diagnostics", ("DownloadDiagnostics", "UploadDiagnostics")),
    )
    for name in names
)
READS: dict[str, tuple[str, ...]] = {
    "wifi": sections.projection(("general", "wirelessLan")),
    "dhcp": (
        *sections.projection(("general",)),
        "InternetGatewayDevice.LANDevice.1.LANHostConfigManagement",
        "Device.DHCPv4.Server",
        "Device.IP.Interface",
    ),
    "diagnostics": (*sections.projection(("general", "ipInterface11")), *_DIAG_ROOTS),
}


class DeviceFinder(ActionNbi, Protocol):
    cr_timeout_ms: int

    async def read_device(self, serial: Serial, paths: Sequence[str]) -> dict[str, Any] | None: ...

    def known_id(self, serial: Serial) -> str | None: ...

    async def device_tasks(self, device_id: str) -> list[dict[str, Any]]: ...


class AcsWork:
    """The ACS half of the actions, over one NBI client."""

    def __init__(self, nbi: DeviceFinder | None, settings: Settings) -> None:
        self.nbi = nbi
        self.settings = settings

    async def device_id(self, serial: Serial) -> str | None:
        """The device's GenieACS id, or None when no ACS knows it."""
        doc = await self._find(serial, sections.projection(("general",)), None)
        return str(doc["_id"]) if doc else None

    async def _find(
        self, serial: Serial, reads: Sequence[str], deadline: float | None
    ) -> dict[str, Any] | None:
        """The device document by serial, projected on ``reads`` (one NBI request: the client
        remembers the id), or None when no ACS knows the device; bounded by ``deadline``."""
        if self.nbi is None:
            return None
        call = self.nbi.read_device(serial, reads)
        if deadline is None:
            doc = await call
        else:
            try:
                async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
                    doc = await call
            except TimeoutError as exc:
                raise UpstreamTimeout(
                    "The action's time budget ran out waiting for the ACS."
                ) from exc
        return doc if doc and isinstance(doc.get("_id"), str) else None

    async def _open(
        self, serial: Serial, deadline: float, reads: Sequence[str]
    ) -> tuple[AcsRun, dict[str, Any]]:
        """The action's run on the device and its document projected on ``reads``, from one
        read by serial (the id and the values to plan from come together)."""
        doc = await self._find(serial, reads, deadline)
        if doc is None or self.nbi is None:
            raise NotSupported(
                f"No ACS has a device with serial {serial.canonical} ({serial.hex}); TR-069 "
                "actions need the device in GenieACS."
            )
        return self._new_run(str(doc["_id"]), deadline), doc

    def _new_run(self, device_id: str, deadline: float) -> AcsRun:
        assert self.nbi is not None
        return AcsRun(
            self.nbi,
            device_id,
            deadline,
            self.nbi.cr_timeout_ms,
            self.settings.action_poll_seconds,
        )

    async def _open_change(
        self,
        serial: Serial,
        deadline: float,
        reads: Sequence[str],
        on_queued: queue.Queued | None,
    ) -> tuple[AcsRun, dict[str, Any], list[dict[str, Any]]]:
        """``_open`` plus the changes GenieACS already holds for the device (``queue.held``;
        what to do about them is decided once the new change is planned). When the client
        already knows the device's id, both NBI requests run at once, so the look adds no
        wait to the change."""
        known = self.nbi.known_id(serial) if self.nbi is not None else None
        if known is None or self.nbi is None:
            run, before = await self._open(serial, deadline, reads)
            return run, before, await queue.held(self.nbi, run, on_queued)
        opened = asyncio.ensure_future(self._open(serial, deadline, reads))
        try:
            changes = await queue.held(self.nbi, self._new_run(known, deadline), on_queued)
        except BaseException:
            opened.cancel()
            await asyncio.gather(opened, return_exceptions=True)  # its own error is moot
            raise
        run, before = await opened
        if run.device_id != known:  # the ACS re-registered the device meanwhile: look again
            return run, before, await queue.held(self.nbi, run, on_queued)
        return run, before, changes

    async def _run(self, serial: Serial, deadline: float) -> AcsRun:
        run, _ = await self._open(serial, deadline, sections.projection(("general",)))
        return run

    async def cancel(self, serial: Serial, task_id: str) -> bool:
        """Delete a task GenieACS holds for this device (only one of its own tasks)."""
        device_id = await self.device_id(serial)
        if device_id is None or self.nbi is None:
            return False
        pending = await self.nbi.device_tasks(device_id)
        if not any(str(x.get("_id")) == task_id for x in pending):
            return False
        return await self.nbi.delete_task(task_id)

    # --- settings changes -----------------------------------------------------------------

    def wireless_lan(
        self, serial: Serial, req: WirelessLanRequest, on_queued: queue.Queued | None = None
    ) -> Work:
        async def work(deadline: float) -> dict[str, Any]:
            run, before, held = await self._open_change(serial, deadline, READS["wifi"], on_queued)
            plan = plan_wifi(req, before)
            first = await queue.decide(self.nbi, run, on_queued, held)
            section = lambda doc: wlan_section(doc, req.band)  # noqa: E731
            return {**await self._change(run, plan, before, section), **first}

        return work

    def lan_dhcp(
        self, serial: Serial, req: LanDhcpRequest, on_queued: queue.Queued | None = None
    ) -> Work:
        async def work(deadline: float) -> dict[str, Any]:
            run, before, held = await self._open_change(serial, deadline, READS["dhcp"], on_queued)
            plan = plan_dhcp(req, before)
            first = await queue.decide(self.nbi, run, on_queued, held)
            return {**await self._change(run, plan, before, dhcp_section), **first}

        return work

    async def _change(
        self,
        run: AcsRun,
        plan: t.Plan,
        before: dict[str, Any],
        section: Callable[[dict[str, Any]], dict[str, Any]],
    ) -> dict[str, Any]:
        """Set (one session), read back (a session of its own), compare: with the read by
        serial before, four NBI requests; the last one reads only the written parameters.
        ``passwordVerified`` when a passphrase was written: False when the device reads it
        back empty (TR-098 devices do not reveal it)."""
        old = DeviceDocument(before)
        audit = [
            {
                "parameter": w.path,
                "old": MASK if w.secret else _value(old, w.path),
                "new": w.masked(),
            }
            for w in plan.writes
        ]
        if not plan.writes:
            return {"status": "unchanged", "skipped": plan.skipped, "_audit": audit}
        waiting = await run.run_plan(plan)
        if waiting is not None:
            return {**waiting, "skipped": plan.skipped, "_audit": audit}
        doc, secrets = await run.read_back(plan, before)
        verified = {"passwordVerified": secrets["password"]} if "password" in secrets else {}
        return {
            "status": "applied",
            **_section_of(section, doc),
            **verified,
            "skipped": plan.skipped,
            "_audit": audit,
        }

    # --- diagnostics ----------------------------------------------------------------------

    def ping(self, serial: Serial, req: PingRequest) -> Work:
        return self._diagnostic(
            serial, "ping", lambda raw: diag.plan_ping(req, raw), diag.read_ping
        )

    def traceroute(self, serial: Serial, req: TracerouteRequest) -> Work:
        return self._diagnostic(
            serial, "traceroute", lambda raw: diag.plan_traceroute(req, raw), diag.read_traceroute
        )

    def speedtest(self, serial: Serial, req: SpeedtestRequest) -> Work:
        s = self.settings
        return self._diagnostic(
            serial,
            req.direction,
            lambda raw: diag.plan_speedtest(
                req,
                raw,
                download_url=s.speedtest_download_url or None,
                upload_url=s.speedtest_upload_url or None,
                upload_bytes=s.speedtest_upload_bytes,
            ),
            lambda raw, since: diag.read_speedtest(raw, req.direction, since),
        )

    def _diagnostic(
        self,
        serial: Serial,
        kind: diag.Kind,
        planner: Callable[[dict[str, Any]], t.Plan],
        reader: Callable[[dict[str, Any], datetime], diag.DiagResult],
    ) -> Work:
        async def work(deadline: float) -> dict[str, Any]:
            # One read by serial: the device's id and what the plan needs come together.
            run, raw = await self._open(serial, deadline, READS["diagnostics"])
            plan = planner(raw)
            root = diag.root_of(Device(raw), kind)
            since = now_floor()
            waiting = await run.run_plan(plan)
            if waiting is not None:
                return waiting
            result = await run.diagnostic(root, reader, since)
            if result.status == "error":
                return {"status": "error", "diagnosticsState": result.state, **result.result}
            return {"status": "complete", "requestedAt": stamp(since), **result.result}

        return work

    # --- whole device ---------------------------------------------------------------------

    def reboot(self, serial: Serial, on_sent: Callable[[], Awaitable[None]]) -> Work:
        return self._restart(serial, dev_actions.plan_reboot, bootstrap=False, on_sent=on_sent)

    def factory_reset(
        self,
        serial: Serial,
        on_sent: Callable[[], Awaitable[None]],
        on_queued: queue.Queued | None = None,
    ) -> Work:
        return self._restart(
            serial,
            dev_actions.plan_factory_reset,
            bootstrap=True,
            on_sent=on_sent,
            on_queued=on_queued or queue.Queued(),
        )

    def _restart(
        self,
        serial: Serial,
        planner: Callable[[dict[str, Any]], t.Plan],
        *,
        bootstrap: bool,
        on_sent: Callable[[], Awaitable[None]],
        on_queued: queue.Queued | None = None,
    ) -> Work:
        async def work(deadline: float) -> dict[str, Any]:
            run = await self._run(serial, deadline)
            first = await queue.settle(self.nbi, run, on_queued)
            raw = await run.read(
                [
                    "_id",
                    "InternetGatewayDevice.DeviceInfo.UpTime",
                    "Device.DeviceInfo.UpTime",
                    "_lastBoot",
                ]
            )
            root = Device(raw).root
            plan = planner(raw)
            since = now_floor()
            waiting = await run.run_plan(plan, on_sent)  # the cooldown starts once it is sent
            if waiting is not None:
                if bootstrap:
                    try:
                        waiting["superseded"] = await queue.supersede(
                            self.nbi, run, waiting.get("taskId")
                        )
                    except ApiError as exc:  # the reset stays queued: say so, not a failure
                        waiting["superseded"] = []
                        waiting["supersedeError"] = (
                            f"The changes queued with the reset could not be withdrawn "
                            f"({exc.code.value}); cancel them with DELETE .../tr069/tasks/{{id}}."
                        )
                return {**waiting, **first}
            # Observed, not assumed: the CPE reboots once the session that carried the RPC
            # ended, which GenieACS reported (its 200); a task only seen gone while following
            # it gives no such moment.
            went_down = run.session_end
            back = await run.came_back(since, bootstrap=bootstrap, root=root)
            if went_down is not None and back["cameBackAt"] is not None:
                # GenieACS reports a session's end up to half a second late (it polls): a
                # device back by then went down no later than it came back.
                went_down = min(went_down, parse_time(back["cameBackAt"]) or went_down)
            return {
                "status": "applied" if back["cameBack"] else "sent",
                "via": "acs",
                "requestedAt": stamp(since),
                "wentDownAt": stamp(went_down) if went_down is not None else None,
                **back,
                **({"bootstrapped": back["cameBack"]} if bootstrap else {}),
                **first,
            }

        return work

    def resync(self, serial: Serial) -> Work:
        async def work(deadline: float) -> dict[str, Any]:
            run = await self._run(serial, deadline)
            raw = await run.read(
                [
                    "_id",
                    "_lastInform",
                    "InternetGatewayDevice.DeviceInfo.UpTime",
                    "Device.DeviceInfo.UpTime",
                ]
            )
            plan = dev_actions.plan_resync(raw)
            since = now_floor()
            waiting = await run.run_plan(plan)
            if waiting is not None:
                return waiting
            after = await run.read(["_lastInform"])
            session = dev_actions.new_session(raw, after, since)
            return {
                "status": "applied",
                "requestedAt": stamp(since),
                "completedAt": stamp(now_floor()),
                "reread": plan.target.get("object", ""),
                "provisionsReapplied": session is not None,
                "sessionAt": stamp(session) if session is not None else None,
                **(
                    {}
                    if session is not None
                    else {
                        "provisionsReason": "The ACS shows no new session of the device after "
                        "the request, so no sign its provisions ran again."
                    }
                ),
            }

        return work


def _value(doc: DeviceDocument, path: str) -> Any:
    p = doc.get(path)
    return p.value if p is not None else None


def _section_of(
    section: Callable[[dict[str, Any]], dict[str, Any]], doc: dict[str, Any]
) -> dict[str, Any]:
    data = section(doc)
    name = "wirelessLan" if "ssid" in data else "lanDhcpServer"
    return {name: data}


__all__ = ["AcsWork", "queued"]
