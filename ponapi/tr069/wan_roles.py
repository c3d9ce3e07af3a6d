"""Which role each WAN connection plays (``management``, ``internet``, ``voip``, ``iptv``,
``other``) and which two the screen shows (``ipInterface11`` management, ``ipInterface21``
internet): one rule for the TR-069 mapping (TR-098 and TR-181) and the OLT platforms (Huawei
``display ont wan-info``, ZTE ``show gpon remote-onu wan-ip``).

Each source states the facts it sees (:class:`WanFacts`); the rule is decided here only:

- the **services** a connection carries come from its service list (Huawei ``X_HW_SERVICELIST``,
  ZTE ``X_ZTE-COM_ServiceList``, the OLT's ``Service type``) or, without one, from words in its
  name (``1_TR069_INTERNET_R_VID_10``, ``omci_voip_2``, ``MGMT``);
- **management**: it carries TR069, or its address is the one the ACS reaches the device at;
- **internet**: it lists INTERNET, or it lists no service at all and routes with NAT or a default
  gateway. A connection that names only other services (VoIP, IPTV) is never the internet WAN;
- the screen's internet WAN is a *routed* internet connection, connected ones first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
W = TypeVar("W")

# Words in service lists and names -> the service they mean.
_WORDS = {
    "TR069": "TR069",
    "MGMT": "TR069",
    "MANAGEMENT": "TR069",
    "INTERNET": "INTERNET",
    "VOIP": "VOIP",
    "VOICE": "VOIP",
    "IPTV": "IPTV",
    "OTHER": "OTHER",
}
_WORD = re.compile(r"^(" + "|".join(_WORDS) + r")\d*$")


def services_in(text: str | None) -> frozenset[str]:
    """``TR069_VOIP_INTERNET`` / ``Voip`` / ``omci_voice_2`` / ``MGMT-ONU`` -> the services named
    (``TR069``, ``INTERNET``, ``VOIP``, ``IPTV``, ``OTHER``); other words are ignored."""
    found = set()
    for token in re.split(r"[^A-Z0-9]+", (text or "").upper()):
        m = _WORD.match(token)
        if m:
            found.add(_WORDS[m.group(1)])
    return frozenset(found)


@dataclass(frozen=True)
class WanFacts:
    """What a source sees of one WAN connection."""

    services: frozenset[str] = frozenset()
    routed: bool = True
    nat: bool = False
    gateway: bool = False
    connected: bool = False
    carries_acs: bool = False
    instance: tuple[int, int] = (0, 0)

    @property
    def management(self) -> bool:
        return "TR069" in self.services or self.carries_acs

    @property
    def internet(self) -> bool:
        """Carries the subscriber's internet (routed or bridged)."""
        if "INTERNET" in self.services:
            return True
        return not self.services and self.routed and (self.nat or self.gateway)

    @property
    def routes_internet(self) -> bool:
        """May be the screen's internet WAN: an internet connection the ONU routes itself."""
        return self.internet and self.routed


def role_of(f: WanFacts) -> str:
    """The one role a connection is shown with: management before internet before the rest."""
    if f.management:
        return "management"
    if f.internet:
        return "internet"
    if "VOIP" in f.services:
        return "voip"
    if "IPTV" in f.services:
        return "iptv"
    return "other"


def roles_of(f: WanFacts) -> list[str]:
    """Every role the connection carries (``wans[].roles``): one WAN may carry several."""
    roles = [
        role
        for role, token in (
            ("management", "TR069"),
            ("internet", "INTERNET"),
            ("voip", "VOIP"),
            ("iptv", "IPTV"),
        )
        if token in f.services
    ]
    if f.carries_acs and "management" not in roles:
        roles.insert(0, "management")
    if not roles:
        roles.append(role_of(f))
    return roles


@dataclass(frozen=True)
class Picked(Generic[W]):
    """A connection the screen shows, with the role it is shown with."""

    wan: W
    role: str


def pick(
    wans: Sequence[T],
    facts: Callable[[T], WanFacts],
    positions: tuple[tuple[int, int], tuple[int, int]] | None = None,
) -> tuple[Picked[T] | None, Picked[T] | None]:
    """(management, internet) for ``ipInterface11`` / ``ipInterface21``.

    Management: the connection the ACS reaches, else a TR069 one, connected first. Internet:
    a routed internet connection, connected first, not the management one when another will do,
    NAT and a gateway preferred. With no management connection, the only connected internet one
    stands for both. ``positions`` (TR-069 only) are the instances shown when no connection says
    its role (``(1, 1)`` and ``(2, 1)``); a connection that names only other services (VoIP,
    IPTV) never stands in for the internet WAN."""
    known = [(w, facts(w)) for w in wans]
    mgmt = min(
        (x for x in known if x[1].management),
        key=lambda x: (not x[1].carries_acs, not x[1].connected, x[1].instance),
        default=None,
    )
    inet_candidates = [x for x in known if x[1].routes_internet]
    inet = min(
        inet_candidates,
        key=lambda x: (
            not x[1].connected,
            x is mgmt,
            not x[1].nat,
            not x[1].gateway,
            x[1].instance,
        ),
        default=None,
    )
    management = Picked(mgmt[0], "management") if mgmt else None
    internet = Picked(inet[0], "internet") if inet else None
    if positions is not None:
        at = {f.instance: (w, f) for w, f in reversed(known)}
        first, second = at.get(positions[0]), at.get(positions[1])
        if management is None and first is not None:
            management = Picked(first[0], role_of(first[1]))
        if internet is None and second is not None and _may_carry_internet(second[1]):
            internet = Picked(second[0], role_of(second[1]))
    up = [x for x in inet_candidates if x[1].connected]
    if management is None and len(up) == 1:
        management = Picked(up[0][0], "internet")  # the only connected routed WAN carries both
    return management, internet


def _may_carry_internet(f: WanFacts) -> bool:
    return not f.services or "INTERNET" in f.services
