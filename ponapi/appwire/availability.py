"""What each section of the TR-069 screen needs of its source, in one table keyed by the
contract's (camelCase) section name: whether an OLT CLI can serve what the screen does with it,
why not (the ``limitation`` the app shows in its "requires ACS" banner) and what would give it
(the ``recommendation``).

The app reads ``available_via_cli: false`` as "this section needs an ACS" (it then shows only
its banner) and ``data_completeness: "limited"`` as "partial for lack of a better source". So:

- read over the OLT CLI: ``available_via_cli`` is the table's ``cli_serves`` (and false when the
  CLI gave nothing); ``limited`` unless the CLI gave every field;
- read through the ACS: ``available_via_cli`` is true (nothing is missing for lack of an ACS);
  ``limited`` only where another source would add something (the OLT's fibre distance) or the
  device did not report the section at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from ponapi.tr069 import sections as section_registry

_ACS = (
    "Register this ONU in the ACS (GenieACS): point its TR-069 settings (ACS URL, on the "
    "OLT's TR-069 profile or on the ONU) at the ACS, and this section is read in full"
)


@dataclass(frozen=True, slots=True)
class Need:
    """One section's needs: ``cli_serves`` (an OLT CLI can serve what the screen does with
    it), ``cli`` (what an OLT CLI cannot give), ``recommendation`` (what would), and for reads
    through the ACS, what TR-069 itself lacks and what would add it."""

    cli_serves: bool
    cli: str
    recommendation: str = _ACS + "."
    acs: str | None = None
    acs_recommendation: str | None = None


NEEDS: dict[str, Need] = {
    "general": Need(
        True,
        "Over the OLT CLI: model, versions, optics and distance only; no RAM sizes, "
        "provisioning code or last inform, which only the ONU's TR-069 reports.",
        acs="TR-069 has no fibre distance: only the OLT measures it.",
        acs_recommendation=(
            "Set this OLT's stats source to auto with its CLI access: the OLT then adds the "
            "fibre distance and its own optical levels."
        ),
    ),
    "ipInterface11": Need(
        True,
        "Over the OLT CLI: address, mask, gateway, DNS, MAC and VLAN only; no connection "
        "uptime, MTU or last error, which only the ONU's TR-069 reports.",
    ),
    "ipInterface21": Need(
        True,
        "Over the OLT CLI: address, mask, gateway, DNS, MAC and VLAN only; no connection "
        "uptime, MTU or last error, which only the ONU's TR-069 reports.",
    ),
    "wirelessLan": Need(
        False,
        "An OLT CLI shows at most the SSID, its state and the client count; channel, "
        "security, power and every Wi-Fi change need the ONU's TR-069.",
        _ACS + "; Wi-Fi can then be changed from this screen.",
    ),
    "wifiSurvey": Need(
        False,
        "A neighbour scan runs on the ONU's radio; an OLT CLI cannot start or read one.",
        _ACS + "; the scan can then be started from the app.",
    ),
    "lanDhcpServer": Need(
        False,
        "The LAN DHCP server is configured on the ONU itself; no OLT command reads it.",
        _ACS + "; DHCP can then be changed from this screen.",
    ),
    "lanPorts": Need(
        True,
        "Over the OLT CLI: each port's link, speed and duplex only; no admin state, modes "
        "or flow control, which only the ONU's TR-069 reports.",
    ),
    "lanCounters": Need(
        False, "Per-port traffic counters are kept by the ONU; no OLT command reads them."
    ),
    "wlanCounters": Need(
        False, "Wi-Fi traffic counters are kept by the ONU; no OLT command reads them."
    ),
    "wlanCounters5": Need(
        False, "Wi-Fi traffic counters are kept by the ONU; no OLT command reads them."
    ),
    "hosts": Need(
        True,
        "Over the OLT CLI: the MAC addresses (and VLAN) the OLT learned behind the ONU only; "
        "no IP address, hostname or port, which only the ONU's TR-069 reports.",
    ),
    "security": Need(
        False, "The ONU's access settings live on the ONU; no OLT command reads them."
    ),
    "voiceLines": Need(False, "The ONU's voice lines live on the ONU; no OLT command reads them."),
    "miscellaneous": Need(
        False, "The ONU's clock and NTP settings live on the ONU; no OLT command reads them."
    ),
    "deviceLogs": Need(False, "The ONU's own log lives on the ONU; no OLT command reads it."),
    "wirelessLan5": Need(
        False,
        "An OLT CLI shows the 2.4 GHz SSIDs at most; the 5 GHz radio needs the ONU's TR-069.",
        _ACS + "; Wi-Fi can then be changed from this screen.",
    ),
    "wifiSurvey5": Need(
        False,
        "A neighbour scan runs on the ONU's radio; an OLT CLI cannot start or read one.",
        _ACS + ".",
    ),
    "wans": Need(
        False,
        "Every WAN with its role is read from the ONU's TR-069; the OLT CLI shows two at most.",
    ),
}
assert set(NEEDS) == set(section_registry.names())

Completeness = Literal["full", "limited"]


def flags(name: str, source: str, entry: dict[str, Any] | None) -> dict[str, Any]:
    """The availability flags of section ``name`` in an answer from ``source`` (``"acs"`` or
    ``"cli"``), from the section's ``meta.sections`` entry (``None``: not asked for)."""
    need = NEEDS[name]
    status = (entry or {}).get("status", "unavailable")
    reason = (entry or {}).get("reason")
    missing = list((entry or {}).get("missing") or [])
    out: dict[str, Any]
    if source == "cli":
        given = status in ("ok", "partial")
        limited = status != "ok"
        out = {
            "available_via_cli": need.cli_serves and given,
            "data_completeness": "limited" if limited or not need.cli_serves else "full",
            "limitation": need.cli if limited or not need.cli_serves else None,
            "recommendation": need.recommendation if limited or not need.cli_serves else None,
        }
    else:
        distance_only = need.acs is not None and "distance" in missing
        unreported = status in ("unavailable", "error")
        out = {
            "available_via_cli": True,
            "data_completeness": "limited" if distance_only or unreported else "full",
            "limitation": need.acs
            if distance_only
            else ((reason or "The device did not report this section.") if unreported else None),
            "recommendation": need.acs_recommendation if distance_only else None,
        }
    if reason:
        out["reason"] = reason
    return out
