"""``ponapi demo``: the whole product on one machine, no configuration.

Starts, on loopback: the GenieACS simulator loaded with real ONU dumps, a simulated Huawei
MA5800 (SSH), ZTE C320 (Telnet) and Huawei MA5608T (SSH, the OLT read through the ACS only), and
ponapi itself, on a fresh SQLite database (under the data directory, replaced at each start)
seeded with users ``admin``, ``tech`` and ``viewer`` (password ``demo``, which exists only here),
three OLTs and their ONUs: some read through the ACS, some only through the OLT CLI, one offline,
one with no TR-069 at all. Each OLT has its own simulator, so discovering ONUs on one OLT finds
only that OLT's ONUs.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ponapi.auth.passwords import hash_password
from ponapi.config import Settings
from ponapi.crypto import CredentialCipher
from ponapi.db.migrate import upgrade
from ponapi.db.models import Olt, Onu, Role, User
from ponapi.db.session import make_engine, make_sessionmaker
from ponapi.serials import InvalidSerialError, parse_serial
from ponapi.sim.genieacs import GenieAcsSim, bundled_documents
from ponapi.sim.olt import OltSim, demo_onus
from ponapi.tr069.mapper import map_device

DEMO_PASSWORD = "demo"  # noqa: S105 (demo mode only: a throw-away database on loopback)
OLT_PASSWORD = "demo-olt-password"  # noqa: S105

# ONUs the ACS knows (serials as the OLT prints them), from the bundled real dumps.
ACS_ONUS = ("HWTCA94196A5", "HWTCA97D7DAA", "ALCLFC265D6F")
OFFLINE_IN_ACS = "ALCLFC265D6F"
NO_TR069 = "HWTC0BADF00D"


def acs_description(doc: dict[str, Any]) -> str:
    """What the API shows for this device, read with the API's own mapper: the model, the data
    model and the Wi-Fi scan it holds (so the registry's text cannot drift from the answers)."""
    mapped = map_device(doc, now=datetime.now(UTC), tz=ZoneInfo("UTC"))
    data = mapped.sections["general"].data
    general = data if isinstance(data, dict) else {}
    text = f"{general.get('modelName', '')} ({mapped.device.get('dataModel', 'TR-069')}"
    survey = mapped.sections["wifiSurvey"].data
    if isinstance(survey, dict) and survey.get("networks"):
        text += f"; last Wi-Fi scan: {len(survey['networks'])} networks"
    if doc.get("_deviceId", {}).get("_SerialNumber") == OFFLINE_IN_ACS:
        text += "; offline in the ACS: ?refresh=true answers the last known data, stale"
    return text + ")"


_TIMES = ("_timestamp", "_lastInform", "_registered", "_lastBootstrap", "_lastBoot")


def shift_to_now(doc: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """The demo's dumps are real but years old: their ACS-side times (``_lastInform``, each
    parameter's ``_timestamp``, ...) are moved forward together so the last inform is now,
    and the demo shows current data rather than a stale warning on every section. The
    devices' own reported values are left as they are. Tests use the dumps unshifted."""
    informed = doc.get("_lastInform")
    if not isinstance(informed, str):
        return doc
    delta = (now or datetime.now(UTC)) - datetime.fromisoformat(informed.replace("Z", "+00:00"))

    def shift(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in _TIMES and isinstance(value, str):
                    moment = datetime.fromisoformat(value.replace("Z", "+00:00")) + delta
                    node[key] = moment.strftime("%Y-%m-%dT%H:%M:%S.") + (
                        f"{moment.microsecond // 1000:03d}Z"
                    )
                else:
                    shift(value)
        elif isinstance(node, list):
            for item in node:
                shift(item)

    shift(doc)
    return doc


@dataclass
class Demo:
    acs: GenieAcsSim
    huawei: OltSim
    zte: OltSim
    south: OltSim  # the OLT read through the ACS only; its CLI still answers discovery
    acs_url: str
    huawei_port: int
    zte_port: int
    south_port: int
    descriptions: dict[str, str] = dataclasses.field(default_factory=dict)

    async def stop(self) -> None:
        await self.acs.stop()
        for olt in (self.huawei, self.zte, self.south):
            await olt.stop()


async def start_simulators(host: str = "127.0.0.1") -> Demo:
    acs = GenieAcsSim(latency=0.02)
    descriptions = {}
    for doc in bundled_documents():
        device = acs.add(shift_to_now(doc))
        serial = device.doc.get("_deviceId", {}).get("_SerialNumber", "")
        if serial == OFFLINE_IN_ACS:
            device.online = False
        with contextlib.suppress(InvalidSerialError):
            descriptions[parse_serial(serial).canonical] = acs_description(device.doc)
    acs_url = await acs.start(host)
    huawei = OltSim(
        brand="huawei",
        model="MA5800-X7",
        hostname="OLT-CENTRO",
        username="noc",
        password=OLT_PASSWORD,
        onus=demo_onus("huawei", 4),
        login_delay=0.5,
        command_delay=0.05,
    )
    huawei.onus[3].online = False
    # The ONUs the ACS knows hang off this OLT too (as on a real `auto` OLT): their distance
    # and the OLT's optical levels come from its CLI, the rest from the ACS.
    more = demo_onus("huawei", len(huawei.onus) + len(ACS_ONUS))[len(huawei.onus) :]
    huawei.onus += [
        dataclasses.replace(
            u, serial=parse_serial(serial), rx_power=-18.4 - i, online=serial != OFFLINE_IN_ACS
        )
        for i, (serial, u) in enumerate(zip(ACS_ONUS, more, strict=True))
    ]
    zte = OltSim(
        brand="zte",
        model="C320",
        hostname="OLT-NORTE",
        username="noc",
        password=OLT_PASSWORD,
        onus=demo_onus("zte", 3),
        login_delay=0.5,
        command_delay=0.05,
    )
    south = OltSim(
        brand="huawei",
        model="MA5608T",
        hostname="OLT-SUR",
        username="noc",
        password=OLT_PASSWORD,
        onus=[dataclasses.replace(demo_onus("huawei", 1)[0], serial=parse_serial(NO_TR069))],
        login_delay=0.5,
        command_delay=0.05,
    )
    huawei_port = await huawei.start_ssh(host)
    zte_port = await zte.start_telnet(host)
    south_port = await south.start_ssh(host)
    return Demo(acs, huawei, zte, south, acs_url, huawei_port, zte_port, south_port, descriptions)


async def seed(settings: Settings, demo: Demo) -> dict[str, int]:
    """Users, OLTs and ONUs; returns the OLT ids by role."""
    engine = make_engine(settings.database_url)
    cipher = CredentialCipher(settings.credentials_key or settings.secret_key)
    try:
        async with make_sessionmaker(engine)() as db:
            for name, role in (
                ("admin", Role.admin),
                ("tech", Role.technician),
                ("viewer", Role.viewer),
            ):
                db.add(
                    User(
                        username=name,
                        password_hash=hash_password(DEMO_PASSWORD),
                        role=role.value,
                        active=True,
                        token_version=0,
                    )
                )
            main = Olt(
                name="OLT Centro (Huawei MA5800)",
                brand="huawei",
                model="MA5800-X7",
                host="127.0.0.1",
                port=demo.huawei_port,
                protocol="ssh",
                username="noc",
                password_encrypted=cipher.encrypt(OLT_PASSWORD),
                stats_source="auto",
            )
            north = Olt(
                name="OLT Norte (ZTE C320)",
                brand="zte",
                model="C320",
                host="127.0.0.1",
                port=demo.zte_port,
                protocol="telnet",
                username="noc",
                password_encrypted=cipher.encrypt(OLT_PASSWORD),
                stats_source="cli",
            )
            legacy = Olt(
                name="OLT Sur (ACS only)",
                brand="huawei",
                model="MA5608T",
                host="127.0.0.1",
                port=demo.south_port,
                protocol="ssh",
                username="noc",
                password_encrypted=cipher.encrypt(OLT_PASSWORD),
                stats_source="acs",
            )
            db.add_all([main, north, legacy])
            await db.flush()
            for serial in ACS_ONUS:
                db.add(Onu(olt_id=main.id, serial=serial, description=demo.descriptions[serial]))
            for u in demo.huawei.onus:
                if u.serial.canonical in ACS_ONUS:  # registered above, read through the ACS
                    continue
                db.add(
                    Onu(
                        olt_id=main.id,
                        serial=u.serial.canonical,
                        frame=u.frame,
                        slot=u.slot,
                        port=u.port,
                        ont_id=u.ont_id,
                        description=("OLT CLI only" + (", offline" if not u.online else "")),
                    )
                )
            for u in demo.zte.onus:
                db.add(
                    Onu(
                        olt_id=north.id,
                        serial=u.serial.canonical,
                        description="OLT CLI only (located by serial on first read)",
                    )
                )
            for u in demo.south.onus:
                db.add(
                    Onu(
                        olt_id=legacy.id,
                        serial=u.serial.canonical,
                        frame=u.frame,
                        slot=u.slot,
                        port=u.port,
                        ont_id=u.ont_id,
                        description="No TR-069: unknown to the ACS, the only source of this OLT",
                    )
                )
            await db.commit()
            return {"main": main.id, "north": north.id, "legacy": legacy.id}
    finally:
        await engine.dispose()


def banner(host: str, port: int, olts: dict[str, int], demo: Demo, data_dir: Path) -> str:
    base = f"http://{host}:{port}"
    cli_onu = demo.huawei.onus[0].serial.canonical
    zte_onu = demo.zte.onus[0].serial.canonical
    auth = "Authorization: Bearer $TOKEN"

    def stats(olt: int, serial: str) -> str:
        return f'curl -s {base}/api/olts/{olt}/onus/{serial}/tr069-stats -H "{auth}"'

    login = (
        f"TOKEN=$(curl -s -X POST {base}/api/auth/login -H 'Content-Type: application/json'"
        f' -d \'{{"username":"tech","password":"{DEMO_PASSWORD}"}}\' | python3 -c '
        "'import sys,json; print(json.load(sys.stdin)[\"access_token\"])')"
    )
    return f"""
ponapi demo is running (everything on loopback)

  Data       {data_dir.resolve()} (SQLite; kept after exit, replaced at the next start)
  API docs   {base}/docs
  Users      admin / tech / viewer, password "{DEMO_PASSWORD}" (demo mode only)
  GenieACS   {demo.acs_url} (simulated NBI, real ONU dumps)
  OLTs       {olts["main"]}: Huawei MA5800 over SSH 127.0.0.1:{demo.huawei_port} (ACS, then CLI)
             {olts["north"]}: ZTE C320 over Telnet 127.0.0.1:{demo.zte_port} (CLI only)
             {olts["legacy"]}: Huawei MA5608T over SSH 127.0.0.1:{demo.south_port} (ACS only)
  OLT login  user "noc", password "{OLT_PASSWORD}" on every simulated OLT (to register them
             in a service of your own: see docs/production.md, rehearsing)

Try (copy-paste):

  {login}
  {stats(olts["main"], "HWTCA94196A5")}
  {stats(olts["north"], zte_onu)}

More ONUs: OLT {olts["main"]}: HWTCA97D7DAA (Wi-Fi scan), ALCLFC265D6F (offline in the ACS:
?refresh=true answers the last known data, stale), {cli_onu} (CLI only); OLT {olts["legacy"]}:
{NO_TR069} (TR069_NOT_SUPPORTED). Each ONU's description says what its answer shows.
List them: curl -s {base}/api/olts/{olts["main"]}/onus -H "Authorization: Bearer $TOKEN"
"""


def _fresh_dir(path: Path) -> None:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)


def demo_settings(data_dir: Path, demo: Demo) -> Settings:
    return Settings(
        _env_file=None,
        environment="development",
        database_url=f"sqlite+aiosqlite:///{data_dir / 'demo.db'}",
        data_dir=data_dir,
        genieacs_url=demo.acs_url,
        redis_url="",
        # The simulated CPEs report a result without fetching anything.
        speedtest_download_url="http://127.0.0.1:9/speedtest/25MB.bin",
        speedtest_upload_url="http://127.0.0.1:9/speedtest/upload",
    )


async def run_demo(host: str, port: int, data_dir: Path) -> None:
    import uvicorn

    from ponapi.main import create_app
    from ponapi.server import bind

    # The API's port is bound first: taken, the demo stops here with one line (StartupError);
    # free, none of the simulators (on ports the system picks) can land on it meanwhile.
    sock = bind(host, port)
    await asyncio.to_thread(_fresh_dir, data_dir)
    demo = await start_simulators()
    try:
        settings = demo_settings(data_dir, demo)
        await asyncio.to_thread(upgrade, settings.database_url)
        olts = await seed(settings, demo)
        print(banner(host, port, olts, demo, data_dir), flush=True)
        server = uvicorn.Server(
            uvicorn.Config(create_app(settings), host=host, port=port, log_level="warning")
        )
        await server.serve(sockets=[sock])
    finally:
        sock.close()
        await demo.stop()
