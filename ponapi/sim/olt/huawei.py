"""The simulated Huawei SmartAX CLI (MA5600T, MA5608T, MA5800), laid out like the captures in
tests/fixtures/cli: ``>>User name:`` login, ``enable``, ``undo smart`` (else the ``{ <cr>||<K>
}:`` hint waits for Enter and the output is preceded by a ``Command:`` echo block), ``scroll``
(else the ``---- More ( Press 'Q' to break ) ----`` pager with its erase escapes), alarm blocks
printed mid-output until ``infoswitch cli OFF``, ``quit``, ``Failure:`` and ``% Unknown
command`` errors, ``Reenter times have reached the upper limit.``

ONU actions: ``config`` -> ``interface gpon F/S`` -> ``ont activate|deactivate|reset P ID`` ->
``quit`` x2; ``ont reset`` asks ``(y/n)[n]:``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ponapi.sim.olt.onus import SimOnu
from ponapi.sim.olt.shell import Io, Shell

if TYPE_CHECKING:
    from ponapi.sim.olt.server import OltSim

RULE = "  " + "-" * 77


HW_PAGER = "---- More ( Press 'Q' to break ) ----"


HW_ERASE = "\x1b[37D" + " " * 37 + "\x1b[37D"


class HuaweiShell(Shell):
    user_prompt = ">>User name:"
    pass_prompt = ">>User password:"
    bad_login = "  Username or password invalid."
    limit_text = "  Reenter times have reached the upper limit."
    pager_erase = HW_ERASE

    def __init__(self, sim: OltSim, io: Io) -> None:
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


_HW_FAIL_NO_ONT = "  Failure: The ONT does not exist\n"


async def hw_action(shell: HuaweiShell, w: list[str]) -> str:
    sim = shell.sim
    if w[0] == "interface" and shell.mode == "config" and w[1:2] == ["gpon"] and len(w) == 3:
        m = re.fullmatch(r"(\d+)/(\d+)", w[2])
        slot = None if m is None else tuple(map(int, m.groups()))
        if slot is None or not any((u.frame, u.slot) == slot for u in sim.onus):
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


ALARM = """  ! 1 [01/01/2000 00:00:00-00:00]:

  ALARM 11111 FAULT WARNING 0x2e112007 SERVICE QUALITY 17/01/2025
00:00:00-00:00
  ALARM NAME  : The distribute fiber is broken or the OLT cannot receive
                expected optical signals from the ONT(LOSi/LOBi)
  PARAMETERS  : FrameID: 0, SlotID: 0, PortID: 1, ONT ID: 1, Equipment ID:
                1H
  --- END-
****"""


def wrap(label: str, value: str, col: int = 28, width: int = 80) -> str:
    """Huawei wraps long values at the terminal width, continuing at the value column."""
    room = width - col
    parts = [value[i : i + room] for i in range(0, len(value), room)] or [""]
    head = f"  {label:<{col - 4}}: {parts[0]}"
    return "\n".join([head, *(" " * col + part for part in parts[1:])])


def duration(seconds: int) -> str:
    d, r = divmod(seconds, 86400)
    h, r = divmod(r, 3600)
    m, s = divmod(r, 60)
    return f"{d} day(s), {h} hour(s), {m} minute(s), {s} second(s)"


def hw_info(u: SimOnu) -> str:
    lines = [
        RULE,
        wrap("F/S/P", f"{u.frame}/{u.slot}/{u.port}"),
        wrap("ONT-ID", str(u.ont_id)),
        wrap("Control flag", "active" if u.admin else "deactive"),
        wrap("Run state", "online" if u.online else "offline"),
        wrap("Config state", "normal" if u.online else "initial"),
        wrap("Match state", "match" if u.online else "initial"),
        wrap("ONT distance(m)", "1532" if u.online else "-"),
        wrap("Memory occupation", f"{u.memory}%" if u.online else "-"),
        wrap("CPU occupation", f"{u.cpu}%" if u.online else "-"),
        wrap("Temperature", f"{u.temperature}(C)" if u.online else "-"),
        wrap("Authentic type", "SN-auth"),
        wrap("SN", f"{u.serial.hex} ({u.serial.dashed})"),
        wrap("Management mode", "OMCI"),
        wrap("Description", u.description),
        wrap("Last down cause", "dying-gasp"),
        wrap("ONT online duration", duration(u.online_seconds) if u.online else "-"),
        wrap("ONT NNI type", "auto"),
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
            wrap("F/S/P", f"{u.frame}/{u.slot}/{u.port}", 29),
            wrap("ONT-ID", str(u.ont_id), 29),
            wrap("Vendor-ID", u.serial.vendor, 29),
            wrap("ONT Version", u.hardware, 29),
            wrap("Equipment-ID", u.model, 29),
            wrap("Main Software Version", u.software, 29),
            wrap("Standby Software Version", u.software, 29),
            wrap(
                "OntProductDescription",
                f"EchoLife {u.model} GPON Terminal (CLASS B+/PRODUCT "
                f"ID:2150083734LDM3009654/CHIP:00000020210205)",
                29,
            ),
            wrap("Support XML Version", "1.3.0.0", 29),
            rule,
        ]
    )


def hw_wan(u: SimOnu) -> str:
    rule = "  " + "-" * 69
    out = [
        rule,
        wrap("F/S/P", f"{u.frame}/{u.slot}/{u.port}", 31),
        wrap("ONT ID", str(u.ont_id), 31),
        rule,
    ]
    for i, w in enumerate(u.wans, 1):
        out += [
            wrap("Index", str(i), 31),
            wrap("Name", w.name, 31),
            wrap("Service type", w.service, 31),
            wrap("Connection type", "IP routed" if w.routed else "IP bridged", 31),
            wrap("IPv4 Connection status", w.status, 31),
            wrap("IPv4 access type", w.access if w.routed else "Invalid", 31),
            wrap("IPv4 address", w.ip, 31),
            wrap("Subnet mask", w.mask, 31),
            wrap("Default gateway", w.gateway, 31),
            wrap("Primary DNS", w.dns[0], 31),
            wrap("Secondary DNS", w.dns[1], 31),
            wrap("Manage VLAN", str(w.vlan), 31),
            wrap("Manage priority", "0", 31),
            wrap("NAT switch", "Enable" if w.nat else "Disable", 31),
            wrap("MAC address", w.mac, 31),
            wrap("IPv6 switch", "Disable", 31),
            wrap("Prefix", "-", 31),
            wrap("IPv6 address", "-", 31),
            rule,
        ]
    return "\n".join(out)


def hw_wlan(u: SimOnu) -> str:
    rule = "  " + "-" * 78
    out = [
        rule,
        wrap("F/S/P", f"{u.frame}/{u.slot}/{u.port}", 29),
        wrap("ONT ID", str(u.ont_id), 29),
        wrap("The total number of SSID", str(len(u.ssids)), 29),
        rule,
    ]
    for idx, ssid, std, assoc in u.ssids:
        out += [
            wrap("SSID Index", str(idx), 29),
            wrap("SSID", ssid, 29),
            wrap("Wireless Standard", std, 29),
            wrap("Administrative state", "enable", 29),
            wrap("Operational state", "up", 29),
            wrap("Maximum associate number", "64", 29),
            wrap("Current associate number", str(assoc), 29),
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
