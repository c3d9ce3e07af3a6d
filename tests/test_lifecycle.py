"""Lifecycle faults: a stuck upstream, leaked OLT logins, single-flight and replica-lock
sharing, a moved ONU, an unpinned host key, error mapping, secrets at rest."""

import asyncio
import contextlib
import time
import zlib

import asyncssh
import httpx
import pytest
from sqlalchemy import update

from ponapi.acs.genieacs import GenieAcsClient
from ponapi.acs.tasks import TaskOutcome
from ponapi.cache import MemoryCache
from ponapi.db.models import Olt, Onu
from ponapi.olt.pool import OltPool, OltPools
from ponapi.olt.session import Target
from ponapi.serials import parse_serial
from ponapi.sim.olt import OltSim, demo_onus
from ponapi.stats.service import StatsService
from ponapi.tr069.sections import projection
from tests.conftest import make_settings
from tests.test_olt_cli_api import OLT_PASSWORD, make_env  # noqa: F401 - the fixture
from tests.test_tr069_api import V5, env  # noqa: F401 - the fixture


class _Forwarder:
    """A TCP port on loopback that forwards each new connection to the current backend port:
    the test swaps a broken OLT for a healthy one behind the same address."""

    def __init__(self, backend: int) -> None:
        self.backend = backend
        self.open = 0  # client connections not closed yet
        self.server: asyncio.Server | None = None
        self._pipes: set[asyncio.Task[None]] = set()

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return int(self.server.sockets[0].getsockname()[1])

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.backend)
        self.open += 1

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(Exception):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.close()

        from_client = asyncio.create_task(pipe(reader, up_writer))
        from_client.add_done_callback(lambda _: setattr(self, "open", self.open - 1))
        for task in (from_client, asyncio.create_task(pipe(up_reader, writer))):
            self._pipes.add(task)
            task.add_done_callback(self._pipes.discard)

    async def stop(self) -> None:
        for task in list(self._pipes):
            task.cancel()
        if self.server is not None:
            self.server.close()


async def _silent_ssh_server() -> tuple[asyncssh.SSHAcceptor, dict[str, int]]:
    """Accepts any login, then never answers the session channel (as a wedged OLT does)."""
    counts = {"open": 0}
    never = asyncio.Event()

    class Server(asyncssh.SSHServer):
        def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
            counts["open"] += 1

        def connection_lost(self, exc: Exception | None) -> None:
            counts["open"] -= 1

        def begin_auth(self, username: str) -> bool:
            return True

        def password_auth_supported(self) -> bool:
            return True

        def validate_password(self, username: str, password: str) -> bool:
            return True

        def session_requested(self):  # type: ignore[no-untyped-def]
            async def hang():  # type: ignore[no-untyped-def]
                await never.wait()  # released when the server stops

            return hang()

    key = asyncssh.generate_private_key("ssh-ed25519")
    server = await asyncssh.create_server(
        Server, "127.0.0.1", 0, server_host_keys=[key], keepalive_interval=0
    )
    return server, counts


async def test_a_wedged_olt_session_channel_frees_the_olt_when_it_recovers(
    tmp_path, sqlite_template
):
    """A stuck upstream call must end with the request's budget: once the OLT recovers, its
    other ONUs are read again (before, every read of that OLT got 504 until a restart)."""
    silent, counts = await _silent_ssh_server()
    sim = OltSim(brand="huawei", password=OLT_PASSWORD, onus=demo_onus("huawei", 2))
    healthy = await sim.start_ssh()
    forward = _Forwarder(int(silent.sockets[0].getsockname()[1]))
    port = await forward.start()
    import shutil

    from ponapi.main import create_app
    from tests.conftest import add_user, token_for

    db = tmp_path / "wedged.db"
    shutil.copy(sqlite_template, db)
    app = create_app(
        make_settings(
            tmp_path,
            f"sqlite+aiosqlite:///{db}",
            request_budget_seconds=2.0,
            olt_login_timeout_seconds=60.0,
            olt_max_concurrent_reads=1,
        )
    )
    try:
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c,
        ):
            await add_user(app, "admin", "admin")
            h = {"Authorization": f"Bearer {await token_for(c, 'admin')}"}
            olt = (
                await c.post(
                    "/api/olts",
                    headers=h,
                    json={
                        "name": "wedged",
                        "brand": "huawei",
                        "host": "127.0.0.1",
                        "port": port,
                        "username": "noc",
                        "password": OLT_PASSWORD,
                        "statsSource": "cli",
                    },
                )
            ).json()["data"]["id"]
            for u in sim.onus:
                body = {"serial": u.serial.canonical, "frame": u.frame, "slot": u.slot}
                body |= {"port": u.port, "ontId": u.ont_id}
                assert (await c.post(f"/api/olts/{olt}/onus", headers=h, json=body)).is_success
            first, second = (u.serial.canonical for u in sim.onus)
            started = time.monotonic()
            r = await c.get(f"/api/olts/{olt}/onus/{first}/tr069-stats", headers=h)
            assert (r.status_code, r.json()["code"]) == (504, "UPSTREAM_TIMEOUT")
            assert time.monotonic() - started < 5
            forward.backend = healthy  # the OLT recovers
            r = await c.get(f"/api/olts/{olt}/onus/{second}/tr069-stats", headers=h)
            assert r.status_code == 200, r.text
            for _ in range(100):  # the wedged login was given back, not kept open
                if counts["open"] == 0:
                    break
                await asyncio.sleep(0.05)
            assert counts["open"] == 0
    finally:
        await forward.stop()
        silent.close()
        await sim.stop()


async def _pool_on(sim: OltSim) -> tuple[OltPools, OltPool, _Forwarder]:
    """A pool whose logins go through a forwarder that counts the open connections."""
    forward = _Forwarder(await sim.start_ssh())
    port = await forward.start()
    pools = OltPools(size=1, login_timeout=10.0, command_timeout=60.0)
    target = Target("127.0.0.1", port, "ssh", "noc", OLT_PASSWORD, sim.brand)
    return pools, pools.get(1, target), forward


async def _until(check, seconds: float = 5.0) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():
            return True
        await asyncio.sleep(0.05)
    return check()


async def test_a_cancelled_read_gives_its_olt_login_back():
    sim = OltSim(brand="huawei", password=OLT_PASSWORD, onus=demo_onus("huawei", 1))
    pools, pool, forward = await _pool_on(sim)
    try:
        u = sim.onus[0]
        command = f"display ont info {u.frame} {u.slot} {u.port} {u.ont_id}"
        await pool.run([command], time.monotonic() + 10)  # logged in
        sim.command_delay = 30.0  # the next read is cancelled while the OLT works on it
        read = asyncio.create_task(pool.run([command], time.monotonic() + 60))
        assert await _until(lambda: sim.commands.count(command) == 2)
        read.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await read
        assert await _until(lambda: forward.open == 0), "the session stayed logged in"
    finally:
        await pools.close()
        await forward.stop()
        await sim.stop()


async def test_a_session_in_use_when_its_pool_is_replaced_is_closed_after_the_read():
    sim = OltSim(brand="huawei", password=OLT_PASSWORD, onus=demo_onus("huawei", 1))
    pools, pool, forward = await _pool_on(sim)
    try:
        u = sim.onus[0]
        command = f"display ont info {u.frame} {u.slot} {u.port} {u.ont_id}"
        await pool.run([command], time.monotonic() + 10)  # logged in
        sim.command_delay = 0.5
        read = asyncio.create_task(pool.run([command], time.monotonic() + 10))
        assert await _until(lambda: sim.command_delay and command in sim.commands[-1:])
        pools.forget(1)  # the OLT's settings changed: a new pool serves the next reads
        await read
        assert await _until(lambda: forward.open == 0), "the replaced pool kept its session"
    finally:
        await pools.close()
        await forward.stop()
        await sim.stop()


def _service(tmp_path, cache, acs=None):  # type: ignore[no-untyped-def]
    settings = make_settings(
        tmp_path, "sqlite+aiosqlite:///unused.db", live_read_cooldown_seconds=0
    )
    return StatsService(settings, cache, acs)


class _FakeAcs:
    """An ACS whose refresh takes a moment and records what it was asked to refresh."""

    def __init__(self) -> None:
        self.refreshed: list[list[str]] = []

    async def read_document(self, serial, paths):  # type: ignore[no-untyped-def]
        return {"_id": "dev-1", "InternetGatewayDevice": {}}

    async def run_task(self, device_id, task, time_limit):  # type: ignore[no-untyped-def]
        self.refreshed.append(task["parameterNames"])
        await asyncio.sleep(0.3)
        return TaskOutcome("applied", None, "")


async def test_a_concurrent_refresh_of_other_sections_refreshes_them(tmp_path):
    from ponapi.stats.model import OltRef

    acs = _FakeAcs()
    service = _service(tmp_path, MemoryCache(), acs)
    ref, serial = OltRef(id=1, stats_source="acs"), parse_serial(V5)
    general, wlan = await asyncio.gather(
        service.get(ref, serial, sections=frozenset({"general"}), refresh=True),
        service.get(ref, serial, sections=frozenset({"wirelessLan"}), refresh=True),
    )
    for result in (general, wlan):
        body = result if isinstance(result, dict) else result.body()
        assert body["meta"]["refresh"]["status"] == "done"
    asked = [p for paths in acs.refreshed for p in paths]
    assert any("WLANConfiguration" in p for p in asked), "Wi-Fi reported done, never refreshed"


async def test_a_cli_refresh_is_read_from_the_olt_once_across_replicas(tmp_path):
    """Two replicas (services sharing one cache, each with its own sessions) asked for the
    same live read: one reads the OLT, the other takes its result from the cache."""
    from ponapi.stats.model import OltRef

    sim = OltSim(brand="huawei", password=OLT_PASSWORD, onus=demo_onus("huawei", 1))
    port = await sim.start_ssh()
    cache = MemoryCache()
    replicas = [_service(tmp_path, cache), _service(tmp_path, cache)]
    u = sim.onus[0]
    from ponapi.olt.location import Location

    target = Target("127.0.0.1", port, "ssh", "noc", OLT_PASSWORD, "huawei")
    ref = OltRef(
        id=1,
        stats_source="cli",
        target=target,
        location=Location(u.frame, u.slot, u.port, u.ont_id),
    )
    try:
        sim.command_delay = 0.2
        await asyncio.gather(
            *(r.get(ref, u.serial, refresh=True, deadline=time.monotonic() + 20) for r in replicas)
        )
        reads = [c for c in sim.commands if c.startswith("display ont info ")]
        assert len(reads) == 1, sim.commands
    finally:
        for r in replicas:
            await r.pools.close()
        await sim.stop()


async def test_an_onu_that_moved_is_read_at_its_new_location_next_time(make_env):  # noqa: F811
    cli = await make_env("huawei", "ssh", stats_cache_ttl_seconds=0.0)
    u = cli.sim.onus[1]
    u.ont_id = 42  # moved on the OLT: the registry still has the old ONT id
    r = await cli.stats(u.serial.canonical)
    assert r.status_code == 200, r.text
    assert r.json()["meta"]["device"]["location"]["ontId"] == 42
    before = len(cli.sim.commands)
    r = await cli.stats(u.serial.canonical)
    assert r.status_code == 200, r.text
    # info, version, WAN, Wi-Fi, the MAC table and the GPON interface mode (config,
    # interface, optical-info, port state, quit x2): the new location at once, no search
    assert len(cli.sim.commands) - before == 11, cli.sim.commands[before:]


def test_a_host_key_unpinned_on_another_replica_is_unpinned_here():
    """The PATCH that clears the pinned key ran elsewhere: this replica learns it from the
    registry row of its next read, and stops requiring the old key."""

    async def run() -> None:
        pools = OltPools()
        pinned = Target("127.0.0.1", 22, "ssh", "noc", "pw", "huawei", "ssh-ed25519 AAAAold")
        pool = pools.get(7, pinned)
        assert pool.host_key == pinned.host_key
        unpinned = Target("127.0.0.1", 22, "ssh", "noc", "pw", "huawei", "")
        assert pools.get(7, unpinned) is pool  # same connection settings: the same pool
        assert pool.host_key == ""
        await pools.close()

    asyncio.run(run())


@pytest.mark.parametrize(
    ("status", "code"),
    [(401, "UPSTREAM_ERROR"), (403, "UPSTREAM_ERROR"), (503, "ACS_UNAVAILABLE")],
)
async def test_acs_http_statuses_are_told_apart(status, code):
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json={})

    acs = GenieAcsClient("http://127.0.0.1:1", transport=httpx.MockTransport(answer))
    try:
        with pytest.raises(Exception) as caught:
            await acs.read_device(parse_serial(V5), projection(("general",)))
    finally:
        await acs.close()
    assert caught.value.code.value == code  # type: ignore[attr-defined]
    details = caught.value.details  # type: ignore[attr-defined]
    assert ("GENIEACS_AUTH_HEADER" in details) is (status in (401, 403))


async def test_an_undecryptable_olt_password_is_not_missing_cli_access(make_env):  # noqa: F811
    cli = await make_env("huawei", "ssh")
    app = cli.client._transport.app  # type: ignore[attr-defined]
    async with app.state.ctx.sessions() as db:
        await db.execute(update(Olt).values(password_encrypted=b"\x01" + b"\x00" * 40))
        await db.commit()
    app.state.ctx.registry.clear()
    r = await cli.stats(cli.sim.onus[0].serial.canonical)
    assert r.json()["code"] == "OLT_AUTH_FAILED", r.text
    assert "decrypt" in r.json()["details"]


async def test_the_wifi_password_is_never_in_clear_in_the_cache(env):  # noqa: F811
    dev = env.sim.device_by_serial("48575443A94196A5")
    wlc = dev.doc["InternetGatewayDevice"]["LANDevice"]["1"]["WLANConfiguration"]["1"]
    wlc["PreSharedKey"] = {
        "1": {"PreSharedKey": {"_value": "clave-secreta", "_type": "xsd:string"}}
    }
    cache = env.app.state.ctx.cache
    written: list[bytes] = []
    real_set = cache.set

    async def spy(key: str, value: bytes, ttl: float) -> None:
        written.append(value)
        await real_set(key, value, ttl)

    cache.set = spy  # everything the stats cache and the jobs store goes through here
    r = await env.stats(V5, role="technician")
    assert r.json()["data"]["wirelessLan"]["password"] == "clave-secreta"
    job = await env.client.post(
        f"/api/olts/{env.olt_id}/onus/{V5}/tr069-stats/refresh", headers=env.headers["technician"]
    )
    location = job.headers["Location"]
    for _ in range(200):
        done = (await env.client.get(location, headers=env.headers["technician"])).json()["data"]
        if done["status"] in ("done", "failed"):
            break
        await asyncio.sleep(0.05)
    assert done["status"] == "done" and done["result"]["data"]["wirelessLan"]["password"]
    stored = []
    for raw in written:
        with contextlib.suppress(zlib.error):
            raw = zlib.decompress(raw)
        stored.append(raw)
    assert any(b'"wirelessLan"' in raw for raw in stored), "no stats payload was cached"
    assert any(b'"result"' in raw for raw in stored), "no job was stored"
    assert not [raw for raw in stored if b"clave-secreta" in raw]


async def test_onu_location_row_is_updated_when_it_moved(make_env):  # noqa: F811
    cli = await make_env("huawei", "ssh")
    u = cli.sim.onus[2]
    u.ont_id = 77
    assert (await cli.stats(u.serial.canonical)).status_code == 200
    app = cli.client._transport.app  # type: ignore[attr-defined]
    async with app.state.ctx.sessions() as db:
        row = (
            (await db.execute(Onu.__table__.select().where(Onu.serial == u.serial.canonical)))
            .mappings()
            .one()
        )
    assert row["ont_id"] == 77


async def test_the_genieacs_id_map_is_bounded():
    """Every serial ever read stays remembered no longer than the map's bound allows."""
    serials = [parse_serial(f"HWTC0000000{i}") for i in range(1, 6)]

    def answer(request: httpx.Request) -> httpx.Response:
        wanted = next(s for s in serials if s.canonical in str(request.url))
        return httpx.Response(200, json=[{"_id": f"dev-{wanted.canonical}"}])

    acs = GenieAcsClient(
        "http://127.0.0.1:1", transport=httpx.MockTransport(answer), id_cache_size=2
    )
    try:
        for serial in serials:
            assert await acs.read_device(serial, projection(("general",))) is not None
        remembered = [s for s in serials if acs._remembered(s) is not None]
    finally:
        await acs.close()
    assert len(remembered) == 2
    assert (acs._remembered(serials[-1]) or ("",))[0] == f"dev-{serials[-1].canonical}"


@pytest.mark.parametrize("gen0", [50_000, 0])
async def test_the_app_sets_the_collectors_threshold_while_it_runs(tmp_path, database_url, gen0):
    import gc

    from ponapi.main import create_app

    before = gc.get_threshold()
    app = create_app(make_settings(tmp_path, database_url, gc_gen0_threshold=gen0))
    async with app.router.lifespan_context(app):
        running = gc.get_threshold()
    assert running == ((gen0, *before[1:]) if gen0 else before)
    assert gc.get_threshold() == before  # given back when the app stops
