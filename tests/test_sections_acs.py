"""The screen's extra sections on every real dump: each value equals what the raw parameters
say (expected values computed here from the CSV rows), plus facts pinned by reading the dumps."""

import math
import re

import pytest

from ponapi.tr069.full_screen import FULL_SCREEN_SECTIONS, map_full_screen
from tests.fixtures import all_csv, all_json, nbi_json, validate_stats
from tests.sections_support import (
    NOW,
    UTC_ZONE,
    doc_of,
    envelope,
    full,
    listed,
    raw_rows,
    value,
)

CSVS = all_csv()
IGD = "InternetGatewayDevice"
V5 = "anlix-genieacs-sim_device-00259E-EG8145V5-48575443A94196A5-2023-03-28T154335106Z.csv"
V5_VOIP = "anlix-genieacs-sim_device-eg8145v5-has-voip.csv"
V5_NOVOIP = "anlix-genieacs-sim_device-eg8145v5-no-voip.csv"
X6 = "anlix-genieacs-sim_device-eg8145x6-no-mesh.csv"
X6_STATIC = "anlix-genieacs-sim_device-eg8145x6-static-wan.csv"
NOKIA = "anlix-genieacs-sim_device-9075BC-G-1425G-A-ALCLFC265D6F-2023-03-28T160833431Z.csv"
ZTE = "anlix-genieacs-sim_device-C0B101-ZXHN_H199A-ZTEYH86LCN10105-2023-03-28T154022233Z.csv"
XX230V = "anlix-genieacs-sim_device-1C61B4-XX230v-22275A7000395-2023-04-27T154050686Z.csv"
EX220 = "anlix-genieacs-sim_device-1C61B4-EX220-2226469000523.csv"
EC220V2 = "anlix-genieacs-sim_device-9CA2F4-EC220_G5_V2-22282X5007025.csv"
INTELBRAS = "anlix-genieacs-sim_device-00E04C-W5-2100G-D8365F659C6E.csv"
BM632W = "genieacs-sim_data_model_202BC1-BM632w-8KA8WA1151100043.csv"


def root(name):
    return IGD if any(p.startswith(IGD + ".") for p in raw_rows(name)) else "Device"


def yes_no(raw):
    return {"true": "Yes", "false": "No", "1": "Yes", "0": "No"}[raw.lower()]


def check(section, field, raw, expected_of=lambda v: v, row_id=None):
    """A field equals the raw value converted, or is listed as missing when the dump has none."""
    data = section.data
    if row_id is not None:
        data = next(r for r in section.data if r["id"] == row_id)
    key = f"{row_id}.{field}" if row_id is not None else field
    if raw is None:
        assert key in section.missing, key
    else:
        assert data[field] == expected_of(raw), (key, raw)
        assert key not in section.missing


def test_every_dump_and_every_section_is_covered():
    assert len(CSVS) == 16
    for name in CSVS:
        assert set(full(name)) == set(FULL_SCREEN_SECTIONS)


@pytest.mark.parametrize("name", CSVS)
def test_every_section_of_every_dump_validates(name):
    sections = full(name)
    assert not [k for k, s in sections.items() if s.status == "error"]
    validate_stats(envelope(doc_of(name), sections))


@pytest.mark.parametrize("name", all_json())
def test_every_derived_document_validates(name):
    raw = nbi_json(name)
    sections = map_full_screen(raw, NOW, UTC_ZONE)
    assert not [k for k, s in sections.items() if s.status == "error"]
    validate_stats(envelope(raw, sections))


# --- lanDhcpServer ------------------------------------------------------------------------


@pytest.mark.parametrize("name", CSVS)
def test_dhcp_server_equals_the_raw_parameters(name):
    rows, sec = raw_rows(name), full(name)["lanDhcpServer"]
    if root(name) == IGD:
        base = f"{IGD}.LANDevice.1.LANHostConfigManagement"
        lease, enabled = f"{base}.DHCPLeaseTime", value(rows, f"{base}.DHCPServerEnable")
        lan_ip = value(rows, f"{base}.IPInterface.1.IPInterfaceIPAddress")
    else:
        base = "Device.DHCPv4.Server.Pool.1"
        lease, enabled = f"{base}.LeaseTime", value(rows, f"{base}.Enable")
        ref = value(rows, f"{base}.Interface").rstrip(".")
        lan_ip = value(rows, f"{ref}.IPv4Address.1.IPAddress")
    check(sec, "lanIpAddress", lan_ip)
    check(sec, "dhcpMinAddr", value(rows, f"{base}.MinAddress"))
    check(sec, "dhcpMaxAddr", value(rows, f"{base}.MaxAddress"))
    check(sec, "leaseTimeSec", value(rows, lease))
    check(sec, "dhcpServerEnabled", enabled, lambda v: v == "true")
    check(sec, "clientsDomainName", value(rows, f"{base}.DomainName"))


def test_dhcp_pinned_facts():
    assert full(V5)["lanDhcpServer"].data["leaseTimeSec"] == "3600"
    assert full(ZTE)["lanDhcpServer"].data["clientsDomainName"] == "home"
    assert full(NOKIA)["lanDhcpServer"].data["lanNetmask"] == "255.255.255.128"
    # TR-181: the LAN address comes from the IP interface the pool names (with a trailing dot)
    assert full(XX230V)["lanDhcpServer"].data["lanIpAddress"] == "192.168.1.1"
    # "0.0.0.0,0.0.0.0": no explicit DNS servers
    assert full(EX220)["lanDhcpServer"].data["dhcpDnsServers"] == ""
    # never fetched: null and missing, not false
    sec = full(V5_VOIP)["lanDhcpServer"]
    assert sec.data["dhcpServerEnabled"] is None
    assert "dhcpServerEnabled" in sec.missing


# --- lanPorts / lanCounters ---------------------------------------------------------------


def port_paths(name):
    rows = raw_rows(name)
    if root(name) == IGD:
        pattern = rf"({IGD}\.LANDevice\.1\.LANEthernetInterfaceConfig\.(\d+))(\.|$)"
    else:
        pattern = r"(Device\.Ethernet\.Interface\.(\d+))(\.|$)"
    found = {}
    for path in listed(name):
        m = re.match(pattern, path)
        if m:
            found.setdefault(m.group(2), m.group(1))
    skip = {
        i
        for i, base in found.items()
        if value(rows, f"{base}.Upstream") == "true"
        or (value(rows, f"{base}.X_TP_IfNameAlias") or "").upper() == "LAN"
    }
    return {i: base for i, base in found.items() if i not in skip}


@pytest.mark.parametrize("name", CSVS)
def test_lan_ports_equal_the_raw_parameters(name):
    rows, sec = raw_rows(name), full(name)["lanPorts"]
    ports = port_paths(name)
    assert sorted(r["id"] for r in sec.data) == sorted(ports, key=int)
    for i, base in ports.items():
        check(sec, "enable", value(rows, f"{base}.Enable"), yes_no, row_id=i)
        check(sec, "duplexMode", value(rows, f"{base}.DuplexMode"), row_id=i)
        if root(name) == IGD:
            check(sec, "status", value(rows, f"{base}.Status"), row_id=i)
            check(sec, "l3Enable", value(rows, f"{base}.X_HW_L3Enable"), yes_no, row_id=i)


@pytest.mark.parametrize("name", CSVS)
def test_lan_counters_equal_the_raw_parameters(name):
    rows, sec = raw_rows(name), full(name)["lanCounters"]
    for i, base in port_paths(name).items():
        check(sec, "bytesIn", value(rows, f"{base}.Stats.BytesReceived"), row_id=i)
        check(sec, "pktsOut", value(rows, f"{base}.Stats.PacketsSent"), row_id=i)
        check(sec, "broIn", value(rows, f"{base}.Stats.BroadcastPacketsReceived"), row_id=i)
        check(sec, "discOut", value(rows, f"{base}.Stats.DiscardPacketsSent"), row_id=i)


def test_lan_ports_pinned_facts():
    v5 = full(V5)["lanPorts"].data
    assert (v5[0]["name"], v5[0]["status"], v5[0]["flowControl"]) == ("eth0:1", "NoLink", "No")
    assert v5[0]["speed"] == ""  # Huawei reports Auto_10 on a port with no link: no speed
    assert "1.speed" not in full(V5)["lanPorts"].missing
    tp = {p["id"]: p for p in full(XX230V)["lanPorts"].data}
    assert "1" not in tp  # the upstream (WAN) interface is not a LAN port
    assert tp["2"]["name"] == "LAN1"
    ec = {p["id"]: p for p in full(EC220V2)["lanPorts"].data}
    assert ec["3"]["speed"] == "1000 Mbps"  # X_TP_NegoSpeed on a port that is up
    assert full(INTELBRAS)["lanCounters"].data[0]["bytesIn"] == "1393703"


# --- wlanCounters -------------------------------------------------------------------------


@pytest.mark.parametrize("name", CSVS)
@pytest.mark.parametrize("key", ["wlanCounters", "wlanCounters5"])
def test_wlan_counters_equal_the_raw_parameters_of_the_ssid_on_that_band(name, key):
    rows, sec = raw_rows(name), full(name)[key]
    if sec.data is None:
        assert sec.status == "absent"
        return
    n = sec.extra["instance"]
    if root(name) == IGD:
        base = f"{IGD}.LANDevice.1.WLANConfiguration.{n}"
        bytes_in = value(rows, f"{base}.TotalBytesReceived") or value(
            rows, f"{base}.Stats.BytesReceived"
        )
        channel = int(value(rows, f"{base}.Channel"))
        assert (channel > 14) == (key == "wlanCounters5")
    else:
        base = f"Device.WiFi.SSID.{n}"
        bytes_in = value(rows, f"{base}.Stats.BytesReceived")
    check(sec, "bytesIn", bytes_in)
    check(sec, "errIn", value(rows, f"{base}.Stats.ErrorsReceived"))
    check(sec, "discardsOut", value(rows, f"{base}.Stats.DiscardPacketsSent"))


def test_wlan_counters_pinned_facts():
    assert full(V5)["wlanCounters"].data["bytesIn"] == "1529579"
    assert full(V5)["wlanCounters"].data["discardsIn"] == "549"
    assert full(INTELBRAS)["wlanCounters5"].extra["instance"] == "1"  # 5 GHz on instance 1
    assert full(BM632W)["wlanCounters5"].status == "absent"  # single radio


# --- hosts --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CSVS)
def test_hosts_equal_the_raw_parameters(name):
    rows, sec = raw_rows(name), full(name)["hosts"]
    table = f"{IGD}.LANDevice.1.Hosts.Host" if root(name) == IGD else "Device.Hosts.Host"
    mac_name = "MACAddress" if root(name) == IGD else "PhysAddress"
    ids = sorted(
        {p.split(".")[-2] for p in listed(name) if re.match(rf"{re.escape(table)}\.\d+\.\w+$", p)},
        key=int,
    )
    shown = {r["id"]: r for r in sec.data or []}
    for i in ids:
        mac, ip = value(rows, f"{table}.{i}.{mac_name}"), value(rows, f"{table}.{i}.IPAddress")
        if mac == "" and ip == "":
            assert i not in shown  # an empty row
            continue
        check(sec, "macAddress", mac, str.lower, row_id=i)
        check(sec, "ipAddress", ip, row_id=i)
        check(sec, "active", value(rows, f"{table}.{i}.Active"), yes_no, row_id=i)
        check(sec, "hostname", value(rows, f"{table}.{i}.HostName"), row_id=i)
        assert shown[i]["macAddress"] == shown[i]["macAddress"].lower()


def test_hosts_pinned_facts():
    x6 = full(X6)["hosts"].data
    assert (x6[0]["macAddress"], x6[0]["port"]) == ("ee:07:8a:86:43:23", "SSID5")
    assert len(x6) == 3
    itb = {h["id"]: h for h in full(INTELBRAS)["hosts"].data}
    # Layer2Interface names WLANConfiguration.6, which does not exist; the MAC is associated
    # with WLANConfiguration.2
    assert itb["2"]["port"] == "SSID2"
    assert "3" not in itb  # the blank row
    ex = {h["id"]: h for h in full(EX220)["hosts"].data}
    assert ex["2"]["port"] == "SSID3"  # TR-181: AccessPoint association -> SSIDReference
    assert full(V5)["hosts"].data == []  # HostNumberOfEntries = 0


# --- security -----------------------------------------------------------------------------


HUAWEI_ACL = {
    "ftpWan": "FTPWanEnable",
    "ftpLan": "FTPLanEnable",
    "uiWan": "HTTPWanEnable",
    "uiLan": "HTTPLanEnable",
    "sshWan": "SSHWanEnable",
    "sshLan": "SSHLanEnable",
    "sambaWan": "SamBaWanEnable",
    "sambaLan": "SamBaLanEnable",
    "telnetWan": "TELNETWanEnable",
    "telnetLan": "TELNETLanEnable",
}


@pytest.mark.parametrize("name", [n for n in CSVS if "EG8145" in n or "eg8145" in n])
def test_huawei_security_equals_the_raw_acl_switches(name):
    rows, sec = raw_rows(name), full(name)["security"]
    acl = f"{IGD}.X_HW_Security.AclServices"
    for field, param in HUAWEI_ACL.items():
        check(
            sec,
            field,
            value(rows, f"{acl}.{param}"),
            lambda v: {"true": "Enabled"}.get(v, "Disabled"),
        )
    web = f"{IGD}.UserInterface.X_HW_WebUserInfo"
    check(sec, "webAdminName", value(rows, f"{web}.2.UserName"))
    check(sec, "webAdminPassword", value(rows, f"{web}.2.Password"))
    check(sec, "webUsername", value(rows, f"{web}.1.UserName"))
    check(sec, "cliUsername", value(rows, f"{IGD}.UserInterface.X_HW_CLIUserInfo.1.Username"))


def test_nokia_security_reads_the_inverted_per_wan_switches():
    rows, sec = raw_rows(NOKIA), full(NOKIA)["security"]
    cfg = f"{IGD}.WANDevice.1.WANConnectionDevice.1.WANPPPConnection.1.X_ALU-COM_WanAccessCfg"
    inverted = {"true": "Disabled", "false": "Enabled"}
    for field, param in (
        ("ftpWan", "FtpDisabled"),
        ("uiWan", "HttpDisabled"),
        ("sshWan", "SshDisabled"),
    ):
        check(sec, field, value(rows, f"{cfg}.{param}"), inverted.get)
    check(
        sec,
        "wanIcmpEcho",
        value(rows, f"{cfg}.IcmpEchoReqDisabled"),
        {"false": "Permit", "true": "Deny"}.get,
    )
    assert sec.data["telnetService"] == "Enabled"
    assert sec.data["webAdminName"] == "admin"
    assert sec.data["webUsername"] == "userAdmin"


def test_security_pinned_facts_and_secrets():
    from ponapi.tr069.full_screen import redact
    from ponapi.tr069.sections import secret_fields

    SECRET_FIELDS = secret_fields()

    v5 = full(V5)["security"].data
    assert (v5["uiLan"], v5["sambaLan"], v5["telnetWan"]) == ("Enabled", "Enabled", "Disabled")
    voip = full(V5_VOIP)["security"]
    # the reduced dump carries the admin password in clear text: a secret
    assert voip.data["webAdminPassword"] == value(
        raw_rows(V5_VOIP), f"{IGD}.UserInterface.X_HW_WebUserInfo.2.Password"
    )
    assert voip.data["webAdminPassword"] != ""
    assert set(SECRET_FIELDS["security"]) == {"cliPassword", "webPassword", "webAdminPassword"}
    hidden = redact("security", voip.data)
    assert hidden["webAdminPassword"] == ""
    assert hidden["webAdminName"] == "admin"
    assert voip.data["webAdminPassword"] != ""  # redact copies
    assert redact("wirelessLan5", {"password": "x", "ssid": "s"}) == {"password": "", "ssid": "s"}
    ec = full(EC220V2)["security"].data
    assert (ec["webAdminName"], ec["wanIcmpEcho"]) == ("admin", "Deny")
    assert (
        full("anlix-genieacs-sim_device-9CA2F4-EC220_G5_V3-22275K2000315.csv")["security"].status
        == "absent"
    )


# --- voiceLines ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", CSVS)
def test_voice_lines_equal_the_raw_parameters(name):
    rows, sec = raw_rows(name), full(name)["voiceLines"]
    lines = sorted(
        {
            m.group(1)
            for p in listed(name)
            if (m := re.match(r"(.*\.VoiceProfile\.\d+\.Line\.\d+)\.(Status|Enable)$", p))
        }
    )
    if not any(".VoiceService." in p for p in listed(name)):
        assert sec.data is None and sec.status == "absent"
        return
    shown = {r["id"]: r for r in sec.data}
    for line in lines:
        row_id = ".".join(line.split(".")[-3::2])
        if row_id not in shown or not line.endswith(tuple(f"Line.{i}" for i in "12")):
            continue
        if not any(
            line.startswith(t) for t in (f"{IGD}.Services", "Device.X_TP_Services.VoiceService")
        ):
            continue
        check(sec, "number", value(rows, f"{line}.DirectoryNumber"), row_id=row_id)
        check(sec, "status", value(rows, f"{line}.Status"), row_id=row_id)
        check(sec, "callState", value(rows, f"{line}.CallState"), row_id=row_id)


def test_voice_with_and_without_voip():
    voip = full(V5_VOIP)["voiceLines"].data
    assert voip == [
        {
            "id": "1.1",
            "profile": "1",
            "number": "11111",
            "enable": "Enabled",
            "userName": "admin123",
            "status": "Registering",
            "port": "1",
            "callState": "Idle",
            "dtmfTm": "InBand",
            "faxT38": "Disabled",
            "t38Bitrate": "0",
            "sipDscp": "26",
            "rtpDscp": "46",
        }
    ]
    assert full(V5_NOVOIP)["voiceLines"].status == "absent"
    assert full(V5_NOVOIP)["voiceLines"].data is None
    nokia = full(NOKIA)["voiceLines"].data[0]
    assert (nokia["faxT38"], nokia["t38Bitrate"], nokia["sipDscp"], nokia["status"]) == (
        "Enabled",
        "2400",
        "24",
        "",
    )
    # TP-Link: the lines of the vendor tree (the standard one has no line state)
    tp = full(XX230V)["voiceLines"].data
    assert [(line["id"], line["enable"], line["status"]) for line in tp] == [
        ("1.1", "Enabled", "Disabled"),
        ("1.2", "Enabled", "Disabled"),
    ]
    assert full(BM632W)["voiceLines"].data == []  # a profile without a line


# --- miscellaneous ------------------------------------------------------------------------


@pytest.mark.parametrize("name", CSVS)
def test_miscellaneous_equals_the_raw_parameters(name):
    rows, sec = raw_rows(name), full(name)["miscellaneous"]
    if sec.data is None:
        assert not any(".Time." in p for p in raw_rows(name))
        return
    t = f"{root(name)}.Time"
    check(sec, "ntpServer1", value(rows, f"{t}.NTPServer1"))
    check(sec, "ntpStatus", value(rows, f"{t}.Status"))
    check(sec, "localTimeZoneName", value(rows, f"{t}.LocalTimeZoneName"))
    check(sec, "ntpEnabled", value(rows, f"{t}.Enable"), yes_no)
    clock = value(rows, f"{t}.CurrentLocalTime")
    check(sec, "currentLocalTime", clock, lambda v: v[:19].replace("T", " "))


def test_miscellaneous_pinned_facts():
    v5 = full(V5)["miscellaneous"].data
    assert (v5["currentLocalTime"], v5["syncInterval"], v5["huaweiCloudPort"]) == (
        "1981-01-02 00:58:48",
        "86400",
        "0",
    )
    assert full(ZTE)["miscellaneous"].data["syncInterval"] == "86400"
    nokia = full(NOKIA)["miscellaneous"]
    assert nokia.data["huaweiCloudUrl"] == ""
    assert "huaweiCloudUrl" not in nokia.missing  # Huawei-only: not missing elsewhere


# --- deviceLogs ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", CSVS)
def test_device_logs_follow_the_raw_log(name):
    rows, sec = raw_rows(name), full(name)["deviceLogs"]
    text = value(rows, f"{IGD}.DeviceInfo.DeviceLog")
    if root(name) == "Device":
        assert sec.status == "unavailable"
        return
    if text is None:
        assert sec.data is None and sec.status == "unavailable"
        return
    lines = [line for line in text.splitlines() if line.strip()]
    assert sec.extra["total"] == len(lines)
    assert len(sec.data) + sec.extra.get("unparsedLines", 0) == min(50, len(lines))
    if lines and lines[0][:4].isdigit():  # Huawei: newest first, as written
        assert sec.data[0]["timestamp"] == lines[0][:19]
        assert sec.data[-1]["timestamp"] == lines[len(sec.data) - 1][:19]


def test_device_logs_pinned_facts():
    first = full(V5)["deviceLogs"].data[0]
    assert first == {
        "id": "1",
        "timestamp": "1981-01-02 00:58:24",
        "severity": "Critical",
        "terminal": "ACS",
        "result": "Success",
        "type": "Authorization",
        "cmd": "anlix:",
        "source": "192.168.89.1",
    }
    assert full(V5)["deviceLogs"].extra["total"] == 294
    assert full(X6)["deviceLogs"].extra["total"] == 304
    nokia = full(NOKIA)["deviceLogs"]
    assert (nokia.extra["total"], len(nokia.data)) == (39, 38)
    # oldest first on the device: the last complete line comes first; the cut-off one is dropped
    assert nokia.data[0]["timestamp"] == "1969-12-31 19:16:57"
    assert nokia.data[0]["terminal"] == "syslog"
    assert nokia.extra["unparsedLines"] == 1
    assert full(ZTE)["deviceLogs"].data == []
    assert len(full(V5, log_limit=5)["deviceLogs"].data) == 5


# --- optical ------------------------------------------------------------------------------


def fmt_number(x, places):
    text = f"{x:.{places}f}".rstrip("0").rstrip(".")
    return text


@pytest.mark.parametrize("name", CSVS)
def test_optical_equals_the_raw_parameters_in_each_vendors_units(name):
    rows, sec = raw_rows(name), full(name)["optical"]
    hw = f"{IGD}.WANDevice.1.X_GponInterafceConfig"
    nok = f"{IGD}.X_ALU_OntOpticalParam"
    tp = "Device.Optical.Interface.1.X_TP_GPON_Config"
    assert "distance" in sec.missing  # no TR-069 object carries it
    if any(p.startswith(hw) for p in listed(name)):
        check(sec, "opticalPowerRx", value(rows, f"{hw}.RXPower"), lambda v: f"{int(v)} dBm")
        check(
            sec,
            "voltage",
            value(rows, f"{hw}.SupplyVoltage"),
            lambda v: f"{fmt_number(int(v) / 1000, 3)} V",
        )
        check(sec, "biasCurrent", value(rows, f"{hw}.BiasCurrent"), lambda v: f"{int(v)} mA")
    elif any(p.startswith(nok) for p in listed(name)):
        check(
            sec,
            "opticalPowerRx",
            value(rows, f"{nok}.RXPower"),
            lambda v: f"{fmt_number(float(v), 2)} dBm",
        )
        check(
            sec,
            "temperature",
            value(rows, f"{nok}.TransceiverTemperature"),
            lambda v: f"{fmt_number(float(v), 1)} °C",
        )
    elif any(p.startswith(tp) for p in listed(name)):
        check(
            sec,
            "opticalPowerTx",
            value(rows, f"{tp}.TXPower"),
            lambda v: f"{fmt_number(10 * math.log10(int(v) / 10000), 2)} dBm",
        )
        assert "biasCurrent" in sec.missing  # unit unknown: not shown
    else:
        assert {"opticalPowerRx", "opticalPowerTx"} <= set(sec.missing)


def test_optical_pinned_facts():
    v5 = full(V5)["optical"].data
    assert (v5["opticalPowerRx"], v5["opticalPowerTx"], v5["temperature"]) == (
        "-3 dBm",
        "2 dBm",
        "45 °C",
    )
    assert (v5["voltage"], v5["biasCurrent"], v5["lastSeen"]) == (
        "3.415 V",
        "7 mA",
        "2023-03-28 15:42:30",
    )
    nok = full(NOKIA)["optical"].data
    assert (nok["opticalPowerRx"], nok["opticalPowerTx"], nok["voltage"]) == (
        "-3.41 dBm",
        "2.36 dBm",
        "3.25 V",
    )
    assert nok["biasCurrent"] == "9.66 mA"
    tp = full(XX230V)["optical"].data
    assert (tp["opticalPowerRx"], tp["opticalPowerTx"], tp["temperature"]) == (
        "-2.5 dBm",
        "1.73 dBm",
        "47.9 °C",
    )
    zte = full(ZTE)["optical"]  # a router: board temperature only
    assert zte.data["temperature"] == "41 °C"
    assert zte.extra["temperatureSource"] == "board"
    assert "opticalPowerRx" in zte.missing


# --- beyond the app: wirelessLan5, wifiSurvey5, wans --------------------------------------


@pytest.mark.parametrize("name", CSVS)
def test_wireless_lan5_is_the_5ghz_ssid(name):
    rows, sec = raw_rows(name), full(name)["wirelessLan5"]
    if name == BM632W:
        assert sec.status == "absent"
        return
    assert sec.data["rfBand"] == "5GHz"
    if root(name) == IGD:
        base = f"{IGD}.LANDevice.1.WLANConfiguration.{sec.extra['instance']}"
        assert int(value(rows, f"{base}.Channel")) > 14
        check(sec, "ssid", value(rows, f"{base}.SSID"))
        check(sec, "channel", value(rows, f"{base}.Channel"))


def test_5ghz_pinned_facts():
    assert full(INTELBRAS)["wirelessLan5"].extra["instance"] == "1"
    assert full(EC220V2)["wirelessLan5"].extra["instance"] == "2"
    assert full(V5)["wirelessLan5"].data["ssid"] == "Anlix-EG8145-5G"
    assert full(XX230V)["wirelessLan5"].data["ssid"] == "TP-Link_2AC8_5G"
    survey = full(X6)["wifiSurvey5"].data
    assert len(survey["networks"]) == 64  # of 95 results, the 64 on 5 GHz
    assert {n["band"] for n in survey["networks"]} == {"5GHz"}
    assert full(V5)["wifiSurvey5"].data == {"hasRecords": False, "networks": []}


@pytest.mark.parametrize("name", CSVS)
def test_wans_list_every_connection(name):
    sec = full(name)["wans"]
    if root(name) == IGD:
        conns = {
            m.group(1)
            for p in listed(name)
            if (m := re.match(r"(.*\.WAN(?:IP|PPP)Connection\.\d+)\.", p))
        }
        assert len(sec.data) == len(conns)
        for row in sec.data:
            kind = "PPP" if row["label"].startswith("PPP") else "IP"
            assert row["roles"] and row["role"] in (
                "management",
                "internet",
                "voip",
                "iptv",
                "other",
            )
            assert kind in ("IP", "PPP")
    assert [r["id"] for r in sec.data] == [str(i) for i in range(1, len(sec.data) + 1)]


def test_wans_pinned_facts():
    v5 = full(V5)["wans"].data
    assert [w["label"] for w in v5] == [
        "PPP Interface 1.1",
        "IP Interface 2.1",
        "PPP Interface 4.1",
        "IP Interface 5.1",
    ]
    assert v5[2]["roles"] == ["management", "internet"]  # 4_TR069_INTERNET: one WAN, both roles
    static = full(X6_STATIC)["wans"].data
    assert static[0]["roles"] == ["management", "internet", "voip"]
    assert len(full(ZTE)["wans"].data) == 2  # the 3G WAN on WANDevice 2 too
    assert len(full(INTELBRAS)["wans"].data) == 2  # an IP and a PPP connection on WCD 1


@pytest.mark.parametrize("name", [V5, X6])
def test_every_huawei_log_line_splits_into_its_fields(name):
    text = value(raw_rows(name), f"{IGD}.DeviceInfo.DeviceLog")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    rows = full(name, log_limit=1000)["deviceLogs"].data
    assert len(rows) == len(lines)
    alarms = 0
    for line, row in zip(lines, rows, strict=True):
        assert row["timestamp"] == line[:19]
        assert row["severity"] == line[21 : line.index("]")]
        terminal = line.split("Terminal:", 1)[1] if "Terminal:" in line else ""
        assert row["terminal"] == re.split(r"[(,]", terminal, maxsplit=1)[0].strip()
        if "AlarmID:" in line:
            alarms += 1
            assert row["type"] == "Alarm " + line.split("AlarmID:", 1)[1].split(",", 1)[0]
            assert (
                row["cmd"]
                == line.split("AlarmLevel:", 1)[1].split(",", 1)[1].split(", Terminal:")[0]
            )
            continue
        assert row["result"] == line.split("Result:", 1)[1].split(",", 1)[0]
        assert row["type"] == line.split("Type:", 1)[1].split(",", 1)[0]
        for key in ("UserName:", "Username:"):
            if key in line:
                assert row["username"] == line.split(key, 1)[1].split(",", 1)[0]
    assert name != V5 or alarms > 0


def test_repeated_huawei_log_lines_keep_their_own_times():
    """A repeated line is split once; each entry still has its own time and its own fields."""
    from ponapi.tr069.areas.logs import parse_log

    body = "[Critical] Terminal:ACS(192.168.88.19),Result:Success,Type:Authorization,anlix:"
    text = f"1981-01-15 18:22:40 {body}\n1981-01-15 18:22:01 {body}\n"
    first, second = parse_log(text)[0]
    assert (first["timestamp"], second["timestamp"]) == (
        "1981-01-15 18:22:40",
        "1981-01-15 18:22:01",
    )
    first["terminal"] = "changed"
    assert second["terminal"] == "ACS" and parse_log(text)[0][0]["terminal"] == "ACS"
