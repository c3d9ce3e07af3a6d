"""Benchmark 4: the OLT CLI through ponapi's kept sessions against a login-per-request client
(netmiko-style), on a simulated MA5800 with slow logins and commands."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

from bench.plan import plan
from ponapi.olt.platforms.runner import Command, InMode
from ponapi.sim.olt import OltSim, demo_onus


def cli_bound(
    login: float, command: float, prepare: int, per_read: int, requests: int, onus: int, limit: int
) -> float:
    """The most that one kept session can gain over login-per-request at the OLT's settings.
    Every command (terminal preparation, reads) costs ``command`` seconds on the OLT.
    Login-per-request, ``limit`` at a time: ceil(requests / limit) rounds of a login, the
    preparation and one read (``quit`` is sent without waiting for an answer). One kept
    session: one login and preparation, then each distinct ONU read once (concurrent requests
    for one ONU share the read), one command at a time."""
    rounds = -(-requests // limit)
    baseline = rounds * (login + (prepare + per_read) * command)
    pooled = login + prepare * command + onus * per_read * command
    return baseline / pooled


def sent_lines(commands: Sequence[Command]) -> list[str]:
    """The lines a login-per-request client sends for a platform's read: plain commands as
    they are, a mode block as its entry lines, its commands, and one leave per level entered."""
    lines: list[str] = []
    for command in commands:
        if isinstance(command, InMode):
            lines += [*command.enter, *command.commands, *[command.leave] * len(command.enter)]
        else:
            lines.append(command)
    return lines


async def read_per_login(target: Any, loc: Any) -> list[str]:
    """One read as a login-per-request client does it (netmiko-style): log in, prepare the
    terminal, send the platform's read line by line, log out. Returns each line's output."""
    from ponapi.olt.platforms import platform_for
    from ponapi.olt.session import CliSession

    driver = platform_for(target.brand)
    session = CliSession(target, driver.dialect, login_timeout=30, command_timeout=30)
    await session.open()
    try:
        return [await session.run(line) for line in sent_lines(driver.read(loc))]
    finally:
        await session.quit()


# --- 4. OLT CLI: pooled sessions against login-per-request --------------------------------


async def bench_cli(tmp: Path) -> None:
    from bench.run import login, record, register_olt, seeded_app
    from ponapi.olt.location import Location
    from ponapi.olt.platforms import platform_for as driver_for
    from ponapi.olt.platforms.huawei import DIALECT as HUAWEI
    from ponapi.olt.session import Target

    login_delay, command_delay, onus, limit = plan().cli_login, plan().cli_command, 20, 4

    def make_sim() -> OltSim:
        return OltSim(
            brand="huawei",
            password="pw",
            onus=demo_onus("huawei", onus),
            login_delay=login_delay,
            command_delay=command_delay,
            max_sessions=limit,
        )

    requests = [i % 20 for i in range(100)]
    # Baseline: every request logs in, prepares the terminal, reads, logs out (netmiko-style),
    # as many at once as the OLT user's login limit allows (4).
    sim = make_sim()
    port = await sim.start_ssh()
    target = Target("127.0.0.1", port, "ssh", "noc", "pw", "huawei")
    driver = driver_for("huawei")
    gate = asyncio.Semaphore(sim.max_sessions)

    durations: list[float] = []

    async def one(i: int) -> None:
        u = sim.onus[i]
        async with gate:
            started = time.perf_counter()
            await read_per_login(target, Location(u.frame, u.slot, u.port, u.ont_id))
            durations.append(time.perf_counter() - started)

    t0 = time.perf_counter()
    await asyncio.gather(*(one(i) for i in requests))
    baseline = time.perf_counter() - t0
    baseline_logins = sim.logins
    await sim.stop()

    sim = make_sim()
    port = await sim.start_ssh()
    app, _ = await seeded_app(tmp, request_budget_seconds=120.0)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://b", timeout=200
        ) as c,
    ):
        h = await login(c, app, "admin")
        olt = await register_olt(c, h, port=port, username="noc", password="pw", statsSource="cli")
        for u in sim.onus:
            await c.post(
                f"/api/olts/{olt}/onus",
                headers=h,
                json={
                    "serial": u.serial.canonical,
                    "frame": u.frame,
                    "slot": u.slot,
                    "port": u.port,
                    "ontId": u.ont_id,
                },
            )
        t0 = time.perf_counter()
        rs = await asyncio.gather(
            *(
                c.get(f"/api/olts/{olt}/onus/{sim.onus[i].serial.canonical}/tr069-stats", headers=h)
                for i in requests
            )
        )
        pooled = time.perf_counter() - t0
    assert all(r.status_code == 200 for r in rs), [r.text for r in rs if r.status_code != 200]
    await sim.stop()
    ratio = baseline / pooled
    one_at_a_time = sum(durations)
    per_read = len(sent_lines(driver.read(Location(0, 0, 0, 0))))
    bound = cli_bound(
        login_delay,
        command_delay,
        len(HUAWEI.on_open),
        per_read,
        len(requests),
        len(set(requests)),
        limit,
    )
    record(
        f"4. OLT CLI, 100 requests over 20 ONUs ({login_delay:g} s login, {command_delay:g} "
        "s/command, 4 logins at most)",
        f"pooled {pooled:.1f} s with {sim.logins} login vs login-per-request "
        f"{baseline:.1f} s with {baseline_logins} logins, 4 at a time = {ratio:.2f}x less wall "
        f"time, {ratio / bound:.2f} of the {bound:.2f}x these settings allow (a "
        f"login-per-request client doing one request at a time: "
        f"{one_at_a_time:.0f} s, {one_at_a_time / pooled:.0f}x)",
        f">= 0.9 of the bound ({0.9 * bound:.2f}x), 1 login",
        ratio >= 0.9 * bound and sim.logins == 1,
        key="olt-cli-bound",
        value=ratio / bound,
        better="higher",
    )
