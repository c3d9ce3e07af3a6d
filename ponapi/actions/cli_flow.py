"""OLT CLI actions through the stats service's session pool: disable / enable an ONU, and
reboot one no ACS knows. The commands come only from ``ponapi.actions.olt`` (the registry's
integers); the pool's session answers the confirmations the steps declare."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

from ponapi.actions import olt as cli
from ponapi.errors import NotSupported, UpstreamError
from ponapi.olt.errors import CommandFailed
from ponapi.olt.location import Location
from ponapi.olt.session import CliSession, Target

Work = Callable[[float], Awaitable[dict[str, Any]]]


class SessionPool(Protocol):
    def session(self, deadline: float) -> AbstractAsyncContextManager[CliSession]: ...


class SessionCli:
    """``OltCli`` over one pooled session: a rejected command's text is returned for the
    step's parser (which knows "already" and "offline" from a real error)."""

    def __init__(self, session: CliSession, deadline: float) -> None:
        self.session = session
        self.deadline = deadline

    async def run(self, command: str, *, confirm: cli.Confirm | None = None) -> str:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise UpstreamError("The action's time budget ran out on the OLT.")
        answer = (confirm.question, confirm.answer) if confirm else None
        try:
            return await self.session.run(command, time_limit=left, confirm=answer)
        except CommandFailed as exc:
            return exc.output


def address(location: Location | None) -> cli.OnuAddress:
    if location is None:
        raise NotSupported(
            "The ONU's place on the OLT (frame/slot/port/ONT id) is not in the registry yet; "
            "read its stats over the CLI or run a discovery first."
        )
    return cli.OnuAddress(location.frame, location.slot, location.port, location.ont_id)


class CliWork:
    def __init__(self, pool_for: Callable[[int, Target], SessionPool]) -> None:
        self.pool_for = pool_for

    def _pool(self, olt_id: int, target: Target | None) -> SessionPool:
        if target is None:
            raise NotSupported("This OLT has no CLI access configured (host, user, password).")
        return self.pool_for(olt_id, target)

    def admin_state(
        self,
        olt_id: int,
        target: Target | None,
        brand: str,
        model: str,
        location: Location | None,
        enable: bool,
    ) -> Work:
        async def work(deadline: float) -> dict[str, Any]:
            platform = _platform(brand, model)
            where = address(location)
            cli.set_admin_state(platform, where, enable)  # unsupported platforms refused first
            async with self._pool(olt_id, target).session(deadline) as session:
                change = await cli.change_admin_state(
                    SessionCli(session, deadline), platform, where, enable
                )
            if change.answer in (cli.Answer.ERROR, cli.Answer.OFFLINE):
                raise UpstreamError(f"The OLT refused the change: {change.detail}")
            return {
                "status": "unchanged" if change.answer is cli.Answer.ALREADY else "applied",
                "via": "olt",
                "previousState": change.previous_state,
                "newState": change.new_state,
                "_audit": [
                    {
                        "parameter": "adminState",
                        "old": change.previous_state,
                        "new": change.new_state,
                    }
                ],
            }

        return work

    def reboot(
        self,
        olt_id: int,
        target: Target | None,
        brand: str,
        model: str,
        location: Location | None,
        on_sent: Callable[[], Awaitable[None]],
    ) -> Work:
        async def work(deadline: float) -> dict[str, Any]:
            platform = _platform(brand, model)
            steps = cli.reboot(platform, address(location))
            async with self._pool(olt_id, target).session(deadline) as session:
                results = await cli.execute(SessionCli(session, deadline), steps)
            bad = next(
                (r for r in results if r.answer in (cli.Answer.ERROR, cli.Answer.OFFLINE)), None
            )
            if bad is not None:
                what = "is offline" if bad.answer is cli.Answer.OFFLINE else "refused the reboot"
                raise UpstreamError(f"The OLT says the ONU {what}: {bad.detail}")
            await on_sent()
            return {"status": "sent", "via": "olt", "cameBack": None}

        return work


def _platform(brand: str, model: str) -> cli.Platform:
    return cli.platform_for(brand, model)
