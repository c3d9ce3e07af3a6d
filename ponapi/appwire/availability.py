"""What each section of the TR-069 screen needs of its source, in one table keyed by the
contract's (camelCase) section name: whether an OLT CLI can serve what the screen does with it
and what would give what it cannot (the ``recommendation``). Why an OLT CLI cannot (the
``limitation`` the app shows in its "requires ACS" banner) is the section's own sentence in the
registry (``SectionSpec.limitation``), the one the OLT CLI's answer gives as its reason.

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
    """What the app's screen needs of one section: ``cli_serves`` (an OLT CLI can serve what
    the screen does with it), ``recommendation`` (what would give what the CLI cannot), and for
    reads through the ACS, what TR-069 itself lacks and what would add it. What an OLT CLI
    cannot give is the section's ``limitation`` in the registry (``ponapi.tr069.sections``)."""

    cli_serves: bool
    recommendation: str = _ACS + "."
    acs: str | None = None
    acs_recommendation: str | None = None


_WIFI = _ACS + "; Wi-Fi can then be changed from this screen."
NEEDS: dict[str, Need] = {
    "general": Need(
        True,
        acs="TR-069 has no fibre distance: only the OLT measures it.",
        acs_recommendation=(
            "Set this OLT's stats source to auto with its CLI access: the OLT then adds the "
            "fibre distance and its own optical levels."
        ),
    ),
    "ipInterface11": Need(True),
    "ipInterface21": Need(True),
    "wirelessLan": Need(False, _WIFI),
    "wifiSurvey": Need(False, _ACS + "; the scan can then be started from the app."),
    "lanDhcpServer": Need(False, _ACS + "; DHCP can then be changed from this screen."),
    "lanPorts": Need(True),
    "lanCounters": Need(False),
    "wlanCounters": Need(False),
    "wlanCounters5": Need(False),
    "hosts": Need(True),
    "security": Need(False),
    "voiceLines": Need(False),
    "miscellaneous": Need(False),
    "deviceLogs": Need(False),
    "wirelessLan5": Need(False, _WIFI),
    "wifiSurvey5": Need(False),
    "wans": Need(False),
}
# A section the app's screen does not know (registered after it was written): an OLT CLI does
# not serve it there.
_UNKNOWN = Need(False)

Completeness = Literal["full", "limited"]


def flags(name: str, source: str, entry: dict[str, Any] | None) -> dict[str, Any]:
    """The availability flags of section ``name`` in an answer from ``source`` (``"acs"`` or
    ``"cli"``), from the section's ``meta.sections`` entry (``None``: not asked for)."""
    need = NEEDS.get(name, _UNKNOWN)
    cli = section_registry.spec(name).limitation
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
            "limitation": cli if limited or not need.cli_serves else None,
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
