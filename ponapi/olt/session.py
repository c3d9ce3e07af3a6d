"""A logged-in CLI conversation with an OLT: login, commands, pager and hint prompts, failures.
The transport (``transport``) moves the bytes; the dialect (``dialect``) says what the vendor's
CLI looks like (scrapli's split). Everything async, every wait bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from dataclasses import dataclass, field

import asyncssh

from ponapi.errors import UpstreamError
from ponapi.metrics import UPSTREAM_REQUESTS
from ponapi.olt.dialect import Dialect
from ponapi.olt.errors import (
    CommandFailed,
    OltError,
    auth_failed,
    login_limit,
    timed_out,
    unreachable,
)
from ponapi.olt.transport import SshTransport, TelnetTransport, Transport

__all__ = ["CliSession", "CommandFailed", "OltError", "Target"]


@dataclass
class Target:
    host: str
    port: int
    protocol: str  # ssh | telnet
    username: str
    password: str
    brand: str  # huawei | zte
    host_key: str = ""  # pinned SSH host key (OpenSSH line); "" = not pinned yet

    def __repr__(self) -> str:  # never show the password
        return f"Target({self.brand} {self.protocol}://{self.username}@{self.host}:{self.port})"


@dataclass(eq=False)  # compared and hashed by identity: pools keep sets of sessions
class CliSession:
    target: Target
    dialect: Dialect
    login_timeout: float = 20.0
    command_timeout: float = 30.0
    max_output: int = 4 * 1024 * 1024
    transport: Transport | None = None
    host: str = ""
    host_key: str = ""  # SSH: the pinned key to require; after open(), the key presented
    last_used: float = field(default_factory=time.monotonic)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def alive(self) -> bool:
        return self.transport is not None

    async def open(self) -> None:
        """Connect, log in, and prepare the terminal (paging and hint prompts off)."""
        t = self.target
        deadline = time.monotonic() + self.login_timeout
        if t.protocol == "ssh":
            ssh = await SshTransport.open(
                t.host, t.port, t.username, t.password, self.login_timeout, self.host_key
            )
            self.transport, self.host_key = ssh, ssh.host_key
        else:
            self.transport = await TelnetTransport.open(t.host, t.port, self.login_timeout)
        try:
            await self._login(deadline)
            for command in self.dialect.on_open:
                await self.run(command, time_limit=max(1.0, deadline - time.monotonic()))
        except BaseException:
            self.close()
            raise
        self.last_used = time.monotonic()

    async def _login(self, deadline: float) -> None:
        d = self.dialect
        buf = ""
        sent_user = sent_pass = self.target.protocol == "ssh"
        while True:
            if d.login_limit.search(buf):
                raise login_limit(
                    "The OLT refused the login: this user's concurrent-login "
                    "limit is reached (Reenter times). Retry later."
                )
            if d.login_failed.search(buf):
                raise auth_failed("The OLT rejected the stored username or password.")
            m = d.prompt.search(buf)
            if m and sent_pass:
                self.host = m.group("host")
                return
            if not sent_user and d.username_prompt.search(buf):
                await self._send(self.target.username + "\n")
                sent_user, buf = True, ""
                continue
            if sent_user and not sent_pass and d.password_prompt.search(buf):
                await self._send(self.target.password + "\n")
                sent_pass, buf = True, ""
                continue
            if d.hint.search(buf):  # a post-login yes/no question
                await self._send("yes\n" if "yes" in buf[-20:].lower() else "\n")
                buf = ""
                continue
            buf += await self._read_until(deadline, "logging in")
            buf = buf[-8192:]

    async def _send(self, data: str) -> None:
        assert self.transport is not None
        try:
            await self.transport.write(data)
        except (OSError, asyncssh.Error, RuntimeError) as exc:
            self.close()
            raise unreachable("The OLT closed the session.") from exc

    async def _read_until(self, deadline: float, doing: str) -> str:
        assert self.transport is not None
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            self.close()
            raise timed_out(f"The OLT did not answer in time while {doing}.")
        try:
            data = await asyncio.wait_for(self.transport.read(), remaining)
        except TimeoutError as exc:
            self.close()
            raise timed_out(f"The OLT did not answer in time while {doing}.") from exc
        except (OSError, asyncssh.Error) as exc:
            self.close()
            raise unreachable("The OLT closed the session.") from exc
        if data == "":
            self.close()
            raise unreachable(f"The OLT closed the session while {doing}.")
        return data

    async def run(
        self,
        command: str,
        time_limit: float | None = None,
        confirm: tuple[re.Pattern[str], str] | None = None,
    ) -> str:
        """Send one command and return its output (echo and prompt removed, noise kept for the
        parsers' cleaner). Raises CommandFailed when the OLT reports a failure. ``confirm``:
        the question this command may ask (``(y/n)``, ``[yes/no]``) and the answer to send,
        once; checked before the dialect's hint prompts, which are answered with Enter.
        A question to log out (Huawei, after one ``quit`` too many) is answered no, before
        anything else, and the session is closed (its mode was not the one its caller meant).
        Each command waits at most ``command_timeout``, even when ``time_limit`` is longer."""
        if "\n" in command or "\r" in command or any(ord(c) < 32 for c in command):
            raise ValueError("a command must be a single line")  # defence in depth
        if self.transport is None:
            raise unreachable("The session is closed.")
        d = self.dialect
        limit = (
            self.command_timeout if time_limit is None else min(time_limit, self.command_timeout)
        )
        deadline = time.monotonic() + limit
        UPSTREAM_REQUESTS.labels(source="olt-cli").inc()
        await self._send(command + "\n")
        buf = ""
        scanned = 0
        logout = False
        while True:
            chunk = await self._read_until(deadline, f"running '{command.split()[0]}'")
            buf += chunk
            if len(buf) > self.max_output:
                self.close()
                raise UpstreamError("The OLT sent an oversized answer.")
            tail = buf[-300:]
            if d.pager.search(tail):
                buf = d.pager.sub("", buf)
                await self._send(" ")
                continue
            if d.logout is not None and not logout and d.logout.search(tail):
                await self._send("n\n")
                logout, scanned = True, len(buf)
                continue
            if confirm is not None and confirm[0].search(tail):
                await self._send(confirm[1] + "\n")
                confirm, scanned = None, len(buf)
                continue
            if d.hint.search(tail):
                await self._send("\n")
                scanned = len(buf)
                continue
            m = d.prompt.search(buf, max(0, scanned - 1))
            if m and (not self.host or m.group("host") == self.host):
                output = buf[: m.start()]
                break
        self.last_used = time.monotonic()
        if logout:
            self.close()
            raise CommandFailed(
                f"The OLT asked to log out after '{command}' (answered no); the session was "
                "closed.",
                output,
            )
        lines = output.replace("\r", "").split("\n")
        if lines and command.split()[0] in lines[0]:
            lines = lines[1:]  # the echo
        text = "\n".join(lines)
        failure = d.failure.search(text)
        if failure:
            raise CommandFailed(f"The OLT rejected '{command}': {failure.group(1).strip()}", text)
        return text

    async def quit(self) -> None:
        if self.transport is not None:
            with contextlib.suppress(Exception):
                await self.transport.write(self.dialect.quit + "\n")
        self.close()

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()
            self.transport = None
