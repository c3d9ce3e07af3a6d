"""``voiceLines[]``: TR-104 (Issue 1) ``Services.VoiceService.{v}.VoiceProfile.{p}.Line.{l}``.

The line gives ``number`` (``DirectoryNumber``), ``enable`` (the TR-104 string ``Enabled`` /
``Disabled`` / ``Quiescent``), ``userName`` (``SIP.AuthUserName``), ``status``, ``port``
(``PhyReferenceList``) and ``callState``; its profile gives ``dtmfTm`` (``DTMFMethod``),
``faxT38`` (``FaxT38.Enable``), ``t38Bitrate`` (``FaxT38.BitRate``), ``sipDscp`` and ``rtpDscp``.
TP-Link TR-181 firmwares keep the lines under ``X_TP_Services.VoiceService`` (the standard tree
has only the profile): the first tree that has lines is read. ``id`` is ``<profile>.<line>``.
"""

from __future__ import annotations

from ponapi import display as fmt
from ponapi.tr069 import kit
from ponapi.tr069.areas.base import DeviceView
from ponapi.tr069.document import DeviceDocument
from ponapi.tr069.fields import Fields, Section
from ponapi.tr069.kit import AnySection
from ponapi.tr069.spec import SectionSpec, by_root

FIELDS = (
    "profile",
    "number",
    "enable",
    "userName",
    "status",
    "port",
    "callState",
    "dtmfTm",
    "faxT38",
    "t38Bitrate",
    "sipDscp",
    "rtpDscp",
)
TREES = ("Services.VoiceService", "X_TP_Services.VoiceService", "X_TP_Services.X_TP_VoiceService")
PROJECTION = (
    "InternetGatewayDevice.Services.VoiceService",
    "Device.Services.VoiceService",
    "Device.X_TP_Services.VoiceService",
    "Device.X_TP_Services.X_TP_VoiceService",
)


def _line_enable(value: object) -> str | None:
    if isinstance(value, bool):
        return "Enabled" if value else "Disabled"
    return kit.text(value)


def _lines(doc: DeviceDocument, tree: str) -> list[tuple[str, str, str]]:
    """``(profile index, profile path, line path)`` of every line of a voice tree."""
    found = []
    for v in doc.instances(tree):
        profiles = f"{tree}.{v}.VoiceProfile"
        for p in doc.instances(profiles):
            for line in doc.instances(f"{profiles}.{p}.Line"):
                found.append((p, f"{profiles}.{p}", f"{profiles}.{p}.Line.{line}"))
    return found


def _has_state(doc: DeviceDocument, line: str) -> bool:
    return doc.get(f"{line}.Status") is not None or doc.get(f"{line}.Enable") is not None


def voice_lines(doc: DeviceDocument) -> kit.Rows:
    root = kit.root_of(doc)
    if not root:
        return kit.absent_rows()
    trees = [f"{root}.{t}" for t in TREES if doc.node(f"{root}.{t}") is not None]
    if not trees:
        return kit.absent_rows()  # no VoiceService: a model without VoIP
    # TP-Link's standard tree lists a line with only its calling features; the tree whose
    # lines report a state wins, else the first with lines.
    candidates = [found for found in (_lines(doc, t) for t in trees) if found]
    lines = next(
        (c for c in candidates if any(_has_state(doc, line) for _, _, line in c)),
        candidates[0] if candidates else [],
    )
    items: list[tuple[str, Section]] = []
    for p, profile, line in lines:
        items.append((f"{p}.{line.rsplit('.', 1)[-1]}", _line(doc, p, profile, line)))
    return kit.rows(items)


def _line(doc: DeviceDocument, p: str, profile: str, line: str) -> Section:
    f = Fields(doc, FIELDS)
    name = f.read(f"{profile}.Name")
    f.put("profile", (kit.text(name.value) if name else None) or p)
    f.put_from("number", f.read(f"{line}.DirectoryNumber"), kit.text)
    f.put_from("enable", f.read(f"{line}.Enable"), _line_enable)
    f.put_from("userName", f.read(f"{line}.SIP.AuthUserName"), kit.text)
    f.put_from("status", f.read(f"{line}.Status"), kit.text)
    f.put_from("port", f.read(f"{line}.PhyReferenceList"), kit.text)
    f.put_from("callState", f.read(f"{line}.CallState"), kit.text)
    f.put_from("dtmfTm", f.read(f"{profile}.DTMFMethod"), kit.text)
    f.put_from("faxT38", f.read(f"{profile}.FaxT38.Enable"), kit.enabled)
    f.put_from("t38Bitrate", f.read(f"{profile}.FaxT38.BitRate"), lambda v: kit.text(fmt.to_int(v)))
    f.put_from("sipDscp", f.read(f"{profile}.SIP.DSCPMark"), lambda v: kit.text(fmt.to_int(v)))
    f.put_from("rtpDscp", f.read(f"{profile}.RTP.DSCPMark"), lambda v: kit.text(fmt.to_int(v)))
    return f.finish()


def build(m: DeviceView) -> dict[str, AnySection]:
    return {"voiceLines": voice_lines(m.doc)}


VOICE_LINES = SectionSpec(
    "voiceLines",
    "list",
    build,
    projection=by_root(*PROJECTION),
    limitation="The ONU's voice lines live on the ONU; no OLT command reads them.",
)
