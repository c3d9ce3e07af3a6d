"""Vendor profiles: where each vendor keeps the values the standard data model lacks.

A profile lists candidate parameter names (relative paths) per field, tried in order; the
standard names come last, so an unknown vendor still gets everything standard.
Sources: the real dumps in tests/fixtures/acs (SOURCES.md there), vendor firmware, Flashman.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ponapi.tr069.document import DeviceDocument


@dataclass(frozen=True)
class Profile:
    name: str
    # DeviceInfo-relative CPU percent and memory-used percent.
    cpu: tuple[str, ...] = ()
    mem_used_percent: tuple[str, ...] = ()
    # Connection-relative (WANIPConnection/WANPPPConnection) VLAN id.
    conn_vlan: tuple[str, ...] = ()
    # WANConnectionDevice-relative VLAN id.
    wcd_vlan: tuple[str, ...] = ()
    # Connection-relative service list (TR069, INTERNET, VOIP, IPTV ...).
    service_list: tuple[str, ...] = ()
    # WLANConfiguration-relative channel width parameters.
    channel_width: tuple[str, ...] = ()
    # WLANConfiguration-relative pre-shared key candidates (normally read back empty).
    psk: tuple[str, ...] = field(default=())
    # Connection-relative MTU names for IP and PPP connections.
    ip_mtu: tuple[str, ...] = ("MaxMTUSize", "InterfaceMtu")
    ppp_mtu: tuple[str, ...] = ("MaxMRUSize", "InterfaceMtu", "MaxMTUSize")


_STD_CPU = ("ProcessStatus.CPUUsage",)
_ALL_CPU = ("X_HW_CpuUsed", "X_ZTE-COM_CpuUsed", "X_ALU-COM_CPUMEMMonitor.cpu", "X_CT-COM_CPU")
_ALL_MEM = ("X_HW_MemUsed", "X_ZTE-COM_MemUsed")
_ALL_CONN_VLAN = ("X_HW_VLAN", "X_ZTE-COM_VLANID", "X_CMCC_VLANIDMark", "VLANID")
_ALL_WCD_VLAN = (
    "X_CT-COM_WANGponLinkConfig.VLANIDMark",
    "X_ZTE-COM_WANPONLinkConfig.VLANID",
    "X_FH_WANGponLinkConfig.VLANID",
    "WANEthernetLinkConfig.X_ALU-COM_VLANIDMark",
)
_ALL_SERVICES = (
    "X_HW_SERVICELIST",
    "X_ZTE-COM_ServiceList",
    "X_CT-COM_ServiceList",
    "X_CMCC_ServiceList",
    "X_FH_ServiceList",
)
_ALL_WIDTH = (
    "X_HW_HT20",
    "X_ZTE-COM_BandWidth",
    "X_ALU_COM_ChannelBandWidthExtend",
    "X_CMCC_ChannelWidth",
    "X_TP_Bandwidth",
    "BandWidth",
    "OperatingChannelBandwidth",
)
_ALL_PSK = (
    "KeyPassphrase",
    "PreSharedKey.1.KeyPassphrase",
    "PreSharedKey.1.PreSharedKey",
    "X_TP_PreSharedKey",
)


def _first(preferred: tuple[str, ...], rest: tuple[str, ...]) -> tuple[str, ...]:
    return preferred + tuple(x for x in rest if x not in preferred)


HUAWEI = Profile(
    "huawei",
    cpu=_first(("X_HW_CpuUsed",), _ALL_CPU + _STD_CPU),  # matches the ONT's own web UI
    mem_used_percent=_first(("X_HW_MemUsed",), _ALL_MEM),
    conn_vlan=_first(("X_HW_VLAN",), _ALL_CONN_VLAN),
    wcd_vlan=_ALL_WCD_VLAN,
    service_list=_first(("X_HW_SERVICELIST",), _ALL_SERVICES),
    channel_width=_first(("X_HW_HT20",), _ALL_WIDTH),
    psk=_first(("PreSharedKey.1.PreSharedKey",), _ALL_PSK),
)
ZTE = Profile(
    "zte",
    cpu=_first(("X_ZTE-COM_CpuUsed",), _STD_CPU + _ALL_CPU),
    mem_used_percent=_first(("X_ZTE-COM_MemUsed",), _ALL_MEM),
    conn_vlan=_first(("X_ZTE-COM_VLANID",), _ALL_CONN_VLAN),
    wcd_vlan=_first(("X_ZTE-COM_WANPONLinkConfig.VLANID",), _ALL_WCD_VLAN),
    service_list=_first(("X_ZTE-COM_ServiceList",), _ALL_SERVICES),
    channel_width=_first(("X_ZTE-COM_BandWidth",), _ALL_WIDTH),
    psk=_first(("PreSharedKey.1.KeyPassphrase",), _ALL_PSK),
)
NOKIA = Profile(
    "nokia",
    cpu=_first((*_STD_CPU, "X_ALU-COM_CPUMEMMonitor.cpu"), _ALL_CPU),
    mem_used_percent=_ALL_MEM,
    conn_vlan=_first(("X_CMCC_VLANIDMark",), _ALL_CONN_VLAN),
    # X_CT-COM_WANGponLinkConfig holds the real VLAN (10); the ALU Ethernet link one reads 0.
    wcd_vlan=_first(("X_CT-COM_WANGponLinkConfig.VLANIDMark",), _ALL_WCD_VLAN),
    service_list=_first(("X_CT-COM_ServiceList",), _ALL_SERVICES),
    channel_width=_first(("X_ALU_COM_ChannelBandWidthExtend",), _ALL_WIDTH),
    psk=_first(("PreSharedKey.1.KeyPassphrase",), _ALL_PSK),
    # G-140W-C/G-1425G-A keep the MTU in InterfaceMtu (1492 on PPPoE; MaxMRUSize reads 1500).
    ip_mtu=("InterfaceMtu", "MaxMTUSize"),
    ppp_mtu=("InterfaceMtu", "MaxMRUSize", "MaxMTUSize"),
)
TPLINK = Profile(
    "tplink",
    cpu=_STD_CPU + _ALL_CPU,
    mem_used_percent=_ALL_MEM,
    conn_vlan=_ALL_CONN_VLAN,
    wcd_vlan=_ALL_WCD_VLAN,
    service_list=_ALL_SERVICES,
    channel_width=_first(("X_TP_Bandwidth",), _ALL_WIDTH),
    psk=_first(("X_TP_PreSharedKey",), _ALL_PSK),
)
STANDARD = Profile(
    "standard",
    cpu=_STD_CPU + _ALL_CPU,
    mem_used_percent=_ALL_MEM,
    conn_vlan=_ALL_CONN_VLAN,
    wcd_vlan=_ALL_WCD_VLAN,
    service_list=_ALL_SERVICES,
    channel_width=_ALL_WIDTH,
    psk=_ALL_PSK,
)

_BY_MANUFACTURER = (
    ("huawei", HUAWEI),
    ("zte", ZTE),
    ("alcl", NOKIA),
    ("nokia", NOKIA),
    ("alcatel", NOKIA),
    ("tp-link", TPLINK),
    ("tplink", TPLINK),
)
_BY_EXTENSION = (("X_HW_", HUAWEI), ("X_ZTE-COM_", ZTE), ("X_ALU-COM_", NOKIA), ("X_TP_", TPLINK))


def detect(doc: DeviceDocument, root: str) -> Profile:
    """The vendor profile: by reported manufacturer, else by the vendor extensions present."""
    info = doc.get(f"{root}.DeviceInfo.Manufacturer")
    maker = (str(info.value) if info else doc.device_id_field("_Manufacturer")).lower()
    for key, profile in _BY_MANUFACTURER:
        if key in maker:
            return profile
    device_info = doc.node(f"{root}.DeviceInfo") or {}
    for prefix, profile in _BY_EXTENSION:
        if any(k.startswith(prefix) for k in device_info):
            return profile
    return STANDARD
