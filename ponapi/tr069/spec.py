"""What one section is, declared once beside its area module (``SectionSpec``), and the two
TR-069 data-model roots a device document can have. ``ponapi.tr069.sections`` collects the specs.

A spec says everything the rest of ponapi needs to know about a section: its name, whether it is
an object or a list of rows, which fields are secret, the NBI projection and the refresh paths
per data-model root, the builder that maps it, why an OLT CLI cannot give it, and the key of its
cache TTL (``STATS_SECTION_TTL_SECONDS``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from ponapi.tr069.document import NODE_TYPES

if TYPE_CHECKING:
    from ponapi.tr069.areas.base import DeviceView
    from ponapi.tr069.fields import AnySection

TR098 = "InternetGatewayDevice"
TR181 = "Device"
ROOTS = (TR098, TR181)

# An area's builder: the device view -> the sections it maps (one or several, by name).
Builder = Callable[["DeviceView"], Mapping[str, "AnySection"]]
Paths = Mapping[str, tuple[str, ...]]  # data-model root -> paths under it


def data_model_root(doc: Mapping[str, Any]) -> str:
    """``InternetGatewayDevice`` (TR-098), else ``Device`` (TR-181), else ``""``: the root of a
    device document (GenieACS JSON), the one the mapper reads when a device has both."""
    return next((root for root in ROOTS if isinstance(doc.get(root), NODE_TYPES)), "")


def by_root(*paths: str) -> Paths:
    """Paths grouped by the data-model root they start with (others are dropped)."""
    return MappingProxyType(
        {root: tuple(p for p in paths if p.split(".", 1)[0] == root) for root in ROOTS}
    )


@dataclass(frozen=True)
class SectionSpec:
    """One section. ``projection``: the NBI subtrees its mapping reads; ``refresh``: what a live
    read asks the device for (``getParameterValues``; an object path re-reads its subtree,
    ``*`` is allowed), the projection when not given; ``limitation``: why an OLT CLI cannot
    give it (or what of it), the one sentence for it (the OLT CLI's answer gives it as the
    reason of a section it does not show, the app's flags as their ``limitation``);
    ``part_of``: a part merged into another section (not shown on its own), like the optical
    levels in ``general``."""

    name: str
    kind: Literal["object", "list"]
    build: Builder
    projection: Paths
    limitation: str
    refresh: Paths | None = None
    secret: tuple[str, ...] = ()
    ttl_key: str = ""
    part_of: str = ""

    def __post_init__(self) -> None:
        if not self.ttl_key:
            object.__setattr__(self, "ttl_key", self.name)

    @property
    def is_list(self) -> bool:
        return self.kind == "list"

    def paths(self, root: str = "") -> tuple[str, ...]:
        """The projection under ``root`` (every root when ``""``)."""
        return _under(self.projection, root)

    def refresh_paths(self, root: str = "") -> tuple[str, ...]:
        return _under(self.projection if self.refresh is None else self.refresh, root)


def _under(table: Paths, root: str) -> tuple[str, ...]:
    if root:
        return tuple(table.get(root, ()))
    return tuple(p for r in ROOTS for p in table.get(r, ()))
