"""CLI sessions to OLTs: transports (how bytes move) kept apart from dialects (prompts, login,
pager, hint prompts, errors), as scrapli does. Everything async, every wait bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

import asyncssh
import telnetlib3

from ponapi.api.errors import ApiError, ErrorCode
from ponapi.metrics import UPSTREAM_REQUESTS


class OltError(ApiError):
    pass


def unreachable(details: str) -> OltError:
    return OltError(ErrorCode.OLT_UNREACHABLE, details)


def auth_failed(details: str) -> OltError:
    return OltError(ErrorCode.OLT_AUTH_FAILED, details)


def timed_out(details: str) -> OltError:
    return OltError(ErrorCode.UPSTREAM_TIMEOUT, details)


class CommandFailed(OltError):
    """The OLT rejected a command (``Failure: ...``, ``%Error ...``)."""

    def __init__(self, details: str, output: str) -> None:
        super().__init__(ErrorCode.UPSTREAM_ERROR, details)
        self.output = output


# --- dialects -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dialect:
    name: str
    username_prompt: re.Pattern[str]
    password_prompt: re.Pattern[str]
    prompt: re.Pattern[str]  # any prompt at the end of the buffer; group "host"
    on_open: tuple[str, ...]
    pager: re.Pattern[str]
    hint: re.Pattern[str]  # a question the OLT waits on: answer with Enter
    login_failed: re.Pattern[str]
    login_limit: re.Pattern[str]
    failure: re.Pattern[str]
    empty: re.Pattern[str] | None
    quit: str


HUAWEI = Dialect(
    name="huawei",
    username_prompt=re.compile(r"(>>User name:|User name:|Username:)\s*$", re.I),
    password_prompt=re.compile(r"(>>User password:|User password:|Password:)\s*$", re.I),
    prompt=re.compile(r"(?:^|\n)(?P<host>[A-Za-z0-9_.\-]+)(?:\([^)\n]*\))?[>#]\s*$"),
    on_open=("enable", "undo smart", "scroll", "infoswitch cli OFF"),
    pager=re.compile(r"-+\s*More \( Press 'Q' to break \)\s*-+(\x1b\[\d*D|\s)*$"),
    hint=re.compile(r"\{\s*<cr>[^{}\n]*\}:\s*$"),
    login_failed=re.compile(r"Username or password invalid|Authentication fail", re.I),
    login_limit=re.compile(r"Reenter times have reached the upper limit", re.I),
    failure=re.compile(
        r"^\s*(Failure:.*|% ?(Unknown command|Parameter error|Too many "
        r"parameters|Incomplete command|Ambiguous command).*|The required ONT "
        r"does not exist.*)$",
        re.M,
    ),
    empty=None,
    quit="quit",
)

ZTE = Dialect(
    name="zte",
    username_prompt=re.compile(r"(Username|Login):\s*$", re.I),
    password_prompt=re.compile(r"Password:\s*$", re.I),
    prompt=re.compile(r"(?:^|\n)(?P<host>[A-Za-z0-9_.\-]+)(?:\([^)\n]*\))?[>#]\s*$"),
    on_open=("terminal length 0",),
    pager=re.compile(r"\s?--More--\s*$"),
    hint=re.compile(r"\[yes/no\]:?\s*$", re.I),
    login_failed=re.compile(
        r"(Bad password|Login incorrect|Authentication failed|"
        r"Username or password (is )?(wrong|invalid))",
        re.I,
    ),
    login_limit=re.compile(r"(too many (users|sessions)|user limit|max-?sessions)", re.I),
    failure=re.compile(
        r"^\s*(%Error \d+.*|% ?Invalid input.*|%Code \d+-\w+ ?: (?!No rel).*)$", re.M
    ),
    empty=re.compile(r"No relate[d]? information to show", re.I),
    quit="exit",
)

DIALECTS = {"huawei": HUAWEI, "zte": ZTE}


# --- transports -----------------------------------------------------------------------------


class Transport(Protocol):
    async def write(self, data: str) -> None: ...
    async def read(self) -> str: ...  # some data, or "" at end of stream
    def close(self) -> None: ...


class SshTransport:
    """asyncssh: password auth, an interactive shell on a wide terminal (no wrapping)."""

    def __init__(
        self, conn: asyncssh.SSHClientConnection, proc: asyncssh.SSHClientProcess[str]
    ) -> None:
        self.conn, self.proc = conn, proc
        server_key = conn.get_server_host_key()
        # The key the OLT presented, as an OpenSSH public-key line (what gets pinned).
        self.host_key = (
            server_key.export_public_key("openssh").decode().strip() if server_key else ""
        )

    @classmethod
    async def open(
        cls,
        host: str,
        port: int,
        username: str,
        password: str,
        time_limit: float,
        host_key: str = "",
    ) -> SshTransport:
        """``host_key``: the pinned key; the OLT must present it, and is refused before the
        password is sent when it does not. Empty: accepted and reported (trust on first use)."""
        known_hosts: Any = None  # None: accept any key (nothing pinned yet)
        if host_key:
            try:
                known_hosts = ([asyncssh.import_public_key(host_key)], [], [])
            except (asyncssh.KeyImportError, ValueError) as exc:
                raise auth_failed("The OLT's pinned SSH host key cannot be read.") from exc
        try:
            conn = await asyncio.wait_for(
                asyncssh.connect(
                    host,
                    port,
                    username=username,
                    password=password,
                    known_hosts=known_hosts,
                    client_keys=None,
                    agent_path=None,
                    preferred_auth="password,keyboard-interactive",
                    # SmartAX crashes clients that send keepalives (oxidized notes): none are sent.
                    keepalive_interval=0,
                    connect_timeout=time_limit,
                ),
                time_limit,
            )
            proc = await conn.create_process(
                term_type="vt100", term_size=(511, 200), encoding="latin-1"
            )
        except asyncssh.PermissionDenied as exc:
            raise auth_failed("The OLT rejected the stored username or password (SSH).") from exc
        except asyncssh.HostKeyNotVerifiable as exc:
            raise auth_failed(
                f"{host}:{port} presented an SSH host key other than the one pinned for this OLT "
                "(a replaced OLT, or someone in between). Nothing was sent. If the OLT was "
                "replaced, an admin clears the pinned key: PATCH /api/olts/{id} with "
                '{"sshHostKey": ""}.'
            ) from exc
        except TimeoutError as exc:
            raise unreachable(f"No SSH answer from {host}:{port} within {time_limit:g} s.") from exc
        except (OSError, asyncssh.Error) as exc:
            raise unreachable(f"Cannot open SSH to {host}:{port} ({type(exc).__name__}).") from exc
        return cls(conn, proc)

    async def write(self, data: str) -> None:
        self.proc.stdin.write(data)

    async def read(self) -> str:
        return await self.proc.stdout.read(65536)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.proc.close()
        with contextlib.suppress(Exception):
            self.conn.close()


class TelnetTransport:
    """telnetlib3 (the stdlib telnetlib is gone in 3.13): wide NAWS so nothing wraps."""

    def __init__(self, reader: Any, writer: Any) -> None:
        # telnetlib3's unicode reader/writer pair (encoding is set); typed loosely upstream.
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, host: str, port: int, time_limit: float) -> TelnetTransport:
        try:
            reader, writer = await asyncio.wait_for(
                telnetlib3.open_connection(
                    host,
                    port,
                    encoding="latin-1",
                    cols=511,
                    rows=200,
                    term="vt100",
                    connect_minwait=0.05,
                    connect_maxwait=1.0,
                    connect_timeout=time_limit,
                ),
                time_limit,
            )
        except TimeoutError as exc:
            raise unreachable(
                f"No Telnet answer from {host}:{port} within {time_limit:g} s."
            ) from exc
        except OSError as exc:
            raise unreachable(
                f"Cannot open Telnet to {host}:{port} ({type(exc).__name__})."
            ) from exc
        return cls(reader, writer)

    async def write(self, data: str) -> None:
        self.writer.write(data)

    async def read(self) -> str:
        data = await self.reader.read(65536)
        return data if isinstance(data, str) else data.decode("latin-1")

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.close()


# --- session --------------------------------------------------------------------------------


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


@dataclass
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
                raise unreachable(
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

    async def run(self, command: str, time_limit: float | None = None) -> str:
        """Send one command and return its output (echo and prompt removed, noise kept for the
        parsers' cleaner). Raises CommandFailed when the OLT reports a failure."""
        if "\n" in command or "\r" in command or any(ord(c) < 32 for c in command):
            raise ValueError("a command must be a single line")  # defence in depth
        if self.transport is None:
            raise unreachable("The session is closed.")
        d = self.dialect
        deadline = time.monotonic() + (time_limit or self.command_timeout)
        UPSTREAM_REQUESTS.labels(source="olt-cli").inc()
        await self._send(command + "\n")
        buf = ""
        scanned = 0
        while True:
            chunk = await self._read_until(deadline, f"running '{command.split()[0]}'")
            buf += chunk
            if len(buf) > self.max_output:
                self.close()
                raise OltError(ErrorCode.UPSTREAM_ERROR, "The OLT sent an oversized answer.")
            tail = buf[-300:]
            if d.pager.search(tail):
                buf = d.pager.sub("", buf)
                await self._send(" ")
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
