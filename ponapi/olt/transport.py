"""How bytes move to and from an OLT: SSH (asyncssh) or Telnet (telnetlib3). Every wait bounded;
a failed open closes what it opened."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any, Protocol

import asyncssh
import telnetlib3

from ponapi.olt.errors import auth_failed, unreachable


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
        started = asyncio.get_running_loop().time()
        conn: asyncssh.SSHClientConnection | None = None
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
            # The shell channel gets what is left of the login time: an OLT that accepts the
            # login and never answers the channel must not hold the session slot for ever.
            left = max(0.1, time_limit - (asyncio.get_running_loop().time() - started))
            proc = await asyncio.wait_for(
                conn.create_process(term_type="vt100", term_size=(511, 200), encoding="latin-1"),
                left,
            )
        except BaseException as exc:
            if conn is not None:  # a login the OLT counts: give it back at once
                conn.close()
            error = _open_error(exc, host, port, time_limit)
            if error is exc:
                raise
            raise error from exc
        return cls(conn, proc)
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


def _open_error(exc: BaseException, host: str, port: int, time_limit: float) -> BaseException:
    """The product's error for a failed SSH open (cancellation and bugs pass through)."""
    if isinstance(exc, asyncssh.PermissionDenied):
        return auth_failed("The OLT rejected the stored username or password (SSH).")
    if isinstance(exc, asyncssh.HostKeyNotVerifiable):
        return auth_failed(
            f"{host}:{port} presented an SSH host key other than the one pinned for this OLT "
            "(a replaced OLT, or someone in between). Nothing was sent. If the OLT was "
            "replaced, an admin clears the pinned key: PATCH /api/olts/{id} with "
            '{"sshHostKey": ""}.'
        )
    if isinstance(exc, TimeoutError):
        return unreachable(f"No SSH answer from {host}:{port} within {time_limit:g} s.")
    if isinstance(exc, OSError | asyncssh.Error):
        return unreachable(f"Cannot open SSH to {host}:{port} ({type(exc).__name__}).")
    return exc
