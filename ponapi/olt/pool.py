"""A pool of persistent, logged-in CLI sessions per OLT.

Real OLTs allow few concurrent logins per user (Huawei "Reenter times", ZTE max-sessions) and a
login takes seconds, so sessions are kept and reused: commands of one ONU read run back to back
on one session, sessions are serialized, a dropped session is replaced once transparently, and a
refused login (wrong password, login limit) blocks new attempts for a back-off period instead of
hammering the OLT into locking the account.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import logging
import time
from collections.abc import AsyncIterator, Callable, Iterable, Sequence

from ponapi.errors import ApiError, AuthFailed, LoginLimit, OltUnreachable
from ponapi.metrics import OLT_LOGINS
from ponapi.olt.errors import CommandFailed, timed_out
from ponapi.olt.platforms import dialect_for
from ponapi.olt.platforms.runner import Command, InMode
from ponapi.olt.session import CliSession, Target

log = logging.getLogger("ponapi.olt")


class OltPool:
    def __init__(
        self,
        target: Target,
        *,
        size: int = 1,
        login_timeout: float = 20.0,
        command_timeout: float = 30.0,
        idle_timeout: float = 240.0,
        login_backoff: float = 60.0,
        on_login: Callable[[], None] | None = None,
        on_command: Callable[[], None] | None = None,
        on_host_key: Callable[[str], None] | None = None,
        label: str = "",
    ) -> None:
        self.target = target
        # The SSH host key logins must see: the pinned one, else the first one seen here
        # (trust on first use, reported through on_host_key to be pinned for good).
        self.host_key = target.host_key
        self._registry_key = target.host_key
        self.label = label or target.host
        self.dialect = dialect_for(target.brand)
        self.size = size
        self.login_timeout = login_timeout
        self.command_timeout = command_timeout
        self.idle_timeout = idle_timeout
        self.login_backoff = login_backoff
        self._idle: list[CliSession] = []
        self._busy: set[CliSession] = set()  # sessions running commands now
        self._closed = False
        self._slots = asyncio.Semaphore(size)
        self._blocked_until = 0.0
        self._blocked: ApiError | None = None
        self.logins = 0
        self.commands = 0
        self._on_login = on_login
        self._on_command = on_command
        self._on_host_key = on_host_key

    async def run(self, commands: Sequence[Command], deadline: float) -> list[str | CommandFailed]:
        """Run commands back to back on one session. A rejected command yields its
        CommandFailed in place of its output; any other failure raises. An ``InMode`` block
        runs its commands inside a CLI mode and leaves it (one output per inner command)."""
        if time.monotonic() < self._blocked_until and self._blocked is not None:
            wait = int(self._blocked_until - time.monotonic()) + 1
            raise _again(self._blocked, wait)
        try:
            async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
                await self._slots.acquire()
        except TimeoutError as exc:
            raise timed_out(
                "All sessions to this OLT stayed busy for the whole request budget."
            ) from exc
        try:
            return await self._run_on_session(commands, deadline)
        finally:
            self._slots.release()

    async def _run_on_session(
        self, commands: Sequence[Command], deadline: float
    ) -> list[str | CommandFailed]:
        session = self._take_idle()
        for attempt in (1, 2):
            fresh = session is None
            if session is None:
                session = await self._login(deadline)
            self._busy.add(session)
            try:
                out = await self._commands(session, commands, deadline)
            except BaseException as exc:
                # Whatever stopped the read (a failure, a cancellation, a bug), the session is
                # in an unknown state: it goes, so the OLT's login comes back.
                session.close()
                session = None
                # A kept session the OLT dropped while idle: log in again, once.
                if fresh or attempt == 2 or not isinstance(exc, OltUnreachable):
                    raise
                log.info("session to %s dropped; logging in again", self.target.host)
                continue
            finally:
                if session is not None:
                    self._busy.discard(session)
            if self._closed:
                session.close()
            else:
                self._idle.append(session)
            return out
        raise AssertionError("unreachable")

    async def _commands(
        self, session: CliSession, commands: Sequence[Command], deadline: float
    ) -> list[str | CommandFailed]:
        out: list[str | CommandFailed] = []
        for command in commands:
            if isinstance(command, InMode):
                out.extend(await self._in_mode(session, command, deadline))
            else:
                out.append(await self._one(session, command, deadline))
        return out

    async def _one(self, session: CliSession, command: str, deadline: float) -> str | CommandFailed:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise timed_out("The request budget ran out while reading the OLT.")
        self.commands += 1
        if self._on_command:
            self._on_command()
        try:
            return await session.run(command, time_limit=min(self.command_timeout, remaining))
        except CommandFailed as exc:
            return exc

    async def _in_mode(
        self, session: CliSession, block: InMode, deadline: float
    ) -> list[str | CommandFailed]:
        entered = 0
        refused: CommandFailed | None = None
        for line in block.enter:
            answer = await self._one(session, line, deadline)
            if isinstance(answer, CommandFailed):
                refused = answer
                break
            entered += 1
        out: list[str | CommandFailed] = []
        for command in block.commands:
            out.append(refused or await self._one(session, command, deadline))
        for _ in range(entered):
            if isinstance(await self._one(session, block.leave, deadline), CommandFailed):
                log.warning("OLT %s: could not leave a CLI mode; session dropped", self.label)
                session.close()  # its mode is unknown: never reused
                break
        return out

    @contextlib.asynccontextmanager
    async def session(self, deadline: float) -> AsyncIterator[CliSession]:
        """One logged-in session held for a whole conversation (a device action reads, acts
        and reads again on the same session); back to the pool after, closed on any failure."""
        if time.monotonic() < self._blocked_until and self._blocked is not None:
            raise _again(self._blocked, int(self._blocked_until - time.monotonic()) + 1)
        try:
            async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
                await self._slots.acquire()
        except TimeoutError as exc:
            raise timed_out("All sessions to this OLT stayed busy for the whole budget.") from exc
        session: CliSession | None = None
        try:
            session = self._take_idle() or await self._login(deadline)
            self._busy.add(session)
            yield session
        except BaseException:
            if session is not None:
                session.close()
            raise
        finally:
            if session is not None:
                self._busy.discard(session)
                if session.alive and not self._closed:
                    self._idle.append(session)
                else:
                    session.close()
            self._slots.release()

    def _take_idle(self) -> CliSession | None:
        while self._idle:
            session = self._idle.pop()
            if session.alive and time.monotonic() - session.last_used < self.idle_timeout:
                return session
            session.close()
        return None

    async def _login(self, deadline: float) -> CliSession:
        session = CliSession(
            self.target,
            self.dialect,
            login_timeout=max(0.5, min(self.login_timeout, deadline - time.monotonic())),
            command_timeout=self.command_timeout,
            host_key=self.host_key,
        )
        self.logins += 1
        OLT_LOGINS.labels(olt=self.label).inc()
        if self._on_login:
            self._on_login()
        try:
            await session.open()
        except (AuthFailed, LoginLimit) as exc:
            # A refused login is not retried for a while: hammering locks the account.
            self._blocked_until = time.monotonic() + self.login_backoff
            self._blocked = exc
            raise
        except BaseException:
            session.close()
            raise
        self._blocked = None
        if session.host_key and not self.host_key:
            self.host_key = session.host_key
            log.info("OLT %s: SSH host key pinned at first login", self.label)
            if self._on_host_key:
                self._on_host_key(session.host_key)
        return session

    def apply_registry_key(self, registry_key: str) -> None:
        """The registry's pinned key, as each read sees it: a new key is required from now
        on; a key cleared there (an admin unpinned it, on any replica) is cleared here too."""
        if registry_key:
            self.pin(registry_key)
        elif self._registry_key:
            self.pin("")
        self._registry_key = registry_key

    def pin(self, host_key: str) -> None:
        """Require ``host_key`` from now on; sessions verified against another key go."""
        if host_key != self.host_key:
            self.host_key = host_key
            while self._idle:
                self._idle.pop().close()

    async def close(self) -> None:
        """Log out of the idle sessions; sessions busy now close when their read ends."""
        self._closed = True
        while self._idle:
            session = self._idle.pop()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(session.quit(), 2)


# The OLT registry fields a CLI session depends on.
CONNECTION_FIELDS = frozenset(
    {"host", "port", "protocol", "username", "password", "brand", "model", "ssh_host_key"}
)


class OltPools:
    """One pool per OLT; rebuilt when the OLT's connection settings change."""

    def __init__(self, **pool_options: object) -> None:
        self._pools: dict[int, tuple[tuple[object, ...], OltPool]] = {}
        self.options = pool_options
        self._closing: set[asyncio.Task[None]] = set()  # kept: a bare task may be collected

    def _close_later(self, pool: OltPool) -> None:
        task = asyncio.get_running_loop().create_task(pool.close())
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    def get(
        self,
        olt_id: int,
        target: Target,
        on_login: Callable[[], None] | None = None,
        on_command: Callable[[], None] | None = None,
        on_host_key: Callable[[str], None] | None = None,
    ) -> OltPool:
        # The pinned host key is not part of the key: learning it must not replace the pool
        # (and its logged-in session). A different pinned key is applied to the pool.
        key = (
            target.host,
            target.port,
            target.protocol,
            target.username,
            target.password,
            target.brand,
        )
        hit = self._pools.get(olt_id)
        if hit and hit[0] == key:
            hit[1].apply_registry_key(target.host_key)
            return hit[1]
        if hit:
            self._close_later(hit[1])
        pool = OltPool(
            target,
            on_login=on_login,
            on_command=on_command,
            on_host_key=on_host_key,
            label=str(olt_id),
            **self.options,  # type: ignore[arg-type]
        )
        self._pools[olt_id] = (key, pool)
        return pool

    def forget(self, olt_id: int) -> None:
        """Drop the OLT's pool (its settings or pinned key changed): the next read starts a new
        one, with no back-off left from the old."""
        hit = self._pools.pop(olt_id, None)
        if hit:
            self._close_later(hit[1])

    def settings_changed(self, olt_id: int, fields: Iterable[str]) -> None:
        """An OLT's registry row changed: when a field its sessions were opened with is among
        ``fields`` (host, port, protocol, credentials, brand, pinned key), its sessions are
        closed now rather than kept logged in until a next read (maybe never) replaces them."""
        if CONNECTION_FIELDS & set(fields):
            self.forget(olt_id)

    def logins(self, olt_id: int) -> int:
        hit = self._pools.get(olt_id)
        return hit[1].logins if hit else 0

    async def close(self) -> None:
        for _, pool in list(self._pools.values()):
            await pool.close()
        self._pools.clear()
        if self._closing:
            await asyncio.gather(*self._closing, return_exceptions=True)


def _again(blocked: ApiError, wait: int) -> ApiError:
    """The refused login's error again, of its own type (a back-off answers like the login)."""
    error = copy.copy(blocked)
    error.details = f"{blocked.details} (not retried for another {wait} s)"
    error.args = (f"{blocked.code}: {error.details}",)
    return error
