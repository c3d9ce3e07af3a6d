"""The simulated ZTE ZXAN CLI (C300/C320, and the C600/C650 that name ONUs ``gpon_onu-`` instead
of ``gpon-onu_``), laid out like the captures in tests/fixtures/cli: ``Username:``/``Password:``,
``terminal length 0`` (else `` --More--``), ``%Code 32310`` empty results, ``%Error`` lines.

ONU actions: ``configure terminal`` -> ``interface gpon-olt_R/S/P`` -> ``onu ID state
enable|disable``, or ``pon-onu-mng gpon-onu_R/S/P:ID`` -> ``reboot`` (asks ``[yes/no]:``) ->
``end``.
"""

from __future__ import annotations

import re

from ponapi.sim.olt.onus import SimOnu
from ponapi.sim.olt.shell import Shell

NO_INFO = "%Code 32310-GPONSRV : No related information to show."


class ZteShell(Shell):
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


async def zte_action(shell: ZteShell, w: list[str]) -> bool:
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
