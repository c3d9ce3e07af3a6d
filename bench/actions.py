"""Benchmark 6: what a device action adds beyond the ACS's own time.

A Wi-Fi change and a ping run one after another against the GenieACS simulator in the same
process. The simulator times each of its answers (request handled to response built) and that
time is subtracted, request by request, from the action's time as the client sees it (ASGI
in process: no network). What is left is ponapi's overhead: validation, the guards (lock,
job, audit), reading and planning from the device document, the read-back comparison. The
simulator also counts the NBI round trips of each action.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

import httpx

from bench.plan import plan
from ponapi.sim.genieacs import GenieAcsSim, bundled_documents
from ponapi.sim.http import Request, Response

V5 = "HWTCA94196A5"


class TimedSim(GenieAcsSim):
    """The simulator, timing its own answers (the ACS's time, as an access log shows it):
    the time it had at least one request in hand, so two requests at once count once."""

    spent: float = 0.0
    _active: int = 0
    _since: float = 0.0

    async def handle(self, req: Request) -> Response:
        if self._active == 0:
            self._since = time.perf_counter()
        self._active += 1
        try:
            return await super().handle(req)
        finally:
            self._active -= 1
            if self._active == 0:
                self.spent += time.perf_counter() - self._since


async def bench_actions(tmp: Path) -> None:
    from bench.run import acs_olt, login, record, seeded_app

    sim = TimedSim()
    for doc in bundled_documents():
        sim.add(doc, session_delay=0.0)
    url = await sim.start()
    app, _ = await seeded_app(tmp, genieacs_url=url, action_reboot_cooldown_seconds=0)
    try:
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as c,
        ):
            h = await login(c, app, "admin")
            olt = await acs_olt(c, h, [V5])
            base = f"/api/olts/{olt}/onus/{V5}/tr069"
            bodies: dict[str, Any] = {
                "wireless-lan": lambda i: {"ssid": f"Bench-{i}"},
                "diagnostic/ping": lambda i: {"host": "192.0.2.1"},
            }
            for action, body in bodies.items():
                overheads, acs, trips = [], [], []
                for i in range(plan().action_runs):
                    sim.spent = 0.0
                    calls = len(sim.log)
                    t0 = time.perf_counter()
                    r = await c.post(f"{base}/{action}", json=body(i), headers=h)
                    total = time.perf_counter() - t0
                    assert r.status_code == 200, r.text
                    overheads.append((total - sim.spent) * 1000)
                    acs.append(sim.spent * 1000)
                    sent = sim.log[calls:]
                    beside = sum(1 for m, p in sent if m == "GET" and p.startswith("/tasks"))
                    trips.append((len(sent) - beside, beside))
                med = statistics.median(overheads)
                if action == "wireless-lan":
                    most = max(n for n, _ in trips)
                    record(
                        "6. NBI round trips in sequence for one Wi-Fi change (with its read-back)",
                        f"{most} (per change: {sorted({n for n, _ in trips})}; besides, "
                        f"{max(b for _, b in trips)} look at the changes the ACS holds for the "
                        "device, made beside the first read)",
                        "<= 3 (goal; reported, not judged: 4 is the fewest that re-read the "
                        "device on GenieACS 1.2.16, see below)",
                        most <= 3,
                        judged=False,
                        key="wifi-round-trips",
                        value=most,
                    )
                record(
                    f"6. {action} overhead beyond the ACS's own time",
                    f"median {med:.1f} ms (p90 {statistics.quantiles(overheads, n=10)[-1]:.1f} "
                    f"ms; the simulated ACS itself: {statistics.median(acs):.1f} ms)",
                    "< 5 ms",
                    med < 5,
                    key=f"action-overhead-{action}",
                    value=med,
                )
    finally:
        await sim.stop()
