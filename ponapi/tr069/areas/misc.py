"""``miscellaneous``: the device clock, NTP and (Huawei) the vendor cloud-management block.

``Time.*`` is the same in TR-098 and TR-181. ``currentLocalTime`` is an instant to GenieACS
(it parses ``xsd:dateTime`` and drops the offset), shown in the display time zone like
``uptime``; an unsynchronised clock shows as what it is (1969/1981 dates on real dumps).
``localTimeZone`` / ``localTimeZoneName`` are the device's own strings. ``syncInterval`` is
vendor only (Huawei ``X_HW_SynInterval``, ZTE ``X_ZTE-COM_PollInterval``, seconds). The Huawei
cloud fields come from ``X_HW_AppRemoteManage`` (current values first) and are ``""`` (not
missing) on other vendors.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from ponapi import display as fmt
from ponapi.tr069 import kit
from ponapi.tr069.areas.base import DeviceView
from ponapi.tr069.document import DeviceDocument, parse_time
from ponapi.tr069.fields import Fields, Section
from ponapi.tr069.kit import AnySection
from ponapi.tr069.spec import SectionSpec, by_root

FIELDS = (
    "currentLocalTime",
    "localTimeZone",
    "localTimeZoneName",
    "ntpEnabled",
    "ntpStatus",
    "ntpServer1",
    "ntpServer2",
    "syncInterval",
    "huaweiCloudUrl",
    "huaweiCloudPort",
    "huaweiPhoneAppUrl",
    "huaweiCloudWanInterface",
)
HUAWEI_CLOUD = (
    ("huaweiCloudUrl", ("CurrentMgtURL", "MgtURL")),
    ("huaweiCloudPort", ("CurrentPort", "Port")),
    ("huaweiPhoneAppUrl", ("PhoneAppURL",)),
    ("huaweiCloudWanInterface", ("X_HW_WANInterface",)),
)
PROJECTION = (
    "InternetGatewayDevice.Time",
    "InternetGatewayDevice.X_HW_AppRemoteManage",
    "Device.Time",
)


def _first_nonempty(f: Fields, base: str, names: tuple[str, ...]) -> str | None:
    """The first candidate with a non-empty value (or ``""`` if all read empty)."""
    seen_empty = False
    for name in names:
        p = f.read(f"{base}.{name}")
        text = kit.text(p.value) if p is not None else None
        if text:
            return text
        seen_empty = seen_empty or text == ""
    return "" if seen_empty else None


def miscellaneous(doc: DeviceDocument, tz: ZoneInfo) -> Section:
    root = kit.root_of(doc)
    if not root or doc.node(f"{root}.Time") is None:
        if not root or doc.node(f"{root}.X_HW_AppRemoteManage") is None:
            return kit.absent()
    t = f"{root}.Time"
    f = Fields(doc, FIELDS)
    clock = f.read(f"{t}.CurrentLocalTime")
    moment = parse_time(clock.value) if clock else None
    if moment is not None:
        f.put("currentLocalTime", fmt.display_time(moment, tz))
    f.put_from("localTimeZone", f.read(f"{t}.LocalTimeZone"), kit.text)
    f.put_from("localTimeZoneName", f.read(f"{t}.LocalTimeZoneName"), kit.text)
    f.put_from("ntpEnabled", f.read(f"{t}.Enable"), fmt.yes_no)
    f.put_from("ntpStatus", f.read(f"{t}.Status"), kit.text)
    f.put_from("ntpServer1", f.read(f"{t}.NTPServer1"), kit.text)
    f.put_from("ntpServer2", f.read(f"{t}.NTPServer2"), kit.text)
    f.put_from(
        "syncInterval",
        f.first(t, ("X_HW_SynInterval", "X_ZTE-COM_PollInterval")),
        lambda v: kit.text(fmt.to_int(v)),
    )
    cloud = f"{root}.X_HW_AppRemoteManage"
    if doc.node(cloud) is not None:
        for name, candidates in HUAWEI_CLOUD:
            f.put(name, _first_nonempty(f, cloud, candidates))
    else:
        for name, _ in HUAWEI_CLOUD:
            f.put(name, "")  # a Huawei-only block: nothing is missing elsewhere
    return f.finish()


def build(m: DeviceView) -> dict[str, AnySection]:
    return {"miscellaneous": miscellaneous(m.doc, m.tz)}


MISCELLANEOUS = SectionSpec(
    "miscellaneous",
    "object",
    build,
    projection=by_root(*PROJECTION),
    limitation="The ONU's clock and NTP settings live on the ONU; no OLT command reads them.",
)
