"""The simulated ONUs behind an OLT simulator, and a plausible set of them for tests and the
demo."""

from __future__ import annotations

from dataclasses import dataclass, field

from ponapi.serials import Serial, parse_serial


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
