"""OLT simulators: a Huawei MA5800 and a ZTE C320/C600 behind real SSH (asyncssh) and Telnet
(telnetlib3) servers on loopback, for tests and the demo.

Behaviour follows the real captures in tests/fixtures/cli (sources in SOURCES.md there):
Huawei ``>>User name:`` login, ``enable``, ``undo smart`` (else the ``{ <cr>||<K> }:`` hint waits
for Enter and the output is preceded by a ``Command:`` echo block), ``scroll`` (else the
``---- More ( Press 'Q' to break ) ----`` pager with its erase escapes), alarm blocks printed
mid-output until ``infoswitch cli OFF``, ``quit``, ``Failure:`` and ``% Unknown command`` errors,
``Reenter times have reached the upper limit.``; ZTE ``Username:``/``Password:``,
``terminal length 0`` (else `` --More--``), ``%Code 32310`` empty results, ``%Error`` lines,
``gpon-onu_`` (C300/C320) versus ``gpon_onu-`` (C600) names. Outputs are laid out like the
captures, with each simulated ONU's own values.

Knobs: login and per-command latency; faults: ``drop`` (connection cut mid-output), ``stall``
(no answer), ``no_prompt`` (output that never returns to the prompt), ``endless_pager``.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from dataclasses import dataclass, field
from typing import Any

import asyncssh
import telnetlib3

from ponapi.serials import Serial, parse_serial

RULE = "  " + "-" * 77
HW_PAGER = "---- More ( Press 'Q' to break ) ----"
HW_ERASE = "\x1b[37D" + " " * 37 + "\x1b[37D"


@dataclass
class SimWan:
    name: str
    service: str  # Tr069 | Internet | Voip
    status: str = "Connected"
    access: str = "DHCP"  # DHCP | Static | PPPoE
    ip: str = "-"
    mask: str = "-"
    gateway: str = "-"
    dns: tuple[str, str] = ("-", "-")
    vlan: int = 100
    nat: bool = True
    mac: str = "AAAA-BBBB-CC01"
    routed: bool = True


@dataclass
class SimOnu:
    serial: Serial
    frame: int
    slot: int
    port: int
    ont_id: int
    online: bool = True
    model: str = "EG8145V5"
    software: str = "V5R020C00S280"
    hardware: str = "159D.A"
    description: str = ""
    cpu: int = 9
    memory: int = 41
    temperature: int = 52
    online_seconds: int = 3 * 86400 + 4 * 3600 + 5 * 60 + 6
    wans: list[SimWan] = field(default_factory=list)
    ssids: list[tuple[int, str, str, int]] = field(default_factory=list)  # idx, ssid, std, assoc
    pppoe_user: str = "cliente@isp"
    pppoe_password: str = "ppp-secret-123"
    admin: bool = True  # the OLT's admin state (Huawei control flag, ZTE admin state)
    reboots: int = 0
    rx_power: float = -17.56  # dBm at the ONU (downstream)
    tx_power: float = 2.359  # dBm from the ONU (upstream)
    voltage: float = 3.32  # V at the ONU's optics
    bias_ma: int = 14  # laser bias current, mA
    lan_links: tuple[str, ...] = ("auto", "full-100", "auto", "auto")  # ZTE "Speed status"
    macs: tuple[str, ...] = ("c025.2ff5.555d",)  # learned behind the ONU


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
            io = _Io(read=proc.stdin.read, write=proc.stdout.write, close=lambda: proc.exit(0))
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
            io = _Io(read=reader.read, write=writer.write, close=writer.close)
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

    async def _shell(self, io: _Io, authenticated: bool) -> None:
        self._ios.add(io)
        try:
            if self.brand == "huawei":
                await _HuaweiShell(self, io).run(authenticated)
            else:
                await _ZteShell(self, io).run(authenticated)
        except (ConnectionError, asyncssh.Error, asyncio.CancelledError, _Closed):
            pass
        finally:
            self._ios.discard(io)
            with contextlib.suppress(Exception):
                io.close()


class _Closed(Exception):
    pass


class _Io:
    def __init__(self, read: Any, write: Any, close: Any) -> None:
        self._read, self._write, self.close = read, write, close
        self._pending = ""

    def write(self, text: str) -> None:
        self._write(text.replace("\n", "\r\n"))

    async def char(self) -> str:
        if not self._pending:
            data = await self._read(1024)
            if not data:
                raise _Closed
            self._pending = data if isinstance(data, str) else data.decode("latin-1")
        c, self._pending = self._pending[0], self._pending[1:]
        return c

    async def line(self) -> str:
        out: list[str] = []
        while True:
            c = await self.char()
            if c in "\r\n":
                if c == "\r" and self._pending[:1] in ("\n", "\x00"):
                    self._pending = self._pending[1:]
                return "".join(out)
            if c == "\x00":
                continue
            out.append(c)


class _Shell:
    user_prompt = "Username:"
    pass_prompt = "Password:"
    bad_login = "Bad password or username."
    limit_text = "Too many users"

    def __init__(self, sim: OltSim, io: _Io) -> None:
        self.sim, self.io = sim, io
        self.paging = True
        self.mode = ""

    async def run(self, authenticated: bool) -> None:
        sim = self.sim
        if not authenticated:
            for _ in range(3):
                self.io.write(self.user_prompt)
                user = await self.io.line()
                self.io.write("\n" + self.pass_prompt)
                password = await self.io.line()
                self.io.write("\n")
                if sim.login_delay:
                    await asyncio.sleep(sim.login_delay)
                if user == sim.username and password == sim.password:
                    break
                sim.failed_logins += 1
                self.io.write(self.bad_login + "\n")
            else:
                return
        if sim.active >= sim.max_sessions:
            self.io.write(self.limit_text + "\n")
            return
        sim.active += 1
        sim.logins += 1
        try:
            self.banner()
            while True:
                self.io.write(self.prompt())
                command = (await self.io.line()).strip()
                self.io.write(command + "\n")  # echo
                if not command:
                    continue
                sim.commands.append(command)
                if sim.fault == "stall":
                    await asyncio.sleep(3600)
                if sim.command_delay:
                    await asyncio.sleep(sim.command_delay)
                if not await self.handle(command):
                    return
        finally:
            sim.active -= 1

    def banner(self) -> None:
        raise NotImplementedError

    def prompt(self) -> str:
        raise NotImplementedError

    async def handle(self, command: str) -> bool:
        raise NotImplementedError

    async def emit(self, text: str, pager: str) -> None:
        """Write command output, paging if paging is on, honouring the fault knobs."""
        lines = text.split("\n")
        if self.sim.fault == "drop":
            self.io.write("\n".join(lines[: len(lines) // 2]) + "\n")
            await asyncio.sleep(0.01)
            raise _Closed
        page = 20
        i = 0
        while i < len(lines):
            chunk = lines[i : i + page]
            self.io.write("\n".join(chunk) + "\n")
            i += page
            if (self.paging and i < len(lines)) or self.sim.fault == "endless_pager":
                self.io.write(pager)
                key = await self.io.char()
                if self.sim.brand == "huawei":
                    self.io.write(HW_ERASE)
                if key in "qQ":
                    break
                if self.sim.fault == "endless_pager":
                    i = 0
        if self.sim.fault == "no_prompt":
            await asyncio.sleep(3600)


class _HuaweiShell(_Shell):
    user_prompt = ">>User name:"
    pass_prompt = ">>User password:"
    bad_login = "  Username or password invalid."
    limit_text = "  Reenter times have reached the upper limit."

    def __init__(self, sim: OltSim, io: _Io) -> None:
        super().__init__(sim, io)
        self.privileged = False
        self.smart = True
        self.alarms = sim.alarms

    def banner(self) -> None:
        self.io.write(
            f"\n\n  Huawei Integrated Access Software ({self.sim.model.split('-')[0]}).\n"
            "  Copyright(C) Huawei Technologies Co., Ltd. 2002-2023. All rights "
            "reserved.\n\n"
        )

    def prompt(self) -> str:
        if self.mode:
            return f"{self.sim.hostname}({self.mode})#"
        return f"{self.sim.hostname}{'#' if self.privileged else '>'}"

    async def handle(self, command: str) -> bool:
        words = command.split()
        if command == "enable":
            self.privileged = True
            return True
        if command == "undo smart":
            self.smart = False
            return True
        if words[0] == "scroll" and len(words) <= 2:
            self.paging = False
            return True
        if command == "infoswitch cli OFF":
            self.alarms = False
            return True
        if command == "config" and self.privileged:
            self.mode = "config"
            return True
        if command == "quit":
            if self.mode:
                self.mode = "config" if self.mode.startswith("config-if") else ""
                return True
            self.io.write(
                "  Check whether system data has been changed. Please save data "
                "before logout.\nAre you sure to log out? (y/n)[n]:"
            )
            return (await self.io.char()) not in "yY"
        if self.mode and self.privileged and words[0] in ("interface", "ont"):
            self.io.write(await hw_action(self, words))
            return True
        if command == "exit" or not self.privileged or words[0] != "display":
            self.io.write("                  ^\n  % Unknown command, the error locates at '^'\n")
            return True
        if self.smart:  # the hint prompt waits for Enter, then echoes the command
            self.io.write("{ <cr>||<K> }:")
            await self.io.line()
            self.io.write(f"\n  Command:\n          {command}\n")
        output = self.display(words)
        if output is None:
            self.io.write("                  ^\n  % Unknown command, the error locates at '^'\n")
            return True
        if self.alarms and len(output.split("\n")) > 6:
            lines = output.split("\n")
            lines[5:5] = ALARM.split("\n")
            output = "\n".join(lines)
        await self.emit(output, HW_PAGER)
        return True

    def display(self, w: list[str]) -> str | None:
        sim = self.sim
        if w[1:] == ["board", "0"]:
            return hw_boards(sim)
        in_port = re.fullmatch(r"config-if-gpon-(\d+)/(\d+)", self.mode)
        if w[1:3] in (["ont", "optical-info"], ["ont", "port"]):
            return hw_in_port(sim, in_port, w)
        if w[1:4] == ["ont", "info", "summary"] and len(w) == 5:
            m = re.fullmatch(r"(\d+)/(\d+)", w[4])
            if m is None:
                return None
            onus = [u for u in sim.onus if (u.frame, u.slot) == (int(m.group(1)), int(m.group(2)))]
            return hw_summary(onus) if onus else "  Failure: The board does not support GPON"
        if w[1:4] == ["ont", "info", "by-sn"] and len(w) == 5:
            onu = sim.onu_by_serial(w[4])
            return hw_info(onu) if onu else "  Failure: The ONT does not exist"
        if w[1:3] == ["ont", "info"] and len(w) == 7 and all(x.isdigit() for x in w[3:]):
            onu = sim.onu_at(*(int(x) for x in w[3:7]))
            return hw_info(onu) if onu else "  Failure: The ONT does not exist"
        if w[1:3] == ["ont", "version"] and len(w) == 7 and all(x.isdigit() for x in w[3:]):
            onu = sim.onu_at(*(int(x) for x in w[3:7]))
            return hw_version(onu) if onu else "  Failure: The ONT does not exist"
        if w[1:3] == ["mac-address", "port"] and len(w) == 6 and w[4] == "ont":
            m = re.fullmatch(r"(\d+)/(\d+)/(\d+)", w[3])
            onu = None
            if m and w[5].isdigit():
                f, sl, pt = (int(x) for x in m.groups())
                onu = sim.onu_at(f, sl, pt, int(w[5]))
            if onu is None:
                return "  Failure: The ONT does not exist"
            return hw_macs(onu)
        if w[1:3] in (["ont", "wan-info"], ["ont", "wlan-info"]) and len(w) == 6:
            m = re.fullmatch(r"(\d+)/(\d+)", w[3])
            if not (m and w[4].isdigit() and w[5].isdigit()):
                return None
            onu = sim.onu_at(int(m.group(1)), int(m.group(2)), int(w[4]), int(w[5]))
            if onu is None:
                return "  Failure: The ONT does not exist"
            if not onu.online:
                return "  Failure: The ONT is not online"
            return hw_wan(onu) if w[2] == "wan-info" else hw_wlan(onu)
        return None


class _ZteShell(_Shell):
    port: tuple[int, ...] = ()
    onu: SimOnu | None = None
    bad_login = "%Error 20209: Bad password or username."
    limit_text = "%Error 20211: Too many users, login refused."

    @property
    def titan(self) -> bool:
        return self.sim.model.upper().startswith("C6")

    def banner(self) -> None:
        self.io.write(f"\nWelcome to ZXAN product {self.sim.model} of ZTE Corporation\n\n")

    def prompt(self) -> str:
        return f"{self.sim.hostname}({self.mode})#" if self.mode else f"{self.sim.hostname}#"

    async def handle(self, command: str) -> bool:
        w = command.split()
        if command == "terminal length 0":
            self.paging = False
            return True
        if self.mode or command == "configure terminal":
            return await zte_action(self, w)
        if command in ("exit", "end"):
            return False
        onu_re = (
            r"gpon_onu-(\d+)/(\d+)/(\d+):(\d+)"
            if self.titan
            else r"gpon-onu_(\d+)/(\d+)/(\d+):(\d+)"
        )
        output: str | None = None
        olt_re = r"gpon_olt-(\d+)/(\d+)/(\d+)" if self.titan else r"gpon-olt_(\d+)/(\d+)/(\d+)"
        if w == ["show", "gpon", "onu", "state"]:
            output = zte_state(self.sim.onus, self.titan)
        elif (
            w[:3] == ["show", "running-config", "interface"]
            and len(w) == 4
            and (m := re.fullmatch(olt_re, w[3]))
        ):
            port = tuple(int(x) for x in m.groups())
            onus = [u for u in self.sim.onus if (u.frame, u.slot, u.port) == port]
            output = zte_olt_config(w[3], onus)
        elif w[:5] == ["show", "gpon", "onu", "by", "sn"] and len(w) == 6:
            onu = self.sim.onu_by_serial(w[5])
            output = zte_by_sn(onu, self.titan) if onu else NO_INFO
        elif len(w) >= 5 and (
            w[:4] == ["show", "pon", "power", "attenuation"]
            or w[:5] == ["show", "gpon", "remote-onu", "interface", "eth"]
            or w[:4] == ["show", "mac", "gpon", "onu"]
        ):
            m = re.fullmatch(onu_re, w[-1])
            onu = self.sim.onu_at(*(int(x) for x in m.groups())) if m else None
            if m is None:
                output = "%Error 20201: Invalid keyword"
            elif onu is None:
                output = NO_INFO
            elif not onu.online:
                output = "%Code 62311-GPONSRV : The ONU is offline."
            elif w[1] == "pon":
                output = zte_attenuation(onu)
            elif w[1] == "mac":
                output = zte_macs(onu, w[-1])
            else:
                output = zte_eth(onu)
        elif len(w) == 5 and w[:4] in (
            ["show", "gpon", "onu", "detail-info"],
            ["show", "gpon", "remote-onu", "equip"],
            ["show", "gpon", "remote-onu", "wan-ip"],
        ):
            m = re.fullmatch(onu_re, w[4])
            if m is None:
                output = "%Error 20201: Invalid keyword"
            else:
                onu = self.sim.onu_at(*(int(x) for x in m.groups()))
                if onu is None:
                    output = NO_INFO
                elif w[3] == "detail-info":
                    output = zte_detail(onu, w[4])
                elif not onu.online:
                    output = "%Code 62311-GPONSRV : The ONU is offline."
                else:
                    output = zte_equip(onu) if w[3] == "equip" else zte_wan(onu)
        if output is None:
            self.io.write("%Error 20200: Invalid command\n")
            return True
        await self.emit(output, " --More--")
        return True


NO_INFO = "%Code 32310-GPONSRV : No related information to show."


# --- ONU actions (config mode) ----------------------------------------------------------------
# Huawei: ``config`` -> ``interface gpon F/S`` -> ``ont activate|deactivate|reset P ID`` ->
# ``quit`` x2; ``ont reset`` asks ``(y/n)[n]:``. ZTE C300/C320: ``configure terminal`` ->
# ``interface gpon-olt_R/S/P`` -> ``onu ID state enable|disable``, or ``pon-onu-mng
# gpon-onu_R/S/P:ID`` -> ``reboot`` (asks ``[yes/no]:``) -> ``end``. C600 names the ONU
# ``gpon_onu-R/S/P:ID``.

_HW_FAIL_NO_ONT = "  Failure: The ONT does not exist\n"


async def hw_action(shell: _HuaweiShell, w: list[str]) -> str:
    sim = shell.sim
    if w[0] == "interface" and shell.mode == "config" and w[1:2] == ["gpon"] and len(w) == 3:
        m = re.fullmatch(r"(\d+)/(\d+)", w[2])
        if m is None or not any((u.frame, u.slot) == tuple(map(int, m.groups())) for u in sim.onus):
            return "  % Parameter error, the error locates at '^'\n"  # no GPON board there
        shell.mode = f"config-if-gpon-{w[2]}"
        return ""
    m = re.fullmatch(r"config-if-gpon-(\d+)/(\d+)", shell.mode)
    verb = w[1] if len(w) == 4 else ""
    if (
        m is None
        or verb not in ("activate", "deactivate", "reset")
        or not all(x.isdigit() for x in w[2:])
    ):
        return "                  ^\n  % Unknown command, the error locates at '^'\n"
    onu = sim.onu_at(int(m.group(1)), int(m.group(2)), int(w[2]), int(w[3]))
    if onu is None:
        return _HW_FAIL_NO_ONT
    if verb == "reset":
        shell.io.write("  Are you sure to reset the ONT(s)? (y/n)[n]:")
        if (await shell.io.line()).strip().lower() != "y":
            return "\n"
        if not onu.online:
            return "\n  Failure: The ONT is not online\n"
        onu.reboots += 1
        return "\n"
    onu.admin = verb == "activate"
    return ""


async def zte_action(shell: _ZteShell, w: list[str]) -> bool:
    sim, io = shell.sim, shell.io
    onu_re = (
        r"gpon_onu-(\d+)/(\d+)/(\d+):(\d+)" if shell.titan else r"gpon-onu_(\d+)/(\d+)/(\d+):(\d+)"
    )
    olt_re = r"gpon_olt-(\d+)/(\d+)/(\d+)" if shell.titan else r"gpon-olt_(\d+)/(\d+)/(\d+)"
    if w == ["configure", "terminal"] and not shell.mode:
        shell.mode = "config"
    elif w == ["end"]:
        shell.mode = ""
    elif w == ["exit"]:
        shell.mode = "config" if shell.mode != "config" else ""
    elif (
        shell.mode == "config"
        and len(w) == 2
        and w[0] == "interface"
        and re.fullmatch(olt_re, w[1])
    ):
        shell.mode = "config-if"
        shell.port = tuple(int(x) for x in re.findall(r"\d+", w[1]))
    elif (
        shell.mode == "config"
        and len(w) == 2
        and w[0] == "pon-onu-mng"
        and (m := re.fullmatch(onu_re, w[1]))
    ):
        shell.onu = sim.onu_at(*(int(x) for x in m.groups()))
        if shell.onu is None:
            io.write(NO_INFO + "\n")
        else:
            shell.mode = "gpon-onu-mng"
    elif (
        shell.mode == "config-if"
        and len(w) == 4
        and w[0] == "onu"
        and w[2] == "state"
        and (w[1].isdigit() and w[3] in ("enable", "disable"))
    ):
        frame, slot, port = shell.port
        onu = sim.onu_at(frame, slot, port, int(w[1]))
        if onu is None:
            io.write(NO_INFO + "\n")
        else:
            onu.admin = w[3] == "enable"
    elif shell.mode == "gpon-onu-mng" and w == ["reboot"] and shell.onu is not None:
        io.write("Confirm to reboot the ONU? [yes/no]:")
        if (await io.line()).strip().lower() == "yes":
            if not shell.onu.online:
                io.write("\n%Code 62311-GPONSRV : The ONU is offline.\n")
            else:
                shell.onu.reboots += 1
                io.write("\n")
    else:
        io.write("%Error 20200: Invalid command\n")
    return True


ALARM = """  ! 1 [01/01/2000 00:00:00-00:00]:

  ALARM 11111 FAULT WARNING 0x2e112007 SERVICE QUALITY 17/01/2025
00:00:00-00:00
  ALARM NAME  : The distribute fiber is broken or the OLT cannot receive
                expected optical signals from the ONT(LOSi/LOBi)
  PARAMETERS  : FrameID: 0, SlotID: 0, PortID: 1, ONT ID: 1, Equipment ID:
                1H
  --- END-
****"""


def _wrap(label: str, value: str, col: int = 28, width: int = 80) -> str:
    """Huawei wraps long values at the terminal width, continuing at the value column."""
    room = width - col
    parts = [value[i : i + room] for i in range(0, len(value), room)] or [""]
    head = f"  {label:<{col - 4}}: {parts[0]}"
    return "\n".join([head, *(" " * col + part for part in parts[1:])])


def _duration(seconds: int) -> str:
    d, r = divmod(seconds, 86400)
    h, r = divmod(r, 3600)
    m, s = divmod(r, 60)
    return f"{d} day(s), {h} hour(s), {m} minute(s), {s} second(s)"


def hw_info(u: SimOnu) -> str:
    lines = [
        RULE,
        _wrap("F/S/P", f"{u.frame}/{u.slot}/{u.port}"),
        _wrap("ONT-ID", str(u.ont_id)),
        _wrap("Control flag", "active" if u.admin else "deactive"),
        _wrap("Run state", "online" if u.online else "offline"),
        _wrap("Config state", "normal" if u.online else "initial"),
        _wrap("Match state", "match" if u.online else "initial"),
        _wrap("ONT distance(m)", "1532" if u.online else "-"),
        _wrap("Memory occupation", f"{u.memory}%" if u.online else "-"),
        _wrap("CPU occupation", f"{u.cpu}%" if u.online else "-"),
        _wrap("Temperature", f"{u.temperature}(C)" if u.online else "-"),
        _wrap("Authentic type", "SN-auth"),
        _wrap("SN", f"{u.serial.hex} ({u.serial.dashed})"),
        _wrap("Management mode", "OMCI"),
        _wrap("Description", u.description),
        _wrap("Last down cause", "dying-gasp"),
        _wrap("ONT online duration", _duration(u.online_seconds) if u.online else "-"),
        _wrap("ONT NNI type", "auto"),
        RULE,
        "  Line profile ID      : 10",
        "  Line profile name    : ftth",
        RULE,
        "  Tr069 management    :Enable",
        RULE,
    ]
    return "\n".join(lines)


def hw_version(u: SimOnu) -> str:
    rule = "  " + "-" * 74
    return "\n".join(
        [
            rule,
            _wrap("F/S/P", f"{u.frame}/{u.slot}/{u.port}", 29),
            _wrap("ONT-ID", str(u.ont_id), 29),
            _wrap("Vendor-ID", u.serial.vendor, 29),
            _wrap("ONT Version", u.hardware, 29),
            _wrap("Equipment-ID", u.model, 29),
            _wrap("Main Software Version", u.software, 29),
            _wrap("Standby Software Version", u.software, 29),
            _wrap(
                "OntProductDescription",
                f"EchoLife {u.model} GPON Terminal (CLASS B+/PRODUCT "
                f"ID:2150083734LDM3009654/CHIP:00000020210205)",
                29,
            ),
            _wrap("Support XML Version", "1.3.0.0", 29),
            rule,
        ]
    )


def hw_wan(u: SimOnu) -> str:
    rule = "  " + "-" * 69
    out = [
        rule,
        _wrap("F/S/P", f"{u.frame}/{u.slot}/{u.port}", 31),
        _wrap("ONT ID", str(u.ont_id), 31),
        rule,
    ]
    for i, w in enumerate(u.wans, 1):
        out += [
            _wrap("Index", str(i), 31),
            _wrap("Name", w.name, 31),
            _wrap("Service type", w.service, 31),
            _wrap("Connection type", "IP routed" if w.routed else "IP bridged", 31),
            _wrap("IPv4 Connection status", w.status, 31),
            _wrap("IPv4 access type", w.access if w.routed else "Invalid", 31),
            _wrap("IPv4 address", w.ip, 31),
            _wrap("Subnet mask", w.mask, 31),
            _wrap("Default gateway", w.gateway, 31),
            _wrap("Primary DNS", w.dns[0], 31),
            _wrap("Secondary DNS", w.dns[1], 31),
            _wrap("Manage VLAN", str(w.vlan), 31),
            _wrap("Manage priority", "0", 31),
            _wrap("NAT switch", "Enable" if w.nat else "Disable", 31),
            _wrap("MAC address", w.mac, 31),
            _wrap("IPv6 switch", "Disable", 31),
            _wrap("Prefix", "-", 31),
            _wrap("IPv6 address", "-", 31),
            rule,
        ]
    return "\n".join(out)


def hw_wlan(u: SimOnu) -> str:
    rule = "  " + "-" * 78
    out = [
        rule,
        _wrap("F/S/P", f"{u.frame}/{u.slot}/{u.port}", 29),
        _wrap("ONT ID", str(u.ont_id), 29),
        _wrap("The total number of SSID", str(len(u.ssids)), 29),
        rule,
    ]
    for idx, ssid, std, assoc in u.ssids:
        out += [
            _wrap("SSID Index", str(idx), 29),
            _wrap("SSID", ssid, 29),
            _wrap("Wireless Standard", std, 29),
            _wrap("Administrative state", "enable", 29),
            _wrap("Operational state", "up", 29),
            _wrap("Maximum associate number", "64", 29),
            _wrap("Current associate number", str(assoc), 29),
            rule,
        ]
    return "\n".join(out)


def hw_in_port(sim: OltSim, mode: re.Match[str] | None, w: list[str]) -> str | None:
    """``display ont optical-info P ID`` and ``display ont port state P ID eth-port all``:
    commands of the GPON interface mode only (``interface gpon F/S``)."""
    optical = w[2] == "optical-info" and len(w) == 5
    ports = w[2:4] == ["port", "state"] and w[6:] == ["eth-port", "all"] and len(w) == 8
    numbers = w[3:5] if optical else w[4:6]
    if mode is None or not (optical or ports) or not all(x.isdigit() for x in numbers):
        return None
    onu = sim.onu_at(int(mode.group(1)), int(mode.group(2)), int(numbers[0]), int(numbers[1]))
    if onu is None:
        return "  Failure: The ONT does not exist"
    if not onu.online:
        return "  Failure: The ONT is not online"
    return hw_optical(onu) if optical else hw_port_state(onu)


def hw_optical(u: SimOnu) -> str:
    """As ``display ont optical-info`` prints it (captures display-ont-optical-info__1/2)."""
    rows = [
        ("ONU NNI port ID", "0"),
        ("Module type", "GPON"),
        ("Vendor name", "HUAWEI"),
        ("Rx optical power(dBm)", f"{u.rx_power:.2f}"),
        ("Rx power current alarm threshold(dBm)", "[-29.0,-7.0]"),
        ("Tx optical power(dBm)", f"{u.tx_power:.2f}"),
        ("Laser bias current(mA)", str(u.bias_ma)),
        ("Temperature(C)", str(u.temperature)),
        ("Voltage(V)", f"{u.voltage:.3f}"),
        ("OLT Rx ONT optical power(dBm)", f"{u.tx_power - 23.34:.2f}"),
        ("CATV Rx optical power(dBm)", "-"),
    ]
    return "\n".join([RULE, *(f"  {k:<39}: {v}" for k, v in rows), RULE])


def hw_port_state(u: SimOnu) -> str:
    """As ``display ont port state ... eth-port all`` prints it (capture ..._1); the links
    come from ``lan_links`` (``full-100`` = up at 100 Mbit/s full duplex, ``auto`` = down)."""
    rule = "  " + "-" * 74
    lines = [
        rule,
        "  ONT-ID   ONT      ONT       Speed(Mbps)   Duplex   LinkState  RingStatus",
        "           port-ID  Port-type",
        rule,
    ]
    for n, link in enumerate(u.lan_links, start=1):
        m = re.fullmatch(r"(full|half)-(\d+)", link)
        speed, duplex, state = (m.group(2), m.group(1), "up") if m else ("-", "-", "down")
        kind = "GE" if n == 1 else "FE"
        lines.append(f"  {u.ont_id:>5}{n:>10}{kind:>11} {speed:<13} {duplex:<8} {state:<10} -")
    lines.append(rule)
    return "\n".join(lines)


def hw_boards(sim: OltSim) -> str:
    slots = sorted({u.slot for u in sim.onus} | {9})
    rule = "  " + "-" * 73
    rows = [rule, "  SlotID  BoardName  Status          SubType0 SubType1    Online/Offline", rule]
    for slot in slots:
        name, status = ("H901MPLA", "Active_normal") if slot == 9 else ("H901GPHF", "Normal")
        rows.append(f"  {slot:<8}{name:<11}{status}")
    return "\n".join([*rows, rule])


def hw_summary(onus: list[SimOnu]) -> str:
    rule = "  " + "-" * 78
    out = ["  Command is being executed. Please wait"]
    for port in sorted({(u.frame, u.slot, u.port) for u in onus}):
        here = sorted(
            (u for u in onus if (u.frame, u.slot, u.port) == port), key=lambda u: u.ont_id
        )
        online = sum(u.online for u in here)
        out += [
            rule,
            f"  In port {port[0]}/{port[1]}/{port[2]}, the total of ONTs are: "
            f"{len(here)}, online: {online}",
            rule,
            "  ONT  Run     Last                Last                Last",
            "  ID   State   UpTime              DownTime            DownCause",
            rule,
        ]
        for u in here:
            state = "online " if u.online else "offline"
            out.append(f"  {u.ont_id:<4} {state} 2026-11-20 08:00:00 -                   -")
        out += [
            rule,
            "  ONT        SN        Type          Distance Rx/Tx power  Description",
            "  ID                                    (m)      (dBm)",
            rule,
        ]
        for u in here:
            power = "-19.52/2.21" if u.online else "-/-"
            out.append(
                f"  {u.ont_id:<3} {u.serial.hex} {u.model:<16} 1532  {power:<12} "
                f"{u.description[:20]}"
            )
        out += [rule, ""]
    return "\n".join(out)


def zte_state(onus: list[SimOnu], titan: bool) -> str:
    fmt_if = "gpon_onu-{}/{}/{}:{}" if titan else "gpon-onu_{}/{}/{}:{}"
    rows = ["OnuIndex               Admin State  OMCC State   O7 State     Phase State", "-" * 76]
    for u in sorted(onus, key=lambda u: (u.frame, u.slot, u.port, u.ont_id)):
        name = fmt_if.format(u.frame, u.slot, u.port, u.ont_id)
        rows.append(
            f"{name:<23}enable       {'enable ' if u.online else 'disable'}      "
            f"{'operation' if u.online else 'unknown  '}    "
            f"{'working' if u.online else 'LOS'}"
        )
    return "\n".join(rows)


def zte_olt_config(iface: str, onus: list[SimOnu]) -> str:
    lines = ["Building configuration...", f"interface {iface}"]
    lines += [
        f"  onu {u.ont_id} type {u.model} sn {u.serial.canonical}"
        for u in sorted(onus, key=lambda u: u.ont_id)
    ]
    return "\n".join([*lines, "$"])


def zte_by_sn(u: SimOnu, titan: bool) -> str:
    iface = (
        f"gpon_onu-{u.frame}/{u.slot}/{u.port}:{u.ont_id}"
        if titan
        else f"gpon-onu_{u.frame}/{u.slot}/{u.port}:{u.ont_id}"
    )
    head = "SearchResult" if titan else "Search result"
    return f"{head}\n-----------------------------------------\n{iface}"


def zte_detail(u: SimOnu, iface: str) -> str:
    h, r = divmod(u.online_seconds, 3600)
    m, s = divmod(r, 60)
    rows = [
        f"ONU interface:         {iface}",
        f"  Name:                {u.pppoe_user}",
        "  Type:                ZTE-F660",
        "  State:               ready",
        f"  Admin state:         {'enable' if u.admin else 'disable'}",
        f"  Phase state:         {'working' if u.online else 'LOS'}",
        "  Config state:        success",
        "  Authentication mode: sn",
        f"  Serial number:       {u.serial.canonical}",
        "  Password:",
        f"  Description:         {u.description}",
        f"  ONU Distance:        {'1033m' if u.online else 'N/A'}",
        f"  Online Duration:     {f'{h}h {m}m {s}s' if u.online else 'N/A'}",
        "------------------------------------------",
        "       Authpass Time          OfflineTime             Cause",
        "   1   2023-03-21 15:08:19    2023-03-25 16:03:23     DyingGasp",
        "   2   2023-03-29 00:17:28    0000-00-00 00:00:00",
    ]
    return "\n".join(rows)


def zte_equip(u: SimOnu) -> str:
    return "\n".join(
        [
            f"Equipment ID:   {u.model}",
            f"Model:          {u.model}",
            f"Vendor ID:      {u.serial.vendor}",
            f"H/W Version:    {u.hardware}",
            f"S/W Version:    {u.software}",
            f"System uptime:  {u.online_seconds // 3600}h "
            f"{u.online_seconds % 3600 // 60}m {u.online_seconds % 60}s",
        ]
    )


def zte_wan(u: SimOnu) -> str:
    blocks = []
    for i, w in enumerate(u.wans, 1):
        mac = w.mac.replace("-", "").lower()
        blocks.append(
            "\n".join(
                [
                    f"WAN id:         {i}",
                    f"Mode:           {w.access}",
                    "Authentication: auto",
                    f"User name:      {u.pppoe_user if w.access == 'PPPoE' else ''}",
                    f"Password:       {u.pppoe_password if w.access == 'PPPoE' else ''}",
                    f"Status:         {w.status.lower()}",
                    "Ping response:  enable",
                    "VLAN tag mode:  tag",
                    f"CVLAN:          {w.vlan}",
                    "CVLAN priority: 0",
                    "SVLAN:          0",
                    f"Current IP:     {w.ip}",
                    f"Current mask:   {w.mask}",
                    f"Current gateway:{w.gateway}",
                    f"Current primary DNS: {w.dns[0]}",
                    f"Current secondary DNS: {w.dns[1]}",
                    "Domain name:",
                    f"Host name:      {w.name}",
                    f"MAC address:    {mac[0:4]}.{mac[4:8]}.{mac[8:12]}",
                    f"IP host id:     {i}",
                ]
            )
        )
    return "\n\n".join(blocks)


def zte_attenuation(u: SimOnu) -> str:
    """As ``show pon power attenuation`` prints it (capture show-pon-power-attenuation__1)."""
    olt_rx, olt_tx = u.tx_power - 23.339, 6.819
    return "\n".join(
        [
            "           OLT                  ONU              Attenuation",
            "-" * 74,
            f" up      Rx :{olt_rx:.3f}(dbm)      Tx:{u.tx_power:.3f}(dbm)        "
            f"{u.tx_power - olt_rx:.3f}(dB)",
            "",
            f" down    Tx :{olt_tx:.3f}(dbm)        Rx:{u.rx_power:.3f}(dbm)      "
            f"{olt_tx - u.rx_power:.3f}(dB)",
        ]
    )


def zte_eth(u: SimOnu) -> str:
    """As ``show gpon remote-onu interface eth`` prints it (capture ..._1)."""
    blocks = []
    for n, link in enumerate(u.lan_links, start=1):
        blocks.append(
            "\n".join(
                [
                    f"Interface:     eth_0/{n}",
                    f"Speed status:  {link}",
                    f"Operate status:{'disable' if link == 'auto' else 'enable'}",
                    "Admin status:  unlock",
                    "Arc:           0",
                    "Arc-interval   0",
                    "Expect-type:   0",
                    "Speed config:  auto",
                    "Eth-loop:      disable",
                    "Max-frame:     1632",
                    "Pause-time:    0",
                    "Wiring :       dce",
                    "BridgeOrIP:    either",
                ]
            )
        )
    return "\n\n".join(blocks)


def zte_macs(u: SimOnu, iface: str) -> str:
    """As ``show mac gpon onu`` prints it (captures show-mac-gpon-onu__1/2)."""
    lines = [
        f"Total mac address : {len(u.macs)}",
        " ",
        "Mac address      Vlan  Type      Port                      Vc",
        "-" * 79,
    ]
    for address in u.macs:
        lines.append(f"{address}   1201  Dynamic   {iface:<25} vport 1")
    return "\n".join(lines)


def hw_macs(u: SimOnu) -> str:
    """As ``display mac-address port F/S/P ont ID`` prints it (capture ..._1)."""
    rule = "  " + "-" * 71
    lines = [
        rule,
        "   SRV-P BUNDLE TYPE MAC            MAC TYPE F /S /P   VPI  VCI   VLAN ID",
        "   INDEX INDEX",
        rule,
    ]
    for address in u.macs:
        dashed = address.replace(".", "").lower()
        dashed = f"{dashed[0:4]}-{dashed[4:8]}-{dashed[8:12]}"
        lines.append(
            f"    4252     -  gpon {dashed} dynamic  {u.frame} /{u.slot} /{u.port}   "
            f"{u.ont_id}   1         206"
        )
    lines += [rule, f"  Total: {len(u.macs)}"]
    return "\n".join(lines)


def demo_onus(brand: str, count: int = 4, start_slot: int = 1) -> list[SimOnu]:
    """ONUs with plausible, distinct values (serials, addresses) for tests and the demo."""
    onus = []
    vendor = "HWTC" if brand == "huawei" else "ZTEG"
    frame = 0 if brand == "huawei" else 1
    for i in range(count):
        serial = parse_serial(f"{vendor}{0x1A2B3C00 + i:08X}")
        slot, port, ont_id = start_slot, i // 32, i % 32 + (0 if brand == "huawei" else 1)
        onus.append(
            SimOnu(
                serial=serial,
                frame=frame,
                slot=slot,
                port=port,
                ont_id=ont_id,
                model="EG8145V5" if brand == "huawei" else "F670L",
                software="V5R020C00S280" if brand == "huawei" else "V9.0.10P1N12",
                hardware="159D.A" if brand == "huawei" else "V9.0",
                description=f"Cliente {1000 + i} - Av. Los Incas {100 + i}, Urb. Santa Rosa, Lima",
                cpu=5 + i % 20,
                memory=30 + i % 30,
                wans=[
                    SimWan(
                        f"{1}_TR069_R_VID_69",
                        "Tr069",
                        access="Static",
                        ip=f"10.254.{i // 250}.{i % 250 + 2}",
                        mask="255.255.224.0",
                        gateway="10.254.0.1",
                        dns=("8.8.8.8", "1.1.1.1"),
                        vlan=69,
                        nat=False,
                        mac=f"340A-9897-{i:04X}",
                    ),
                    SimWan(
                        f"{2}_INTERNET_R_VID_108",
                        "Internet",
                        access="PPPoE" if brand == "zte" else "DHCP",
                        ip=f"100.64.{i // 250}.{i % 250 + 2}",
                        mask="255.255.255.0",
                        gateway="100.64.0.1",
                        dns=("8.8.8.8", "1.1.1.1"),
                        vlan=108,
                        mac=f"340A-9898-{i:04X}",
                    ),
                ],
                ssids=[
                    (1, f"Cliente{1000 + i}", "IEEE 802.11b/g/n", i % 4),
                    (5, f"Cliente{1000 + i}-5G", "IEEE 802.11ac", 0),
                ],
            )
        )
    return onus
