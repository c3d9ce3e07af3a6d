"""Whole-device actions through the ACS: reboot, factory reset, resync; and how to tell that
the device went down and came back.

GenieACS answers a ``reboot`` / ``factoryReset`` task with 200 once the RPC's response came back
and the session ended; the reboot happens afterwards. The device has come back when its
document shows a ``1 BOOT`` inform (``_lastBoot``) after the request, and after a factory reset
a ``0 BOOTSTRAP`` (``_lastBootstrap``): TR-069 requires BOOTSTRAP on the first contact after a
factory reset, and GenieACS's default bootstrap provision then clears and re-reads its cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ponapi.actions import tasks as t
from ponapi.actions.locate import Device
from ponapi.tr069.document import parse_time


def plan_reboot(raw: dict[str, Any]) -> t.Plan:
    Device(raw)  # refuses a document without a TR-098/TR-181 tree
    return t.Plan(tasks=[t.reboot()], target={"event": "1 BOOT"})


def plan_factory_reset(raw: dict[str, Any]) -> t.Plan:
    Device(raw)
    return t.Plan(tasks=[t.factory_reset()], target={"event": "0 BOOTSTRAP"})


def plan_resync(raw: dict[str, Any]) -> t.Plan:
    """A full re-read of the device's tree into the ACS. Posting it with a connection request
    opens a session, which also re-runs every preset (the provisions) for the device."""
    dev = Device(raw)
    return t.Plan(tasks=[t.refresh(dev.root)], readback=[dev.root], target={"object": dev.root})


@dataclass(frozen=True)
class Comeback:
    back: bool
    at: datetime | None


def came_back(raw: dict[str, Any], requested_at: datetime, *, bootstrap: bool = False) -> Comeback:
    """Whether the device informed with ``1 BOOT`` (or ``0 BOOTSTRAP``) after ``requested_at``."""
    stamp = parse_time(raw.get("_lastBootstrap" if bootstrap else "_lastBoot"))
    if stamp is not None and stamp >= requested_at:
        return Comeback(True, stamp)
    return Comeback(False, None)


def new_session(
    before: dict[str, Any], after: dict[str, Any], requested_at: datetime
) -> datetime | None:
    """When the device's session after ``requested_at`` informed (``_lastInform`` advanced past
    its value before the request), or None: GenieACS runs the provisions of every preset in
    each session, so a new session is the sign they ran again."""
    old = parse_time(before.get("_lastInform"))
    new = parse_time(after.get("_lastInform"))
    if new is None or new < requested_at or (old is not None and new <= old):
        return None
    return new
