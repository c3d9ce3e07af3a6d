"""The OLT simulators: their output byte for byte, their layout, their public names."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.olt_sim_scenarios import SCENARIOS, Scenario, transcript

FIXTURES = Path(__file__).parent / "fixtures" / "sim_olt"
SIM = Path(__file__).parents[1] / "ponapi" / "sim"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
async def test_the_simulators_write_exactly_the_recorded_transcript(scenario: Scenario) -> None:
    """Every command, error, mode, pager and fault of both vendors' CLIs, as the bytes the
    parsers were written against (tests/fixtures/cli). To record a deliberate change:
    UPDATE_SIM_TRANSCRIPTS=1 pytest tests/test_olt_sim.py, then review the diff."""
    from ponapi.sim.olt.shell import Io

    got = await transcript(scenario, Io)
    path = FIXTURES / f"{scenario.name}.txt"
    if os.environ.get("UPDATE_SIM_TRANSCRIPTS"):
        path.write_bytes(got)
    assert got == path.read_bytes()


def test_the_scenarios_reach_every_command_and_answer() -> None:
    """The recorded transcripts are worth comparing only if they cover the simulators' paths."""
    huawei = (FIXTURES / "huawei-ma5800.txt").read_text("latin-1")
    for expected in (
        "Username or password invalid.",
        "{ <cr>||<K> }:",
        "---- More ( Press 'Q' to break ) ----",
        "ALARM NAME",
        "Failure: The ONT does not exist",
        "Failure: The ONT is not online",
        "Failure: The board does not support GPON",
        "% Unknown command",
        "% Parameter error",
        "Control flag            : deactive",
        "Rx optical power(dBm)",
        "LinkState",
        "Are you sure to reset the ONT(s)? (y/n)[n]:",
        "Are you sure to log out? (y/n)[n]:",
        "OLT-A(config-if-gpon-0/2)#",
    ):
        assert expected in huawei, expected
    for name in ("zte-c320", "zte-c600"):
        zte = (FIXTURES / f"{name}.txt").read_text("latin-1")
        for expected in (
            "%Error 20209: Bad password or username.",
            " --More--",
            "%Code 32310-GPONSRV",
            "%Code 62311-GPONSRV : The ONU is offline.",
            "%Error 20201: Invalid keyword",
            "%Error 20200: Invalid command",
            "Admin state:         disable",
            "Confirm to reboot the ONU? [yes/no]:",
            "(config-if)#",
            "(gpon-onu-mng)#",
            "Attenuation",
            "Total mac address : 0",
        ):
            assert expected in zte, (name, expected)
    assert "gpon_onu-1/1/0:1" in (FIXTURES / "zte-c600.txt").read_text("latin-1")
    assert "Welcome to ZXAN product C650" in (FIXTURES / "zte-c650.txt").read_text("latin-1")


def test_no_simulator_module_is_longer_than_600_lines() -> None:
    sizes = {
        str(path.relative_to(SIM)): len(path.read_text().splitlines()) for path in SIM.rglob("*.py")
    }
    assert sizes  # the walk found the simulators
    assert {name: n for name, n in sizes.items() if n > 600} == {}


def test_the_simulators_public_names_stay_importable_from_ponapi_sim_olt() -> None:
    from ponapi.sim import olt

    for name in ("OltSim", "SimOnu", "SimWan", "demo_onus"):
        assert hasattr(olt, name), name
    sim = olt.OltSim(brand="zte", model="C600", onus=olt.demo_onus("zte", 2))
    assert sim.onu_by_serial(sim.onus[1].serial.canonical) is sim.onus[1]
