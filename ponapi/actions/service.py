"""Device actions as the API runs them: one method per action on :class:`DeviceActions` (a
validated body and a :class:`Call`) builds its work (``work`` for the ACS, ``cli_flow`` for the
OLT), choosing which of the two does it (a reboot falls back to the OLT when the ACS cannot be
asked), and hands it to the guards (``ponapi.actions.guards.ActionService.submit``); every
route set renders the same :class:`Submitted`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from ponapi.actions.cli_flow import CliWork
from ponapi.actions.errors import (
    ActionValidationError,
    NotConfiguredError,
)
from ponapi.actions.guards import (
    ACS_DOWN,
    ActionService,
    Actor,
    JobFailed,
    Submitted,
    as_api_error,
    device_keys,
)
from ponapi.actions.models import (
    ConfirmRequest,
    FactoryResetRequest,
    LanDhcpRequest,
    PingRequest,
    ResyncRequest,
    SpeedtestRequest,
    TracerouteRequest,
    WirelessLanRequest,
)
from ponapi.actions.queue import OnQueued, Queued
from ponapi.actions.work import AcsWork, Work
from ponapi.errors import ApiError
from ponapi.olt.location import Location
from ponapi.olt.session import Target
from ponapi.serials import Serial


async def _olt_instead(
    by_olt: Callable[[float], Awaitable[dict[str, Any]]], acs_error: ApiError, deadline: float
) -> dict[str, Any]:
    """The OLT does what the unreachable ACS could not; when it cannot either, the ACS's
    error stands (the OLT's reason added to its details)."""
    try:
        result = await by_olt(deadline)
    except ApiError as exc:
        acs_error.details = f"{acs_error.details} The OLT could not do it either: {exc.details}"
        raise acs_error from exc
    note = f"The ACS could not be reached ({acs_error.code.value}); the OLT did it."
    return {**result, "via": "olt", "acsUnreachable": True, "note": note}


@dataclass(frozen=True)
class Onu:
    """The ONU an action goes to, as the registry knows it: its OLT (CLI access, brand, model)
    and its place on the OLT (None until a CLI read or a discovery found it)."""

    olt_id: int
    serial: Serial
    brand: str = ""
    model: str = ""
    target: Target | None = None
    location: Location | None = None
    tenant: str | None = None  # the OLT's ISP: a serial names one device within it

    @property
    def keys(self) -> tuple[str, ...]:
        return device_keys(self.tenant, self.olt_id, self.serial, self.location)


@dataclass(frozen=True)
class Call:
    """What every action request carries besides its body: who asks, for which ONU, the body
    as sent (audited, secrets masked), how long the caller waits, its ``Idempotency-Key``."""

    user: Actor
    onu: Onu
    sent: dict[str, Any]
    wait: float | None = None
    idempotency_key: str | None = None
    on_queued: OnQueued | None = None  # a change's choice about changes the ACS holds


@dataclass
class DeviceActions:
    """The typed service the API uses: the guards plus the ACS and OLT halves, and one method
    per action (a validated body and a :class:`Call` -> :class:`Submitted`)."""

    guards: ActionService
    acs: AcsWork
    cli: CliWork

    async def _submit(self, kind: str, call: Call, work: Work) -> Submitted:
        onu = call.onu
        return await self.guards.submit(
            kind,
            call.user,
            onu.olt_id,
            onu.serial,
            call.sent,
            work,
            wait=call.wait,
            idempotency_key=call.idempotency_key,
            keys=onu.keys,
        )

    def _cooldown(self, onu: Onu) -> Callable[[], Awaitable[None]]:
        async def sent() -> None:  # a reboot or reset reached the device or the ACS queue
            await self.guards.start_cooldown(onu.keys)

        return sent

    def _queued(self, call: Call) -> Queued:
        """The call's choice about the changes GenieACS already holds for the device (refuse
        by default); each one it cancels is audited."""
        target = f"olt {call.onu.olt_id} onu {call.onu.serial.canonical}"

        def cancelled(task: dict[str, Any]) -> None:
            self.guards.audit.record(
                "action.cancel-task",
                user=call.user,
                target=target,
                result="ok",
                taskId=task["taskId"],
                task=task["name"],
                reason="onQueued=cancel",
            )

        return Queued(call.on_queued or "refuse", cancelled)

    async def wireless_lan(self, call: Call, req: WirelessLanRequest) -> Submitted:
        work = self.acs.wireless_lan(call.onu.serial, req, self._queued(call))
        return await self._submit("wireless-lan", call, work)

    async def lan_dhcp(self, call: Call, req: LanDhcpRequest) -> Submitted:
        work = self.acs.lan_dhcp(call.onu.serial, req, self._queued(call))
        return await self._submit("lan-dhcp", call, work)

    async def ping(self, call: Call, req: PingRequest) -> Submitted:
        return await self._submit("ping", call, self.acs.ping(call.onu.serial, req))

    async def traceroute(self, call: Call, req: TracerouteRequest) -> Submitted:
        return await self._submit("traceroute", call, self.acs.traceroute(call.onu.serial, req))

    async def speedtest(self, call: Call, req: SpeedtestRequest) -> Submitted:
        """Refused at once (no job) when no test server is configured for the direction."""
        s = self.guards.settings
        url = s.speedtest_download_url if req.direction == "download" else s.speedtest_upload_url
        if not url:
            raise as_api_error(
                NotConfiguredError(f"speedtest {req.direction} URL", "no test server is configured")
            )
        return await self._submit("speedtest", call, self.acs.speedtest(call.onu.serial, req))

    async def reboot(self, call: Call, req: ConfirmRequest) -> Submitted:
        """Through the ACS when it knows the ONU (it sees the device come back), else through
        the OLT CLI; decided when the job runs. When the ACS cannot be reached (or does not
        answer in time) and the OLT has CLI access to the ONU, the OLT reboots it and the
        result says so (``via: olt``, ``acsUnreachable``); if the OLT cannot either, the ACS's
        error stands."""
        onu = call.onu
        sent = self._cooldown(onu)
        by_acs = self.acs.reboot(onu.serial, sent)
        by_olt = self.cli.reboot(
            onu.olt_id, onu.target, onu.brand, onu.model, onu.location, sent, expect=onu.serial
        )

        async def work(deadline: float) -> dict[str, Any]:
            try:
                known = await self.acs.device_id(onu.serial) is not None
            except ApiError as exc:
                if exc.code not in ACS_DOWN or onu.target is None or onu.location is None:
                    raise
                return await _olt_instead(by_olt, exc, deadline)
            return await (by_acs if known else by_olt)(deadline)

        return await self._submit("reboot", call, work)

    async def resync(self, call: Call, req: ResyncRequest) -> Submitted:
        return await self._submit("resync-config", call, self.acs.resync(call.onu.serial))

    async def factory_reset(self, call: Call, req: FactoryResetRequest) -> Submitted:
        """Through the ACS only (an OLT cannot reset an ONU's configuration); the serial typed
        again must be the ONU's."""
        onu = call.onu
        try:
            req.check_serial(onu.serial.canonical)
        except ActionValidationError as exc:
            raise as_api_error(exc) from None
        work = self.acs.factory_reset(onu.serial, self._cooldown(onu), self._queued(call))
        return await self._submit("factory-reset", call, work)

    async def admin_state(self, call: Call, req: ConfirmRequest, *, enable: bool) -> Submitted:
        """Disable (suspend on its PON) or enable the ONU: through the OLT CLI, the only side
        that can; ``previousState``/``newState`` are the OLT's view."""
        onu = call.onu
        work = self.cli.admin_state(
            onu.olt_id, onu.target, onu.brand, onu.model, onu.location, enable, expect=onu.serial
        )
        return await self._submit("enable" if enable else "disable", call, work)


__all__ = [
    "ActionService",
    "Call",
    "DeviceActions",
    "JobFailed",
    "Onu",
    "Submitted",
    "as_api_error",
    "device_keys",
]
