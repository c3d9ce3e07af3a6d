"""Cached stats answers: rendered once per stored entry, an ETag on every answer, 304 for a
copy that is current (both the contract's and the app's route), a new ETag once the entry
changes, sealed renderings for roles that see secrets, and the same bytes as a fresh render."""

from __future__ import annotations

import zlib
from datetime import timedelta

import pytest

from ponapi.serials import parse_serial
from ponapi.stats import answers as answers_module
from tests.conftest import make_settings
from tests.test_tr069_api import V5, env  # noqa: F401 - the fixture

PSK = "clave-secreta"


def contract_url(env, serial=V5):  # noqa: F811
    return f"/api/olts/{env.olt_id}/onus/{serial}/tr069-stats"


def app_url(env, serial=V5):  # noqa: F811
    return f"/api/olts/realtime/{env.olt_id}/onus/{serial}/tr069-stats"


async def get(env, url, role="admin", etag=None, **params):  # noqa: F811
    headers = dict(env.headers[role])
    if etag is not None:
        headers["If-None-Match"] = etag
    return await env.client.get(url, headers=headers, params=params)


def _cached(body):
    """``cached`` of either wire format (the contract's ``meta``, the app's top level)."""
    return body.get("meta", {}).get("cached", body.get("cached"))


def with_psk(env) -> None:  # noqa: F811
    dev = env.sim.device_by_serial("48575443A94196A5")
    wlc = dev.doc["InternetGatewayDevice"]["LANDevice"]["1"]["WLANConfiguration"]["1"]
    wlc["PreSharedKey"] = {
        "1": {"PreSharedKey": {"_value": PSK, "_type": "xsd:string", "_timestamp": "2023-03-28"}}
    }


@pytest.mark.parametrize("route", [contract_url, app_url])
async def test_an_etag_on_every_answer_and_304_for_a_current_copy(env, route):  # noqa: F811
    url = route(env)
    cold = await get(env, url)
    assert cold.status_code == 200 and cold.headers["etag"].startswith('W/"')
    assert cold.headers["cache-control"] == "private, no-cache"
    assert _cached(cold.json()) is False
    # The cold answer's tag names the entry it stored: revalidating it costs headers only.
    revalidated = await get(env, url, etag=cold.headers["etag"])
    assert revalidated.status_code == 304 and revalidated.content == b""
    first, second = await get(env, url), await get(env, url)
    assert first.status_code == second.status_code == 200
    etag = first.headers["etag"]
    assert second.headers["etag"] == etag == cold.headers["etag"]  # weak: same data
    assert _cached(first.json()) is True
    assert _timeless(second.json()) == _timeless(first.json())  # ages may have moved on
    for sent in (etag, f'W/"x", {etag}', "*"):
        r = await get(env, url, etag=sent)
        assert r.status_code == 304 and r.content == b"", sent
        assert r.headers["etag"] == etag and r.headers["cache-control"] == "private, no-cache"
    r = await get(env, url, etag='"someone-elses"')
    assert r.status_code == 200 and r.headers["etag"] == etag
    # What the reader may see is part of the answer's name.
    viewer = await get(env, url, role="viewer")
    assert viewer.headers["etag"] != etag
    assert (await get(env, url, role="viewer", etag=etag)).status_code == 200


async def test_each_route_and_each_rendering_has_its_own_etag(env):  # noqa: F811
    await get(env, contract_url(env))
    tags = {
        (await get(env, contract_url(env))).headers["etag"],
        (await get(env, app_url(env))).headers["etag"],
        (await get(env, contract_url(env), sections="general")).headers["etag"],
        (await get(env, contract_url(env), logLimit=5)).headers["etag"],
    }
    assert len(tags) == 4


@pytest.mark.parametrize("route", [contract_url, app_url])
async def test_a_refresh_or_an_action_gives_a_new_etag(env, route):  # noqa: F811
    url = route(env)
    cold = (await get(env, url)).headers["etag"]
    before = (await get(env, url)).headers["etag"]
    assert before == cold
    r = await get(env, url, refresh="true")  # a live read: a new stored entry
    assert r.status_code == 200
    after = await get(env, url, etag=before)
    assert after.status_code == 200 and after.headers["etag"] != before
    ctx = env.app.state.ctx
    await ctx.actions.guards.invalidate(env.olt_id, parse_serial(V5))  # what an action does
    again = await get(env, url, etag=after.headers["etag"])
    assert again.status_code == 200 and again.headers["etag"] != after.headers["etag"]
    # A cold read's tag, once the entry it stored is gone, names nothing current.
    assert _cached(again.json()) is False
    assert (await get(env, url, etag=cold)).status_code == 200


@pytest.mark.parametrize("route", [contract_url, app_url])
async def test_a_process_that_did_not_read_the_onu_names_its_answer_alike(env, route):  # noqa: F811
    """Replicas over one cache: the cold answer's tag is the stored entry's, so a process
    that only serves it from the cache (its own store: nothing of the read in memory) gives
    the same tag and a 304 for the cold answer; other renderings keep tags of their own."""
    from ponapi.stats.store import PayloadStore

    url = route(env)
    cold = await get(env, url)
    assert _cached(cold.json()) is False
    stats = env.app.state.ctx.stats
    stats.store = PayloadStore(stats.store.cache, stats.store.cipher, stats.store.ttl)
    other = await get(env, url, etag=cold.headers["etag"])
    assert other.status_code == 304 and other.headers["etag"] == cold.headers["etag"]
    served = await get(env, url)
    assert _cached(served.json()) is True and served.headers["etag"] == cold.headers["etag"]
    if route is contract_url:  # the app's route has neither parameter
        for params in ({"sections": "general"}, {"logLimit": 5}):
            assert (await get(env, url, etag=cold.headers["etag"], **params)).status_code == 200
    assert (await get(env, url, role="viewer", etag=cold.headers["etag"])).status_code == 200


# ``general`` is never fresh: every plain read reads the ONU again, and the entry stays.
@pytest.mark.parametrize("env", [{"stats_section_ttl_seconds": {"general": 0.0}}], indirect=True)
async def test_a_stale_answer_is_not_named_as_the_entry(env):  # noqa: F811
    """An upstream failed and the last values were served (``stale``): the answer has a tag
    of its own bytes, not the entry's, and revalidating it later never matches the entry."""
    url = contract_url(env)
    first = await get(env, url)
    env.sim.mode = "http500"
    stale = await get(env, url)
    assert stale.status_code == 200 and stale.json()["meta"]["stale"] is True
    assert stale.headers["etag"] != first.headers["etag"]
    env.sim.mode = "ok"
    assert (await get(env, url, etag=stale.headers["etag"])).status_code == 200


async def test_renderings_for_roles_that_see_secrets_are_kept_sealed(env):  # noqa: F811
    with_psk(env)
    url = contract_url(env)
    await get(env, url, role="technician")  # cold
    for role in ("technician", "viewer"):
        for _ in range(2):
            r = await get(env, url, role=role)
            assert r.json()["meta"]["cached"] is True
            assert (r.json()["data"]["wirelessLan"]["password"] == PSK) is (role == "technician")
    app = await get(env, app_url(env), role="technician")
    assert app.json()["data"]["wireless_lan_2_4ghz"]["password"] == PSK
    service = env.app.state.ctx.stats
    kept = service.store._decoded[service.cache_key(env.olt_id, parse_serial(V5))]
    renderings = list(kept.answers.values())
    assert len(renderings) == 3
    for rendering in renderings:
        if rendering.revealed:
            assert rendering.sealed and PSK.encode() not in rendering.body
        else:
            assert not rendering.sealed and b"Anlix-EG8145" in rendering.body
    assert sum(1 for r in renderings if r.sealed) == 2
    # Nor anywhere in the shared cache (the memory backend here), compressed or not.
    cache = env.app.state.ctx.cache
    backend = getattr(cache, "primary", cache)
    for entry in backend._data.values():
        value = entry.value
        try:
            value = zlib.decompress(value)
        except zlib.error:
            pass
        assert PSK.encode() not in value


def _timeless(body: dict) -> dict:
    """The answer without what follows the clock (ages, stale warnings)."""
    meta = body.get("meta") or {}
    (meta.get("device") or {}).pop("lastInformAgeSeconds", None)
    (meta.get("device") or {}).pop("lastInformAgo", None)
    for entry in (meta.get("sections") or {}).values():
        entry.pop("warning", None)
    general = body["data"].get("general")
    if isinstance(general, dict):
        general.pop("uptimeAgo", None)  # the contract's
        general.pop("uptime_ago", None)  # the app's
    return body


@pytest.mark.parametrize("route", [contract_url, app_url])
@pytest.mark.parametrize("role", ["viewer", "technician"])
async def test_a_kept_answer_is_the_answer_rendered_afresh(env, monkeypatch, route, role):  # noqa: F811
    with_psk(env)
    url = route(env)
    await get(env, url, role=role)
    kept = (await get(env, url, role=role)).json()

    async def no_kept_answer(*_a, **_k):
        return None

    monkeypatch.setattr("ponapi.api.reads.cached_answer", no_kept_answer)
    fresh = (await get(env, url, role=role)).json()
    assert _timeless(kept) == _timeless(fresh)
    assert kept.get("meta", {}).get("cached", kept.get("cached")) is True


async def test_ages_follow_the_clock_under_the_same_etag(env, monkeypatch):  # noqa: F811
    url = contract_url(env)
    await get(env, url)
    first = await get(env, url)
    real_now, real_time = answers_module.now, answers_module.time.time
    monkeypatch.setattr(answers_module, "now", lambda: real_now() + timedelta(seconds=100))
    monkeypatch.setattr(answers_module.time, "time", lambda: real_time() + 100)
    later = await get(env, url)
    assert later.headers["etag"] == first.headers["etag"]
    age = "lastInformAgeSeconds"
    assert later.json()["meta"]["device"][age] >= first.json()["meta"]["device"][age] + 99


def test_if_none_match_takes_lists_weak_tags_and_star():
    tag = answers_module.etag_of("v", "k")
    opaque = tag.removeprefix("W/")
    assert tag.startswith('W/"') and answers_module.matches(tag, tag)
    assert answers_module.matches(f'"a", {opaque}', tag)
    assert answers_module.matches(f'"a", W/{opaque}', tag)
    assert answers_module.matches("*", tag)
    assert not answers_module.matches(None, tag) and not answers_module.matches('"a"', tag)


async def test_sealed_renderings_open_only_as_answers(tmp_path):
    from ponapi.crypto import CredentialCipher, CredentialError

    settings = make_settings(tmp_path, "sqlite+aiosqlite:///unused.db")
    cipher = CredentialCipher(settings.secret_key)
    blob = cipher.seal(b"{}", answers_module.SEALED)
    assert cipher.unseal(blob, answers_module.SEALED) == b"{}"
    with pytest.raises(CredentialError):
        cipher.unseal(blob, b"another use")
