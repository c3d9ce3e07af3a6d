"""A GenieACS device document (NBI JSON), and conversion from a GenieACS UI CSV export.

Document shape (GenieACS ``lib/cwmp/db.ts``): ``_id``, ``_deviceId._*``, ``_lastInform`` ...,
then the parameter tree as nested objects; a leaf is ``{"_value", "_type", "_timestamp", ...}``,
an object ``{"_object": true, "_timestamp", <children>}``. A leaf may lack ``_value`` when
GenieACS discovered it but never fetched it.

A document is read from plain dicts (the CSV import, an action's small reads) or from a lazily
parsed answer (``parse_lazy``): a cold stats read maps a few hundred values out of a 100-500 kB
answer, and building every object of it was its largest single cost.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import simdjson

# What a node of a document can be: a dict, or an object of a lazily parsed answer (converted
# to Python one looked-up value at a time). Checked as a tuple: a quarter of the time of an
# ``isinstance`` against ``collections.abc.Mapping``, on the mapper's hottest line. Never check
# a node against ``Mapping``: pysimdjson's stubs say ``Object`` is one, but it is not at run
# time, and such a check would silently drop the node. A lazy object with a key twice (no ACS
# writes one) answers its first value where a dict keeps the last.
NODE_TYPES = (dict, simdjson.Object)


@dataclass(slots=True)
class Param:
    """One parameter's value, XSD type and time. Not frozen (not to be changed all the same):
    a cold read makes hundreds, and a frozen dataclass is five times slower to build."""

    value: Any
    type: str | None
    timestamp: datetime | None


def parse_time(value: object) -> datetime | None:
    if isinstance(value, str):  # GenieACS's own form, first: the mapper reads thousands
        return _parse_iso(value) if value else None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value / 1000, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    return None


@lru_cache(maxsize=4096)
def _parse_iso(value: str) -> datetime | None:
    # Memoised: GenieACS stamps every value fetched in one session with the same time, so a
    # document of thousands of values carries a handful of distinct timestamps.
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


_ABSENT = object()  # a leaf without ``_value`` (discovered, never fetched)


def _param(node: Mapping[str, Any]) -> Param | None:
    value = node.get("_value", _ABSENT)  # one lookup, not two: a lazy node's cost more
    if value is _ABSENT:
        return None
    return Param(plain(value), plain(node.get("_type")), parse_time(node.get("_timestamp")))


def plain(value: Any) -> Any:
    """``value`` as Python: an object or array of a lazily parsed answer converted whole. A
    parameter's value is a scalar, save from an ACS that answers garbage: what the mapper
    passes on must never hold a view on a parse (it could not be cached or sent)."""
    if isinstance(value, simdjson.Object):
        return value.as_dict()
    if isinstance(value, simdjson.Array):
        return value.as_list()
    return value


def _is_index(key: str) -> bool:
    return key.isdigit()


def parse_lazy(body: bytes) -> object:
    """A JSON answer parsed lazily (simdjson): objects and arrays become views on the parsed
    text, converted to Python only where they are read. A hand-written lazy parser would be
    slower than this C++ one; orjson builds the whole tree (every object of a 500 kB answer:
    1.5 ms, where this takes 0.2 ms and the mapper then reads 35 % of it).

    Raises ``ValueError`` (invalid JSON or UTF-8, a number out of range) or ``RuntimeError``
    (nesting deeper than 1,024)."""
    # A parser holds one document, and refuses another while views on it live (a read being
    # mapped): the first idle one of a few kept parsers takes it. A fresh parser's buffers are
    # new memory, about 260 page faults for a 500 kB answer: 0.4 ms of a cold read.
    for parser in _PARSERS:
        try:
            return parser.parse(body)
        except RuntimeError as exc:
            if not str(exc).startswith(_BUSY):
                raise
    parser = simdjson.Parser()
    doc = parser.parse(body)
    if len(_PARSERS) < PARSERS_KEPT and len(body) <= PARSER_KEPT_UP_TO:
        _PARSERS.append(parser)  # a parser keeps buffers the size of its largest document
    return doc


PARSERS_KEPT = 4  # documents mapped at once in one process, beyond which parsers are not kept
PARSER_KEPT_UP_TO = 2 * 1024 * 1024  # bytes: a parser that read more is let go
_PARSERS: list[simdjson.Parser] = []
_BUSY = "Tried to re-use a parser"  # pysimdjson's words for a parser whose document lives


class DeviceDocument:
    """Read-only access to one device's parameter tree by dotted path."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        if not isinstance(raw, NODE_TYPES):
            raise ValueError("a device document must be a JSON object")
        self.raw = raw
        # Resolved paths, so a value's lookup walks from its already-resolved parent: the
        # mapper reads many siblings (a survey reads 7 values from each of ~100 results).
        self._nodes: dict[str, Mapping[str, Any] | None] = {"": raw}

    @property
    def device_id(self) -> str:
        value = self.raw.get("_id")
        return value if isinstance(value, str) else ""

    def device_id_field(self, name: str) -> str:
        dev = self.raw.get("_deviceId")
        value = dev.get(name) if isinstance(dev, NODE_TYPES) else None
        return value if isinstance(value, str) else ""

    @property
    def last_inform(self) -> datetime | None:
        return parse_time(self.raw.get("_lastInform"))

    def node(self, path: str) -> Mapping[str, Any] | None:
        try:
            return self._nodes[path]
        except KeyError:
            pass
        parent_path, _, name = path.rpartition(".")
        parent = self.node(parent_path)
        if not name:  # an empty segment ("a..b", "a."): skipped
            found = parent
        else:
            child = parent.get(name) if parent is not None else None
            found = child if isinstance(child, NODE_TYPES) else None
        self._nodes[path] = found
        return found

    def get(self, path: str) -> Param | None:
        """The parameter at ``path``, or None when absent or never fetched."""
        node = self._nodes[path] if path in self._nodes else self.node(path)
        return None if node is None else _param(node)

    @staticmethod
    def leaf(parent: Mapping[str, Any] | None, name: str) -> Param | None:
        """The parameter ``name`` directly under an already-resolved ``parent`` object."""
        node = parent.get(name) if parent is not None else None
        return _param(node) if isinstance(node, NODE_TYPES) else None

    def first(self, base: str, *candidates: str) -> tuple[str, Param] | None:
        """The first candidate (relative to ``base``) that has a value."""
        for rel in candidates:
            path = f"{base}.{rel}" if base else rel
            p = self.get(path)
            if p is not None:
                return path, p
        return None

    def instances(self, path: str) -> list[str]:
        """Instance numbers of a multi-instance object, in numeric order."""
        node = self.node(path)
        if node is None:
            return []
        return sorted(dict.fromkeys(k for k in node if _is_index(k)), key=int)

    def has(self, path: str) -> bool:
        return self.node(path) is not None or self.get(path) is not None


def _typed(value: str, xsd: str) -> Any:
    if xsd == "xsd:boolean":
        low = value.strip().lower()
        if low in ("true", "1"):
            return True
        if low in ("false", "0"):
            return False
        return value
    if xsd in ("xsd:int", "xsd:unsignedInt"):
        try:
            return int(value)
        except ValueError:
            return value  # GenieACS keeps unparsable numbers as strings
    return value


_EVENTS = {
    "Events.Inform": "_lastInform",
    "Events.1_BOOT": "_lastBoot",
    "Events.0_BOOTSTRAP": "_lastBootstrap",
    "Events.Registered": "_registered",
}


def _esc(text: str) -> str:
    return "".join(
        c
        if c.isascii() and (c.isalnum() or c == "_")
        else "".join(f"%{b:02X}" for b in c.encode("utf-8"))
        for c in text
    )


def generate_device_id(oui: str, product_class: str, serial: str) -> str:
    """GenieACS ``lib/util.ts`` ``generateDeviceId``: every char outside [A-Za-z0-9_] -> %XX."""
    if product_class:
        return f"{_esc(oui)}-{_esc(product_class)}-{_esc(serial)}"
    return f"{_esc(oui)}-{_esc(serial)}"


def document_from_csv(text: str, *, default_timestamp: str | None = None) -> dict[str, Any]:
    """Convert a GenieACS CSV to the NBI document shape.

    Two formats: the GenieACS UI export (``/devices/<id>.csv``, with timestamps: the inverse of
    ``lib/ui/db.ts`` ``flattenDevice``: ``DeviceID.*`` -> ``_id`` and ``_deviceId._*``,
    ``Events.*`` -> ``_lastInform``/``_lastBoot``/..., ``Tags.*`` -> ``_tags``), and the
    genieacs-sim data-model format (``Parameter,Object,Writable,Value,Value type``: no
    timestamps, so values get ``default_timestamp``, and no id, so it is generated).
    """
    reader = csv.DictReader(io.StringIO(text))
    required = {"Parameter", "Object", "Value", "Value type"}
    if not reader.fieldnames or not required <= set(reader.fieldnames):
        raise ValueError("not a GenieACS CSV export (missing columns)")
    doc: dict[str, Any] = {}
    tags: list[str] = []
    for row in reader:
        path = (row.get("Parameter") or "").strip()
        if not path:
            continue
        value = row.get("Value") or ""
        if path == "DeviceID.ID":
            doc["_id"] = value
            continue
        if path.startswith("DeviceID."):
            doc.setdefault("_deviceId", {})["_" + path.split(".", 1)[1]] = value
            continue
        if path in _EVENTS:
            doc[_EVENTS[path]] = value
            continue
        if path.startswith("Tags."):
            tags.append(path.split(".", 1)[1])
            continue
        node = doc
        for part in path.split("."):
            node = node.setdefault(part, {})
        is_object = (row.get("Object") or "").strip().lower() == "true"
        node["_object"] = is_object
        if row.get("Writable"):
            node["_writable"] = row["Writable"].strip().lower() == "true"
        if is_object:
            if row.get("Object timestamp"):
                node["_timestamp"] = row["Object timestamp"]
            continue
        xsd = (row.get("Value type") or "").strip()
        if xsd:
            node["_value"] = _typed(value, xsd)
            node["_type"] = xsd
            stamp = row.get("Value timestamp") or row.get("Object timestamp") or default_timestamp
            if stamp:
                node["_timestamp"] = stamp
    if tags:
        doc["_tags"] = tags
    if "_id" not in doc:
        ids = doc.get("_deviceId", {})
        if not ids.get("_SerialNumber"):
            raise ValueError("not a GenieACS CSV (no DeviceID.ID or DeviceID.SerialNumber row)")
        doc["_id"] = generate_device_id(
            ids.get("_OUI", ""), ids.get("_ProductClass", ""), ids["_SerialNumber"]
        )
    return doc


def iter_leaves(
    node: Mapping[str, Any], prefix: str = ""
) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for key, child in node.items():
        if key.startswith("_") or not isinstance(child, NODE_TYPES):
            continue
        path = f"{prefix}{key}"
        if "_value" in child:
            yield path, child
        yield from iter_leaves(child, path + ".")
