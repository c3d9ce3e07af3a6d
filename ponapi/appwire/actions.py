"""Action answers in the app's wire format: pure renderers of the answers the contract's action
routes already give (docs/contract/actions.md), nothing run twice.

``render_action(action, answer, now)`` takes the contract's success answer of one action, a
``200`` (``data`` is the result, ``meta.jobId`` its job) or a ``202`` (``data`` is the job,
still running), and returns ``{success, message, data}`` (factory reset adds ``warning``).
A diagnostic's ``success`` is true only when its result is complete (see ``DIAGNOSTICS``).
Every ``data`` has ``task_id``, ``status`` and ``applied_at``; each action adds the keys the
app prints (see ``_RESULTS``). Numbers stay numbers; a value the device did not report is
``null``, never a made-up figure.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from ponapi.appwire.stats import render_section

# The actions and the sentence that says each one's outcome.
ACTIONS = (
    "wireless-lan",
    "lan-dhcp",
    "diagnostic/ping",
    "diagnostic/traceroute",
    "diagnostic/speedtest",
    "reboot",
    "resync-config",
    "factory-reset",
    "disable",
    "enable",
)
_NAMES = {
    "wireless-lan": "The Wi-Fi settings",
    "lan-dhcp": "The LAN DHCP settings",
    "diagnostic/ping": "The ping",
    "diagnostic/traceroute": "The traceroute",
    "diagnostic/speedtest": "The speed test",
    "reboot": "The reboot",
    "resync-config": "The configuration resync",
    "factory-reset": "The factory reset",
    "disable": "Disabling the ONU",
    "enable": "Enabling the ONU",
}
# How long an ONU is typically away (its boot): the app's spec's figures, used until the
# device is seen back (then the measured time is given).
REBOOT_DOWNTIME_SECONDS = 60
FACTORY_RESET_DOWNTIME_SECONDS = 120
FACTORY_RESET_WARNING = (
    "The ONU loses every setting made on it (Wi-Fi, DHCP, passwords) and comes back with its "
    "factory configuration and what the ACS provisions."
)
# Statuses under which something was done, and when it was.
_DONE = frozenset({"applied", "complete", "sent"})
# The diagnostics whose numbers the app prints (it calls ``.toFixed`` on the speed): their
# ``success`` is true only with a complete result, so that a success never lacks its numbers;
# queued, running or failed, ``success`` is false and ``message`` says why (the app shows it).
DIAGNOSTICS = frozenset({"diagnostic/ping", "diagnostic/traceroute", "diagnostic/speedtest"})


def stamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(text: Any) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _ping(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "host": r.get("host"),
        "success_count": r.get("successCount"),
        "failure_count": r.get("failureCount"),
        "average_response_time": r.get("averageResponseTime"),
        "min_response_time": r.get("minResponseTime"),
        "max_response_time": r.get("maxResponseTime"),
    }


def _traceroute(r: dict[str, Any]) -> dict[str, Any]:
    hops = [
        {
            "hop_number": h.get("hopNumber"),
            "host": h.get("host") or h.get("address") or "",
            "address": h.get("address", ""),
            "response_time": h.get("responseTime"),
            "error_code": h.get("errorCode"),
        }
        for h in r.get("hops") or []
    ]
    return {"host": r.get("host"), "response_time": r.get("responseTime"), "hops": hops}


def _speedtest(r: dict[str, Any]) -> dict[str, Any]:
    # TR-143 has no jitter: jitter_ms is always null. latency_ms is the TCP open time, when
    # the device reports it.
    return {
        "download_mbps": r.get("downloadMbps"),
        "upload_mbps": r.get("uploadMbps"),
        "latency_ms": r.get("latencyMs"),
        "jitter_ms": None,
        "test_duration_seconds": r.get("testDurationSeconds"),
        "test_bytes": r.get("testBytes"),
        "total_bytes": r.get("totalBytes"),
    }


def _downtime(r: dict[str, Any], typical: int) -> dict[str, Any]:
    down, back = _parse(r.get("wentDownAt")), _parse(r.get("cameBackAt"))
    measured = int((back - down).total_seconds()) if down and back and back >= down else None
    out: dict[str, Any] = {
        "via": r.get("via"),
        "went_down_at": r.get("wentDownAt"),
        "came_back": r.get("cameBack"),
        "came_back_at": r.get("cameBackAt"),
        "estimated_downtime_seconds": measured if measured is not None else typical,
    }
    if "bootstrapped" in r:
        out["bootstrapped"] = r["bootstrapped"]
    return out


def _reboot(r: dict[str, Any]) -> dict[str, Any]:
    return _downtime(r, REBOOT_DOWNTIME_SECONDS)


def _factory_reset(r: dict[str, Any]) -> dict[str, Any]:
    return {**_downtime(r, FACTORY_RESET_DOWNTIME_SECONDS), "warning": FACTORY_RESET_WARNING}


def _admin_state(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "via": r.get("via"),
        "previous_state": r.get("previousState"),
        "new_state": r.get("newState"),
    }


def _wifi(r: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"skipped": r.get("skipped") or {}}
    if isinstance(r.get("wirelessLan"), dict):
        out["wireless_lan"] = render_section("wirelessLan", r["wirelessLan"])
    # False: the ONU reads its passphrase back empty, so it could not be verified.
    out["password_verified"] = r.get("passwordVerified")
    return out


def _dhcp(r: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"skipped": r.get("skipped") or {}}
    section = r.get("lanDhcpServer")
    if isinstance(section, dict):  # the stats section as read back, and the keys the app sent
        shown = render_section("lanDhcpServer", section)
        out["lan_dhcp_server"] = {
            **shown,
            "dhcp_server_enable": shown.get("dhcp_enabled"),
            "start_address": shown.get("dhcp_min_addr", ""),
            "end_address": shown.get("dhcp_max_addr", ""),
            "subnet_mask": shown.get("dhcp_subnet_mask", ""),
            "dns_servers": shown.get("dhcp_dns_servers", ""),
            "lease_time": shown.get("lease_time_sec"),
        }
    return out


def _resync(r: dict[str, Any]) -> dict[str, Any]:
    out = {"reread": r.get("reread"), "provisions_reapplied": r.get("provisionsReapplied")}
    if r.get("provisionsReason"):
        out["provisions_reason"] = r["provisionsReason"]
    return out


# Each action's own keys, from its result (whatever its status: a key the result lacks is null).
_RESULTS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "wireless-lan": _wifi,
    "lan-dhcp": _dhcp,
    "diagnostic/ping": _ping,
    "diagnostic/traceroute": _traceroute,
    "diagnostic/speedtest": _speedtest,
    "reboot": _reboot,
    "resync-config": _resync,
    "factory-reset": _factory_reset,
    "disable": _admin_state,
    "enable": _admin_state,
}
assert set(_RESULTS) == set(ACTIONS) == set(_NAMES)


def _applied_at(result: dict[str, Any], status: str, now: datetime) -> str | None:
    """When it was done: the result's own time (the device came back, the resync ended, the
    test ran), else the answer's time; ``None`` when nothing was done yet."""
    if status not in _DONE:
        return None
    for key in ("cameBackAt", "completedAt", "requestedAt"):
        if isinstance(result.get(key), str):
            return str(result[key])
    return stamp(now)


def _message(action: str, status: str, result: dict[str, Any]) -> str:
    name = _NAMES[action]
    if status == "queued":
        reason = result.get("reason") or "the device did not answer"
        return (
            f"{name}: queued ({reason}); the ACS applies it at the device's next session. "
            "Cancel it with its task_id."
        )
    if status == "error":
        state = result.get("diagnosticsState", "an error")
        why = f" ({result['reason']})" if result.get("reason") else ""
        return f"{name} ended in {state} on the device{why}."
    if status == "unchanged":
        return f"{name}: nothing to change, the ONU already had it so."
    if status == "sent":
        return f"{name} was sent; the ONU had not come back when this answer was given."
    if status == "running":
        return f"{name} is still running; its task_id is the job to follow (GET /api/jobs/{{id}})."
    if status == "in-progress":
        return (
            f"{name} is in progress on the ONU (ACS task {result.get('taskId')}): its session "
            "outlasted the ACS's wait. Its task_id is the job to follow (GET /api/jobs/{id})."
        )
    if action == "resync-config" and status == "applied" and not result.get("provisionsReapplied"):
        return "The ONU's configuration was read again; the ACS shows no new session of it."
    done = _DONE_MESSAGES.get(action, {}).get(status, f"{name}: {status}.")
    if result.get("passwordVerified") is False:
        done = done[:-1] + (
            "; the ONU does not reveal its passphrase, so the new one could not be verified."
        )
    return done


_DONE_MESSAGES: dict[str, dict[str, str]] = {
    "wireless-lan": {"applied": "The Wi-Fi settings were applied and read back from the ONU."},
    "lan-dhcp": {"applied": "The LAN DHCP settings were applied and read back from the ONU."},
    "diagnostic/ping": {"complete": "The ping completed."},
    "diagnostic/traceroute": {"complete": "The traceroute completed."},
    "diagnostic/speedtest": {"complete": "The speed test completed."},
    "reboot": {"applied": "The ONU rebooted and came back."},
    "factory-reset": {"applied": "The ONU was reset to its factory settings and came back."},
    "resync-config": {
        "applied": "The ONU's configuration was read again and its provisions re-applied."
    },
    "disable": {"applied": "The ONU is disabled on the OLT."},
    "enable": {"applied": "The ONU is enabled on the OLT."},
}


def render_action(
    action: str, answer: dict[str, Any], now: datetime | None = None
) -> dict[str, Any]:
    """The contract's success answer of ``action`` (a ``200`` with its result, or a ``202``
    with its job) in the app's format."""
    now = now or datetime.now(UTC)
    meta = answer.get("meta") or {}
    payload = answer.get("data") or {}
    if "location" in meta:  # 202: the job is still running
        found = payload.get("result")
        partial: dict[str, Any] = found if isinstance(found, dict) else {}
        running = "in-progress" if partial.get("status") == "in-progress" else "running"
        data: dict[str, Any] = {
            "task_id": payload.get("id"),
            "job_id": payload.get("id"),
            "status": running,
            "applied_at": None,
            **_RESULTS[action]({}),
        }
        if running == "in-progress":  # the ACS task the device's session is running
            data.update(acs_task_id=partial.get("taskId"), reason=partial.get("reason"))
        body: dict[str, Any] = {
            "success": action not in DIAGNOSTICS,
            "message": _message(action, running, partial),
            "data": data,
        }
    else:
        status = str(payload.get("status", ""))
        task = payload.get("taskId") if status == "queued" else None
        data = {
            "task_id": task or meta.get("jobId"),
            "job_id": meta.get("jobId"),
            "status": status,
            "applied_at": _applied_at(payload, status, now),
            **_RESULTS[action](payload),
        }
        if status == "queued":
            data.update(reason=payload.get("reason"), note=payload.get("note"))
        for held in ("cancelled", "superseded"):  # changes the ACS held, deleted
            if isinstance(payload.get(held), list):
                data[held] = [
                    {
                        "task_id": x.get("taskId"),
                        "name": x.get("name"),
                        "queued_at": x.get("queuedAt"),
                    }
                    for x in payload[held]
                    if isinstance(x, dict)
                ]
        if status == "error":
            data.update(
                diagnostics_state=payload.get("diagnosticsState"), reason=payload.get("reason")
            )
        done = status == "complete" if action in DIAGNOSTICS else True
        body = {"success": done, "message": _message(action, status, payload), "data": data}
    if action == "factory-reset":  # the app's spec has it beside data too
        body["warning"] = FACTORY_RESET_WARNING
    return body


__all__ = [
    "ACTIONS",
    "DIAGNOSTICS",
    "FACTORY_RESET_DOWNTIME_SECONDS",
    "FACTORY_RESET_WARNING",
    "REBOOT_DOWNTIME_SECONDS",
    "render_action",
]
