"""What an OLT CLI cannot show of a section is one sentence, the section's ``limitation`` in the
section registry: the OLT CLI's answer gives it as the reason of a section it does not show, and
the app's availability flags give it as their ``limitation`` (the "requires ACS" banner)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ponapi.appwire.availability import flags
from ponapi.appwire.stats import SNAKE_NAMES
from ponapi.tr069 import sections as registry
from ponapi.tr069.fields import Section
from ponapi.tr069.spec import SectionSpec, by_root
from tests.test_olt_cli_api import make_env  # noqa: F401  (the fixture)

TOY = SectionSpec(
    "toy",
    "object",
    lambda view: {"toy": Section(None, "absent")},
    projection=by_root("InternetGatewayDevice.X_TOY"),
    limitation="A toy lives on the ONU; no OLT command reads it.",
)


@pytest.fixture
def toy():
    registry.register(TOY)
    yield
    registry.unregister("toy")


def _relabel(sentence: str) -> None:
    """The toy's limitation changed in the registry (registered again with the new sentence)."""
    registry.unregister("toy")
    registry.register(replace(TOY, limitation=sentence))


@pytest.mark.parametrize("brand", ["huawei", "zte"])
async def test_a_sections_limitation_in_the_registry_is_the_cli_reason_and_the_app_flag(
    toy,
    make_env,  # noqa: F811
    brand,
):
    env = await make_env(brand, "ssh")
    first, second = env.sim.onus[:2]
    for onu, sentence in ((first, TOY.limitation), (second, "Toys are read over TR-069 only.")):
        if sentence != TOY.limitation:
            _relabel(sentence)
        r = await env.stats(onu.serial.dashed)
        assert r.status_code == 200, r.text
        entry = r.json()["meta"]["sections"]["toy"]
        # The OLT CLI's screen: the section it does not show, with the registry's sentence.
        assert entry["status"] == "unavailable" and entry["reason"] == sentence
        # The app's flags for it: it needs the ACS, and the banner says why in the same words.
        got = flags("toy", "cli", entry)
        assert got["available_via_cli"] is False and got["data_completeness"] == "limited"
        assert got["limitation"] == sentence and "ACS" in got["recommendation"]


async def test_every_sections_cli_sentence_is_its_registry_limitation(make_env):  # noqa: F811
    env = await make_env("huawei", "ssh")
    u = env.sim.onus[2]
    r = await env.stats(u.serial.dashed)
    meta = r.json()["meta"]["sections"]
    app = await env.client.get(
        f"/api/olts/realtime/{env.olt_id}/onus/{u.serial.dashed}/tr069-stats",
        headers={"Content-Type": "application/json", **env.headers},
    )
    availability = app.json()["data"]["availability"]
    unavailable = [name for name, entry in meta.items() if entry["status"] == "unavailable"]
    assert "wifiSurvey" in unavailable and "security" in unavailable
    for name in unavailable:
        assert meta[name]["reason"] == registry.spec(name).limitation, name
    for name, entry in meta.items():
        flags_of = availability[SNAKE_NAMES[name]]
        if entry["status"] != "ok":  # every section this CLI gives only in part, or not at all
            assert flags_of["limitation"] == registry.spec(name).limitation, name
