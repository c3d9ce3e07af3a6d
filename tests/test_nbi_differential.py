"""The NBI scenarios of tests/nbi_scenarios.py against ponapi's GenieACS NBI simulator: it must
observe what the real GenieACS 1.2.16 observes (tests/real_acs/test_real_differential.py runs the
same scenarios against the real one)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from ponapi.sim.cpe.runner import ThreadedLoop
from ponapi.sim.genieacs import GenieAcsSim
from ponapi.tr069.document import document_from_csv
from tests.nbi_scenarios import EXPECTED, SCENARIOS, Target

ACS = Path(__file__).parent / "fixtures" / "acs"
H199A = (
    ACS / "anlix-genieacs-sim_device-C0B101-ZXHN_H199A-ZTEYH86LCN10105-2023-03-28T154022233Z.csv"
)
SERIALS = {
    "online": "ZTEG86AC1010",
    "offline": "ZTEG0000000A",
    "faulty": "ZTEG0000000B",
    "slow": "ZTEG0000000E",
}


@contextlib.contextmanager
def sim_target() -> Iterator[Target]:
    """The simulator loaded with the same H199A devices as the real-ACS suite's CPEs."""
    text = H199A.read_text(encoding="utf-8")
    sim = GenieAcsSim()
    ids = {}
    for role, serial in SERIALS.items():
        ids[role] = sim.add(document_from_csv(text.replace("ZTEYH86LCN10105", serial))).id
    loop = ThreadedLoop()
    url = loop.call(sim.start())

    def prepare(role: str, on: bool) -> None:
        device = sim.devices[ids["online" if role == "deaf" else role]]
        if role == "deaf":
            device.ignore_writes = on
        elif role == "offline":
            device.online = not on
        elif role == "faulty":
            device.fault = on
        else:
            device.start_delay = 3.0 if on else 0.0

    interval = sim.devices[ids["online"]].doc["InternetGatewayDevice"]["ManagementServer"][
        "PeriodicInformInterval"
    ]["_value"]
    try:
        yield Target(
            url,
            ids["online"],
            ids["offline"],
            ids["faulty"],
            ids["slow"],
            SERIALS["online"],
            interval,
            prepare,
        )
    finally:
        loop.call(sim.stop())
        loop.close()


@pytest.fixture(scope="module")
def target() -> Iterator[Target]:
    with sim_target() as t:
        yield t


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_the_simulator_answers_like_the_real_genieacs(target, name):
    observed = json.loads(json.dumps(SCENARIOS[name](target)))
    print(name, observed)
    assert observed == EXPECTED[name]
