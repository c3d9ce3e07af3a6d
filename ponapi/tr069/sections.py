"""The section registry: every section's spec (``ponapi.tr069.spec.SectionSpec``), declared beside
its area module, collected here in screen order. Everything that knows about sections reads it:
the section names and their shapes, which fields are secret, what one NBI read projects, what a
live read asks the device for, the mapper's areas, the settings' TTL keys.

Adding a section is one area module (its builder and its spec) and one row in ``BUILT_IN``.
"""

from __future__ import annotations

from collections.abc import Iterable

from ponapi.tr069.areas import (
    general,
    hosts,
    lan,
    logs,
    misc,
    optical,
    security,
    survey,
    voice,
    wan,
    wans,
    wifi,
    wifi_counters,
)
from ponapi.tr069.spec import Builder, SectionSpec

# In screen order: the app's first five, then the rest of the TR-069 screen, then the sections
# beyond the app (the 5 GHz radio and its survey, every WAN). ``optical`` is a part of
# ``general`` (its fields are added there), not a section of its own.
BUILT_IN: tuple[SectionSpec, ...] = (
    general.GENERAL,
    optical.OPTICAL,
    wan.IP_INTERFACE_11,
    wan.IP_INTERFACE_21,
    wifi.WIRELESS_LAN,
    survey.WIFI_SURVEY,
    lan.LAN_DHCP_SERVER,
    lan.LAN_PORTS,
    lan.LAN_COUNTERS,
    wifi_counters.WLAN_COUNTERS,
    wifi_counters.WLAN_COUNTERS_5,
    hosts.HOSTS,
    security.SECURITY,
    voice.VOICE_LINES,
    misc.MISCELLANEOUS,
    logs.DEVICE_LOGS,
    wifi.WIRELESS_LAN_5,
    survey.WIFI_SURVEY_5,
    wans.WANS,
)

# What every read projects besides the sections' subtrees: the ids, the last inform
# (``lastSeen``) and the manufacturer (the mapper's vendor profile).
IDENTITY = (
    "_id",
    "_deviceId",
    "_lastInform",
    "InternetGatewayDevice.DeviceInfo.Manufacturer",
    "Device.DeviceInfo.Manufacturer",
)

_specs: dict[str, SectionSpec] = {}
# (sections, root) -> what one NBI read of them projects: every cold read asks for one, and
# the registry changes only when a section is added or removed.
_projections: dict[tuple[frozenset[str], str], tuple[str, ...]] = {}
PROJECTIONS_KEPT = 256


def register(spec: SectionSpec) -> None:
    """Add a section (after the others on the screen); its name must be new."""
    if spec.name in _specs:
        raise ValueError(f"section {spec.name!r} is already registered")
    if spec.part_of and spec.part_of not in _specs:
        raise ValueError(f"section part {spec.name!r} belongs to an unknown section")
    _specs[spec.name] = spec
    _projections.clear()


def unregister(name: str) -> None:
    _specs.pop(name, None)
    _projections.clear()


for _spec in BUILT_IN:
    register(_spec)


def spec(name: str) -> SectionSpec:
    return _specs[name]


def specs() -> tuple[SectionSpec, ...]:
    """Every spec, parts included, in screen order."""
    return tuple(_specs.values())


def names() -> tuple[str, ...]:
    """Every section's name, in screen order (parts such as ``optical`` not included)."""
    return tuple(name for name, s in _specs.items() if not s.part_of)


def is_section(name: str) -> bool:
    s = _specs.get(name)
    return s is not None and not s.part_of


def list_sections() -> frozenset[str]:
    """The sections whose data is a list of rows (each with an ``id``)."""
    return frozenset(name for name, s in _specs.items() if s.is_list)


def secret_fields() -> dict[str, tuple[str, ...]]:
    """Section -> its secret fields (roles not allowed to see secrets get ``""``)."""
    return {name: s.secret for name, s in _specs.items() if s.secret}


def ttl_keys() -> frozenset[str]:
    """The keys ``STATS_SECTION_TTL_SECONDS`` accepts."""
    return frozenset(s.ttl_key for s in _specs.values() if not s.part_of)


def ttl_key(name: str) -> str:
    s = _specs.get(name)
    return s.ttl_key if s is not None else name


def with_parts(wanted: Iterable[str]) -> list[SectionSpec]:
    """The specs of ``wanted`` and of their parts, in screen order."""
    asked = set(wanted)
    return [s for s in _specs.values() if s.name in asked or s.part_of in asked]


def areas(wanted: Iterable[str]) -> list[tuple[Builder, tuple[str, ...]]]:
    """The builders that map ``wanted`` (parts included), each once, with every section it
    builds (an area module's builder may build several)."""
    picked = {id(s.build) for s in with_parts(wanted)}
    out: dict[int, tuple[Builder, list[str]]] = {}
    for s in _specs.values():
        if id(s.build) in picked:
            out.setdefault(id(s.build), (s.build, []))[1].append(s.name)
    return [(build, tuple(built)) for build, built in out.values()]


def _without_covered(paths: Iterable[str]) -> tuple[str, ...]:
    """Distinct paths, in order, without one under another path of the list."""
    unique = dict.fromkeys(paths)
    return tuple(p for p in unique if not any(q in unique for q in _ancestors(p)))


def _ancestors(path: str) -> Iterable[str]:
    """Every path ``path`` is under (``a.b.c`` -> ``a``, ``a.b``)."""
    dot = path.find(".")
    while dot != -1:
        yield path[:dot]
        dot = path.find(".", dot + 1)


def projection(wanted: Iterable[str], root: str = "") -> tuple[str, ...]:
    """What one NBI read of ``wanted`` projects (with ``root`` known, only its paths)."""
    key = (frozenset(wanted), root)
    found = _projections.get(key)
    if found is None:
        paths = [p for s in with_parts(key[0]) for p in s.paths(root)]
        identity = [p for p in IDENTITY if not root or "." not in p or p.startswith(root + ".")]
        found = _without_covered([*identity, *paths])
        if len(_projections) >= PROJECTIONS_KEPT:  # ``?sections=`` subsets are many
            _projections.clear()
        _projections[key] = found
    return found


def refresh_paths(root: str, wanted: Iterable[str]) -> list[str]:
    """What a live read of ``wanted`` asks a device of this data model for."""
    return list(_without_covered(p for s in with_parts(wanted) for p in s.refresh_paths(root)))
