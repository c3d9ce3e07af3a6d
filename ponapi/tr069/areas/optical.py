"""Optical and link fields added to ``general``, from the ONU's own data model.

TR-098 has no optical object: each vendor has its own, with its own units (measured on the
real dumps and cross-checked between vendors in the same lab, all near -3 dBm RX / +2 dBm TX):

- Huawei ``WANDevice.1.X_GponInterafceConfig`` (sic): RX/TX integer dBm, temperature °C,
  ``SupplyVoltage`` mV, ``BiasCurrent`` mA.
- Nokia ``X_ALU_OntOpticalParam``: decimal strings; dBm, °C, ``SupplyVottage`` (sic) V,
  ``BiasCurrent`` µA (inferred: mA would be 9657 mA, far outside any laser's range).
- ZTE ``WANDevice.1.X_ZTE-COM_WANPONInterfaceConfig`` and CMCC firmwares
  ``X_CMCC_GponInterfaceConfig``: RX/TX in 0.1 µW on most firmwares, dBm on others; a value
  above 10 is read as 0.1 µW (no dBm reading of a GPON optic is that high).
- TP-Link (TR-181) ``Device.Optical.Interface.{i}.X_TP_GPON_Config``: RX/TX 0.1 µW,
  temperature 1/256 °C (SFF-8472), ``SupplyVottage`` mV; its bias unit is unknown, so bias is
  not shown (listed in ``missing``).
- TR-181 ``Device.Optical.Interface.{i}.OpticalSignalLevel`` / ``TransmitOpticalLevel``
  (0.001 dBm; 0 means "not reported": TP-Link sends 0 with the link up) and
  ``Device.XPON.ONU.{i}.ANI.{j}.Transceiver.{k}`` (0.1 dBm, mV, µA, °C).

No TR-069 object carries the fibre distance: ``distance`` is always missing here (the OLT has
it). ``temperature`` falls back to the board sensor (``DeviceInfo.TemperatureStatus``) with
``extra.temperatureSource = "board"``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from zoneinfo import ZoneInfo

from ponapi import display as fmt
from ponapi.tr069 import kit
from ponapi.tr069.areas.base import DeviceView
from ponapi.tr069.document import DeviceDocument
from ponapi.tr069.fields import Fields, Section
from ponapi.tr069.kit import AnySection
from ponapi.tr069.spec import SectionSpec, by_root

FIELDS = (
    "opticalPowerRx",
    "opticalPowerTx",
    "temperature",
    "voltage",
    "biasCurrent",
    "distance",
    "lastSeen",
)
PROJECTION = (
    "InternetGatewayDevice.WANDevice.1.X_GponInterafceConfig",
    "InternetGatewayDevice.WANDevice.1.X_ZTE-COM_WANPONInterfaceConfig",
    "InternetGatewayDevice.WANDevice.1.X_CMCC_GponInterfaceConfig",
    "InternetGatewayDevice.WANDevice.1.X_FH_GponInterfaceConfig",
    "InternetGatewayDevice.X_ALU_OntOpticalParam",
    "InternetGatewayDevice.DeviceInfo.TemperatureStatus",
    "Device.Optical.Interface",
    "Device.XPON.ONU",
    "Device.DeviceInfo.TemperatureStatus",
)

Scale = Callable[[float], float | None]


def _same(x: float) -> float | None:
    return x


def _tenth_microwatt_dbm(x: float) -> float | None:
    """SFF-8472 optical power (0.1 µW) -> dBm; 0 or less means no light."""
    return 10 * math.log10(x / 10000) if x > 0 else None


def _auto_dbm(x: float) -> float | None:
    """ZTE/CMCC/FiberHome firmwares: 0.1 µW on most, dBm on some."""
    return _tenth_microwatt_dbm(x) if x > 10 else x


def _scaled(k: float) -> Scale:
    return lambda x: x * k


def _nonzero_scaled(k: float) -> Scale:
    return lambda x: x * k if x != 0 else None


# One row per vendor object: (relative name, field, scale). Units as in the module docstring.
_HUAWEI = (
    ("RXPower", "opticalPowerRx", _same),
    ("TXPower", "opticalPowerTx", _same),
    ("TransceiverTemperature", "temperature", _same),
    ("SupplyVoltage", "voltage", _scaled(0.001)),
    ("BiasCurrent", "biasCurrent", _same),
)
_NOKIA = (
    ("RXPower", "opticalPowerRx", _same),
    ("TXPower", "opticalPowerTx", _same),
    ("TransceiverTemperature", "temperature", _same),
    ("SupplyVottage", "voltage", _same),
    ("SupplyVoltage", "voltage", _same),
    ("BiasCurrent", "biasCurrent", _scaled(0.001)),
)
_ZTE_LIKE = (
    ("RXPower", "opticalPowerRx", _auto_dbm),
    ("TXPower", "opticalPowerTx", _auto_dbm),
)
_TPLINK = (
    ("RXPower", "opticalPowerRx", _tenth_microwatt_dbm),
    ("TXPower", "opticalPowerTx", _tenth_microwatt_dbm),
    ("TransceiverTemperature", "temperature", _scaled(1 / 256)),
    ("SupplyVottage", "voltage", _scaled(0.001)),
    ("SupplyVoltage", "voltage", _scaled(0.001)),
)
_TR181_OPTICAL = (
    ("OpticalSignalLevel", "opticalPowerRx", _nonzero_scaled(0.001)),
    ("TransmitOpticalLevel", "opticalPowerTx", _nonzero_scaled(0.001)),
)
_XPON = (
    ("RxPower", "opticalPowerRx", _scaled(0.1)),
    ("TxPower", "opticalPowerTx", _scaled(0.1)),
    ("Temperature", "temperature", _same),
    ("Voltage", "voltage", _scaled(0.001)),
    ("Bias", "biasCurrent", _scaled(0.001)),
)
_UNITS = {
    "opticalPowerRx": ("dBm", 2),
    "opticalPowerTx": ("dBm", 2),
    "temperature": ("°C", 1),
    "voltage": ("V", 3),
    "biasCurrent": ("mA", 2),
}


def _objects(
    doc: DeviceDocument, root: str
) -> list[tuple[str, tuple[tuple[str, str, Scale], ...]]]:
    if root == kit.TR098:
        wan = f"{root}.WANDevice.1"
        return [
            (f"{wan}.X_GponInterafceConfig", _HUAWEI),
            (f"{root}.X_ALU_OntOpticalParam", _NOKIA),
            (f"{wan}.X_ZTE-COM_WANPONInterfaceConfig", _ZTE_LIKE),
            (f"{wan}.X_CMCC_GponInterfaceConfig", _ZTE_LIKE),
            (f"{wan}.X_FH_GponInterfaceConfig", _ZTE_LIKE),
        ]
    found: list[tuple[str, tuple[tuple[str, str, Scale], ...]]] = []
    for i in doc.instances(f"{root}.Optical.Interface"):
        found.append((f"{root}.Optical.Interface.{i}.X_TP_GPON_Config", _TPLINK))
        found.append((f"{root}.Optical.Interface.{i}", _TR181_OPTICAL))
    for onu in doc.instances(f"{root}.XPON.ONU"):
        for ani in doc.instances(f"{root}.XPON.ONU.{onu}.ANI"):
            table = f"{root}.XPON.ONU.{onu}.ANI.{ani}.Transceiver"
            found.extend((f"{table}.{t}", _XPON) for t in doc.instances(table))
    return found


def optical(doc: DeviceDocument, tz: ZoneInfo) -> Section:
    """The optical/link fields for ``general`` (``Section.data`` is merged into it)."""
    root = kit.root_of(doc)
    if not root:
        return kit.absent()
    f = Fields(doc, FIELDS)
    for base, rows in _objects(doc, root):
        node = doc.node(base)
        if node is None:
            continue
        for name, field, scale in rows:
            p = f.seen(DeviceDocument.leaf(node, name)) if field not in f.values else None
            number = kit.to_float(p.value) if p is not None else None
            value = scale(number) if number is not None else None
            if value is not None and math.isfinite(value):
                unit, places = _UNITS[field]
                f.put(field, kit.with_unit(value, unit, places))
    extra: dict[str, str] = {}
    if "temperature" not in f.values:
        sensors = f"{root}.DeviceInfo.TemperatureStatus.TemperatureSensor"
        for s in doc.instances(sensors):
            p = f.read(f"{sensors}.{s}.Value")
            n = fmt.to_int(p.value) if p is not None else None
            if n is not None and n > -274:  # -274: no reading (TR-098/TR-181)
                f.put("temperature", f"{n} °C")
                extra["temperatureSource"] = "board"
                break
    last = doc.last_inform
    if last is not None:
        f.put("lastSeen", fmt.display_time(last, tz))
    section = f.finish()
    section.extra.update(extra)
    return section


def build(m: DeviceView) -> dict[str, AnySection]:
    """Not a section of its own: the mapper adds these fields to ``general``."""
    return {"optical": optical(m.doc, m.tz)}


# Not a section of its own: the optical/link fields are added to ``general``.
OPTICAL = SectionSpec(
    "optical",
    "object",
    build,
    projection=by_root(*PROJECTION),
    limitation="",
    part_of="general",
)
