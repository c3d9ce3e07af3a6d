"""A CPE's data model: the parameters of a real dump (GenieACS CSV export or NBI JSON document),
as the CPE itself holds them: wire strings with their xsd type, writability, notification and
access list. Objects are kept with their trailing ``.`` as CWMP names them.

The loaded state is also the factory default (``reset``). ``DeviceInfo.UpTime`` is live: it
counts from the simulated boot, which starts at the dump's value.
"""

from __future__ import annotations

import gzip
import json
import re
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ponapi.tr069.document import document_from_csv

_UPTIME = re.compile(r"^(InternetGatewayDevice|Device)\.DeviceInfo\.UpTime$")
_INSTANCE = re.compile(r"^\d+$")


@dataclass(frozen=True, slots=True)
class Param:
    """Immutable, so that every CPE cloned from one dump shares the dump's parameters until it
    changes one (100 CPEs of 5,000 parameters would otherwise be half a million objects)."""

    value: str = ""
    type: str = "xsd:string"
    writable: bool = False
    notification: int = 0
    access: tuple[str, ...] = ()


def _wire(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def flatten(doc: dict[str, Any]) -> tuple[dict[str, Param], dict[str, bool]]:
    """A GenieACS device document as (leaf parameters, objects -> writable)."""
    params: dict[str, Param] = {}
    objects: dict[str, bool] = {}

    def walk(node: dict[str, Any], prefix: str) -> None:
        for key, child in node.items():
            if key.startswith("_") or not isinstance(child, dict):
                continue
            path = prefix + key
            is_object = child.get("_object") is True or (
                "_value" not in child and any(not k.startswith("_") for k in child)
            )
            if is_object:
                objects[path + "."] = bool(child.get("_writable", False))
                walk(child, path + ".")
            else:
                params[path] = Param(
                    _wire(child.get("_value")),
                    str(child.get("_type") or "xsd:string"),
                    bool(child.get("_writable", False)),
                )

    walk(doc, "")
    return params, objects


def load_document(path: Path) -> dict[str, Any]:
    """One device document from a GenieACS CSV export or NBI JSON (optionally gzipped)."""
    raw = path.read_bytes()
    text = (gzip.decompress(raw) if path.suffix == ".gz" else raw).decode("utf-8")
    if text.lstrip().startswith(("{", "[")):
        loaded = json.loads(text)
        if isinstance(loaded, list):
            if len(loaded) != 1:
                raise ValueError(f"{path}: the JSON array must hold exactly one device")
            loaded = loaded[0]
        if not isinstance(loaded, dict):
            raise ValueError(f"{path}: not a device document")
        return loaded
    return document_from_csv(text)


class DataModel:
    def __init__(self, doc: dict[str, Any], serial: str | None = None) -> None:
        ids = doc.get("_deviceId") or {}
        self.root = (
            "Device"
            if "Device" in doc and "InternetGatewayDevice" not in doc
            else ("InternetGatewayDevice")
        )
        self.manufacturer = str(ids.get("_Manufacturer") or "")
        self.oui = str(ids.get("_OUI") or "")
        self.product_class = str(ids.get("_ProductClass") or "")
        self.serial = serial or str(ids.get("_SerialNumber") or "")
        params, objects = flatten(doc)
        self._defaults = (params, objects)
        self.params: dict[str, Param] = {}
        self.objects: dict[str, bool] = {}
        self.boot_monotonic = 0.0
        self.reset()
        self.boot_monotonic = time.monotonic() - self._dump_uptime()

    # --- state -----------------------------------------------------------------------------

    def reset(self) -> None:
        """Factory defaults: the dump as loaded; uptime from zero."""
        self.params = dict(self._defaults[0])
        self.objects = dict(self._defaults[1])
        self.boot_monotonic = time.monotonic()
        self.set_serial()

    def set_serial(self) -> None:
        p = self.params.get(f"{self.root}.DeviceInfo.SerialNumber")
        if p is not None and self.serial:
            self.params[f"{self.root}.DeviceInfo.SerialNumber"] = replace(p, value=self.serial)

    def reboot(self) -> None:
        self.boot_monotonic = time.monotonic()

    def _dump_uptime(self) -> float:
        p = self.params.get(f"{self.root}.DeviceInfo.UpTime")
        try:
            return float(p.value) if p else 0.0
        except ValueError:
            return 0.0

    def uptime(self) -> int:
        return int(time.monotonic() - self.boot_monotonic)

    def value(self, name: str) -> str:
        if _UPTIME.match(name):
            return str(self.uptime())
        return self.params[name].value

    def get(self, rel: str, default: str = "") -> str:
        """A value relative to the root (``ManagementServer.Username``)."""
        name = f"{self.root}.{rel}"
        return self.value(name) if name in self.params else default

    def put(self, name: str, value: str, xsd: str = "xsd:string", writable: bool = True) -> None:
        """Store a value, creating the parameter (and its parent objects) when new."""
        p = self.params.get(name)
        if p is None:
            parts = name.split(".")
            for i in range(1, len(parts)):
                self.objects.setdefault(".".join(parts[:i]) + ".", False)
            self.params[name] = Param(value, xsd, writable)
        else:
            self.params[name] = replace(p, value=value)

    def update(self, name: str, **changes: Any) -> None:
        """Change an existing parameter's value or attributes."""
        self.params[name] = replace(self.params[name], **changes)

    # --- naming ----------------------------------------------------------------------------

    def exists(self, path: str) -> bool:
        return path in self.params or path in self.objects or path == ""

    def names_under(self, path: str, next_level: bool) -> list[tuple[str, bool]]:
        """GetParameterNames: (name, writable) under a partial path, in data-model order."""
        if path in self.params:
            return [(path, self.params[path].writable)]
        out: list[tuple[str, bool]] = []
        if path and not next_level:
            out.append((path, self.objects[path]))
        for name, writable in self._all():
            if not name.startswith(path) or name == path:
                continue
            if next_level:
                rest = name[len(path) :].rstrip(".")
                if "." in rest:
                    continue
            out.append((name, writable))
        return out

    def _all(self) -> list[tuple[str, bool]]:
        items = [(n, w) for n, w in self.objects.items()]
        items += [(n, p.writable) for n, p in self.params.items()]
        return sorted(items, key=lambda it: it[0])

    def leaves_under(self, path: str) -> list[str]:
        if path in self.params:
            return [path]
        return [n for n in self.params if n.startswith(path)]

    # --- objects ---------------------------------------------------------------------------

    def add_object(self, path: str) -> int:
        """A new instance under ``path`` (``X.Y.``), shaped like its lowest sibling instance."""
        instances = [
            int(k)
            for k in {o[len(path) :].split(".", 1)[0] for o in self.objects if o.startswith(path)}
            if _INSTANCE.match(k)
        ]
        number = max(instances, default=0) + 1
        new_prefix = f"{path}{number}."
        self.objects[new_prefix] = True
        if instances:
            template = f"{path}{min(instances)}."
            for o, w in list(self.objects.items()):
                if o.startswith(template) and o != template:
                    self.objects[new_prefix + o[len(template) :]] = w
            for n, p in list(self.params.items()):
                if n.startswith(template):
                    self.params[new_prefix + n[len(template) :]] = Param(
                        _DEFAULTS.get(p.type, ""), p.type, p.writable
                    )
        return number

    def delete_object(self, path: str) -> None:
        for o in [o for o in self.objects if o.startswith(path)]:
            del self.objects[o]
        for n in [n for n in self.params if n.startswith(path)]:
            del self.params[n]


_DEFAULTS = {
    "xsd:boolean": "false",
    "xsd:int": "0",
    "xsd:unsignedInt": "0",
    "xsd:dateTime": "0001-01-01T00:00:00Z",
}
