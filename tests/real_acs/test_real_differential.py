"""The NBI scenarios of tests/nbi_scenarios.py against the real GenieACS 1.2.16 (the simulator
half is tests/test_nbi_differential.py)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tests.nbi_scenarios import EXPECTED, SCENARIOS, Target
from tests.real_acs.conftest import FAULTY, H199A, OFFLINE, SLOW, World

pytestmark = pytest.mark.real_acs


def clear_tasks(world: World, device_id: str) -> None:
    """Drop the device's leftover tasks (and their faults), as an operator would."""
    for task in world.acs.pending_tasks(device_id):
        httpx.delete(f"{world.acs.nbi}/tasks/{quote(task['_id'], safe='')}", timeout=30)


@pytest.fixture(scope="module")
def target(world: World) -> Target:
    cpes = {"offline": world.cpe(OFFLINE), "faulty": world.cpe(FAULTY), "slow": world.cpe(SLOW)}

    online = world.cpe(H199A)
    handle = online.rpc.handle

    def deaf(method: str, req: Any) -> Any:
        """Answer a SetParameterValues as done, keep every value as it was."""
        if method != "SetParameterValues":
            return handle(method, req)
        kept = {name: p.value for name, p in online.model.params.items()}
        answer = handle(method, req)
        for name, value in kept.items():
            if online.model.params[name].value != value:
                online.model.update(name, value=value)
        return answer

    def prepare(role: str, on: bool) -> None:
        if role == "deaf":
            online.rpc.handle = deaf if on else handle  # type: ignore[method-assign]
            return
        cpe = cpes[role]
        if role == "offline":
            world.loop.call(cpe.set_online(not on))
        elif role == "faulty":
            if on:
                cpe.knobs.faults["GetParameterValues"] = 9002
            else:
                cpe.knobs.faults.clear()
                clear_tasks(world, cpe.device_id)
        else:
            cpe.knobs.start_delay = 3.0 if on else 0.0

    interval = int(online.model.get("ManagementServer.PeriodicInformInterval"))
    return Target(
        world.acs.nbi,
        online.device_id,
        cpes["offline"].device_id,
        cpes["faulty"].device_id,
        cpes["slow"].device_id,
        online.model.serial,
        interval,
        prepare,
    )


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_the_real_genieacs_answers_as_recorded(target, name):
    observed = json.loads(json.dumps(SCENARIOS[name](target)))
    print("OBSERVED", json.dumps({name: observed}))
    assert observed == EXPECTED[name]
