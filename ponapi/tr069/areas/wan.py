"""The two WAN sections (``ipInterface11`` management, ``ipInterface21`` internet) of both data
models; which WAN plays which role is decided in ``ponapi.tr069.wan_roles``."""

from __future__ import annotations

from typing import Any

from ponapi.tr069 import wan_roles
from ponapi.tr069.areas import wan_tr098, wan_tr181
from ponapi.tr069.areas.base import DeviceView
from ponapi.tr069.fields import (
    WAN_OPTIONAL,
    Fields,
    Section,
)


def role_of(w: dict[str, Any]) -> str:
    return wan_roles.role_of(w["facts"])


def select(m: DeviceView) -> tuple[Section, Section]:
    if not m.root:
        return Section(None, "absent"), Section(None, "absent")
    wans = wan_tr181.wans(m) if m.tr181 else wan_tr098.wans(m)
    mgmt, inet = wan_roles.pick(wans, lambda w: w["facts"], positions=((1, 1), (2, 1)))
    return _section(mgmt), _section(inet)


def _section(picked: wan_roles.Picked[dict[str, Any]] | None) -> Section:
    if picked is None:
        return Section(None, "absent")
    f: Fields = picked.wan["fields"]
    section = f.finish(WAN_OPTIONAL)
    assert section.data is not None
    section.data["label"] = picked.wan["label"]
    section.data["role"] = picked.role
    return section


def build(m: DeviceView) -> dict[str, Section]:
    management, internet = select(m)
    return {"ipInterface11": management, "ipInterface21": internet}
