"""OLT CLI actions through the stats service's session pool: disable / enable an ONU, and
reboot one no ACS knows. The platform (``ponapi.olt.platforms``, the one dispatcher the reads
use too) builds the commands from the registry's integers; the flow is ``ponapi.actions.olt``;
the pool's session answers the confirmations the commands declare and waits at most the
command timeout for each line."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

from ponapi.actions import olt as cli
from ponapi.errors import NotSupported, UnknownPlatform, UpstreamError
from ponapi.olt.dialect import Confirm, Dialect
from ponapi.olt.errors import CommandFailed
from ponapi.olt.location import Location
from ponapi.olt.platforms import Platform, platform_for
from ponapi.olt.session import CliSession, Target
from ponapi.serials import Serial

Work = Callable[[float], Awaitable[dict[str, Any]]]


class SessionPool(Protocol):
    def session(self, deadline: float) -> AbstractAsyncContextManager[CliSession]: ...


class SessionCli:
    """``OltCli`` over one pooled session: a rejected command is a reply carrying the failure
    line the dialect found (or its "no such entry" line), for the flow to tell "already" and
    "offline" from a real error. Each line waits the command timeout, never the whole budget."""

    def __init__(self, session: CliSession, deadline: float) -> None:
        self.session = session
        self.deadline = deadline

    @property
    def dialect(self) -> Dialect:
        return self.session.dialect

    async def run(self, command: str, *, confirm: Confirm | None = None) -> cli.Reply:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise UpstreamError("The action's time budget ran out on the OLT.")
        answer = (confirm.question, confirm.answer) if confirm else None
        limit = min(left, self.session.command_timeout)
        try:
            text = await self.session.run(command, time_limit=limit, confirm=answer)
        except CommandFailed as exc:
            return cli.Reply(exc.output, self.dialect.failure_line(exc.output) or exc.details)
        return cli.Reply(text, self.dialect.empty_line(text))


def address(location: Location | None) -> Location:
    if location is None:
        raise NotSupported(
            "The ONU's place on the OLT (frame/slot/port/ONT id) is not in the registry yet; "
            "read its stats over the CLI or run a discovery first."
        )
    return location


def platform(brand: str, model: str) -> Platform:
    try:
        return platform_for(brand, model)
    except UnknownPlatform:
        raise NotSupported(f"olt: no CLI actions for OLT brand {brand[:40]!r}") from None


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
        *,
        expect: Serial | None = None,
    ) -> Work:
        """Disable or enable the ONU at ``location``, once the OLT shows ``expect`` there."""

        async def work(deadline: float) -> dict[str, Any]:
            vendor = platform(brand, model)
            where = address(location)
            vendor.set_admin_state(where, enable)  # unsupported platforms refused first
            async with self._pool(olt_id, target).session(deadline) as session:
                change = await cli.change_admin_state(
                    SessionCli(session, deadline), vendor, where, enable, expect
                )
            if change.answer in cli.FAILED:
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
        *,
        expect: Serial | None = None,
    ) -> Work:
        """Reboot the ONU at ``location``, once the OLT shows ``expect`` there."""

        async def work(deadline: float) -> dict[str, Any]:
            vendor = platform(brand, model)
            where = address(location)
            async with self._pool(olt_id, target).session(deadline) as session:
                result = await cli.reboot(SessionCli(session, deadline), vendor, where, expect)
            if result.answer in cli.FAILED:
                what = "is offline" if result.answer is cli.Answer.OFFLINE else "refused the reboot"
                raise UpstreamError(f"The OLT says the ONU {what}: {result.detail}")
            await on_sent()
            return {"status": "sent", "via": "olt", "cameBack": None}

        return work
