"""The ``general`` section: identity, firmware, CPU and memory, uptime (TR-098 and TR-181)."""

from __future__ import annotations

from ponapi import display as fmt
from ponapi.tr069.areas.base import DeviceView
from ponapi.tr069.fields import (
    GENERAL_FIELDS,
    Fields,
    Section,
)
from ponapi.tr069.spec import SectionSpec, by_root


def general(m: DeviceView) -> Section:
    if not m.root:
        return Section(None, "absent")
    f = Fields(m.doc, GENERAL_FIELDS)
    di = f"{m.root}.DeviceInfo"
    maker = f.read(f"{di}.Manufacturer")
    oui = f.read(f"{di}.ManufacturerOUI")
    f.put(
        "manufacturer",
        fmt.manufacturer(
            fmt.to_str(maker.value) if maker else m.doc.device_id_field("_Manufacturer"),
            fmt.to_str(oui.value) if oui else m.doc.device_id_field("_OUI"),
        ),
    )
    model = f.read(f"{di}.ModelName")
    model_text = fmt.to_str(model.value) if model else None
    if not model_text or model_text == "ModelName":  # Intelbras reports the name literally
        model_text = m.doc.device_id_field("_ProductClass") or model_text
    f.put("modelName", model_text)
    for name, param in (
        ("softwareVersion", "SoftwareVersion"),
        ("hardwareVersion", "HardwareVersion"),
        ("provisioningCode", "ProvisioningCode"),
    ):
        f.put_from(name, f.read(f"{di}.{param}"), fmt.to_str)
    serial = f.read(f"{di}.SerialNumber")
    serial_text = fmt.to_str(serial.value) if serial else None
    if not serial_text or serial_text == "0":  # BM632w reports 0; the Inform has it
        serial_text = m.doc.device_id_field("_SerialNumber") or serial_text
    f.put("serialNumber", serial_text)
    f.put_from("cpuUsage", f.first(di, m.profile.cpu), fmt.percent)
    total = f.read(f"{di}.MemoryStatus.Total")
    free = f.read(f"{di}.MemoryStatus.Free")
    f.put_from("totalRam", total, fmt.kib_to_mb)
    f.put_from("freeRam", free, fmt.kib_to_mb)
    if free is None and total is not None:
        used = f.first(di, m.profile.mem_used_percent)
        t, u = fmt.to_int(total.value), fmt.to_int(used.value) if used else None
        if t is not None and u is not None and 0 <= u <= 100:
            f.put("freeRam", fmt.kib_to_mb(t * (100 - u) // 100))
    m.time_pair(f, f.read(f"{di}.UpTime"))
    return f.finish()


def build(m: DeviceView) -> dict[str, Section]:
    return {"general": general(m)}


# DeviceInfo leaf by leaf, so that large or sensitive siblings (DeviceLog, vendor service
# passwords) are never fetched.
_DEVICE_INFO = (
    "Manufacturer",
    "ManufacturerOUI",
    "ModelName",
    "SoftwareVersion",
    "HardwareVersion",
    "ProvisioningCode",
    "SerialNumber",
    "UpTime",
    "MemoryStatus",
    "ProcessStatus.CPUUsage",
    "X_HW_CpuUsed",
    "X_HW_MemUsed",
    "X_ZTE-COM_CpuUsed",
    "X_ZTE-COM_MemUsed",
    "X_ALU-COM_CPUMEMMonitor",
    "X_CT-COM_CPU",
)
GENERAL = SectionSpec(
    "general",
    "object",
    build,
    projection=by_root(
        *(
            f"{root}.DeviceInfo.{leaf}"
            for root in ("InternetGatewayDevice", "Device")
            for leaf in _DEVICE_INFO
        )
    ),
    refresh=by_root(
        *(
            f"{root}.DeviceInfo.{leaf}"
            for root in ("InternetGatewayDevice", "Device")
            for leaf in ("UpTime", "MemoryStatus", "ProcessStatus.CPUUsage")
        )
    ),
    limitation="Over the OLT CLI: model, versions, optics and distance only; no CPU load, RAM "
    "sizes, provisioning code or last inform, which only the ONU's TR-069 reports.",
)
