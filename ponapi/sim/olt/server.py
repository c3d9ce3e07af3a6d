"""A simulated OLT: its settings, ONUs, counters and faults, served over SSH (asyncssh) and
Telnet (telnetlib3) on loopback; each session runs the vendor's shell (``huawei``, ``zte``)."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import Any

import asyncssh
import telnetlib3

from ponapi.serials import parse_serial
from ponapi.sim.olt.huawei import HuaweiShell
from ponapi.sim.olt.onus import SimOnu
from ponapi.sim.olt.shell import Closed, Io
from ponapi.sim.olt.zte import ZteShell


@dataclass
class OltSim:
    brand: str = "huawei"  # huawei | zte
    model: str = "MA5800-X7"
    hostname: str = "OLT-SIM"
    username: str = "noc"
    password: str = "olt-pass"
    max_sessions: int = 4
    login_delay: float = 0.0
    command_delay: float = 0.0
    fault: str = ""  # drop | stall | no_prompt | endless_pager
    alarms: bool = True  # print an alarm block into the next display output (until disabled)
    onus: list[SimOnu] = field(default_factory=list)
    logins: int = 0
    failed_logins: int = 0
    password_attempts: int = 0  # SSH passwords received (right or wrong)
    ssh_host_key: str = ""  # this simulator's SSH host key, as an OpenSSH public-key line
    commands: list[str] = field(default_factory=list)
    active: int = 0
    _servers: list[Any] = field(default_factory=list)
    _ios: set[Any] = field(default_factory=set)

    # --- lifecycle -------------------------------------------------------------------------

    async def start_ssh(self, host: str = "127.0.0.1", port: int = 0) -> int:
        key = asyncssh.generate_private_key("ssh-ed25519")
        self.ssh_host_key = key.export_public_key("openssh").decode().strip()
        sim = self

        class Server(asyncssh.SSHServer):
            def begin_auth(self, username: str) -> bool:
                return True

            def password_auth_supported(self) -> bool:
                return True

            async def validate_password(self, username: str, password: str) -> bool:
                sim.password_attempts += 1
                if sim.login_delay:
                    await asyncio.sleep(sim.login_delay)
                ok = username == sim.username and password == sim.password
                if not ok:
                    sim.failed_logins += 1
                return ok

        async def process(proc: asyncssh.SSHServerProcess[str]) -> None:
            io = Io(read=proc.stdin.read, write=proc.stdout.write, close=lambda: proc.exit(0))
            await self._shell(io, authenticated=True)

        server = await asyncssh.create_server(
            Server,
            host,
            port,
            server_host_keys=[key],
            process_factory=process,
            line_editor=False,
            encoding="latin-1",
            keepalive_interval=0,
        )
        self._servers.append(server)
        return int(server.sockets[0].getsockname()[1])

    async def start_telnet(self, host: str = "127.0.0.1", port: int = 0) -> int:
        async def shell(reader: Any, writer: Any) -> None:
            io = Io(read=reader.read, write=writer.write, close=writer.close)
            await self._shell(io, authenticated=False)

        server = await telnetlib3.create_server(
            host, port, shell=shell, encoding="latin-1", connect_maxwait=0.5, timeout=600
        )
        self._servers.append(server)
        sockets = server.sockets
        assert sockets
        return int(sockets[0].getsockname()[1])

    async def stop(self) -> None:
        for server in self._servers:
            server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(server.wait_closed(), 2)
        self._servers.clear()

    def onu_at(self, f: int, s: int, p: int, o: int) -> SimOnu | None:
        return next(
            (u for u in self.onus if (u.frame, u.slot, u.port, u.ont_id) == (f, s, p, o)), None
        )

    def onu_by_serial(self, text: str) -> SimOnu | None:
        try:
            serial = parse_serial(text)
        except ValueError:
            return None
        return next((u for u in self.onus if u.serial == serial), None)

    # --- the shell -------------------------------------------------------------------------

    def disconnect_all(self) -> None:
        """Drop every open session, as an OLT does after its idle timeout."""
        for io in list(self._ios):
            with contextlib.suppress(Exception):
                io.close()

    async def _shell(self, io: Io, authenticated: bool) -> None:
        self._ios.add(io)
        try:
            shell = HuaweiShell if self.brand == "huawei" else ZteShell
            await shell(self, io).run(authenticated)
        except (ConnectionError, asyncssh.Error, asyncio.CancelledError, Closed):
            pass
        finally:
            self._ios.discard(io)
            with contextlib.suppress(Exception):
                io.close()
