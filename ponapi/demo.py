"""``ponapi demo``: the whole product on one machine, no configuration.

Starts, on loopback: the GenieACS simulator loaded with real ONU dumps, a simulated Huawei
MA5800 (SSH) and ZTE C320 (Telnet), and ponapi itself, on a fresh SQLite database seeded with
users ``admin``, ``tech`` and ``viewer`` (password ``demo``, which exists only here), three OLTs
and their ONUs: some read through the ACS, some only through the OLT CLI, one offline, one with
no TR-069 at all.
"""

from __future__ import annotations

import asyncio
import shutil
from dataclasses import dataclass
from pathlib import Path

from ponapi.auth.passwords import hash_password
from ponapi.config import Settings
from ponapi.crypto import CredentialCipher
from ponapi.db.migrate import upgrade
from ponapi.db.models import Olt, Onu, Role, User
from ponapi.db.session import make_engine, make_sessionmaker
from ponapi.serials import parse_serial
from ponapi.sim.genieacs import GenieAcsSim, bundled_documents
from ponapi.sim.olt import OltSim, demo_onus

DEMO_PASSWORD = "demo"  # noqa: S105 (demo mode only: a throw-away database on loopback)
OLT_PASSWORD = "demo-olt-password"  # noqa: S105

# ONUs the ACS knows (serials as the OLT prints them), from the bundled real dumps.
ACS_ONUS = {
    "HWTCA94196A5": "Huawei EG8145V5 (TR-098)",
    "HWTCA97D7DAA": "Huawei EG8145X6 (TR-098, 95-network Wi-Fi scan)",
    "ALCLFC265D6F": "Nokia G-1425G-A (TR-098; offline in the ACS: refresh=true is queued)",
}
NO_TR069 = "HWTC0BADF00D"


@dataclass
class Demo:
    acs: GenieAcsSim
    huawei: OltSim
    zte: OltSim
    acs_url: str
    huawei_port: int
    zte_port: int


async def start_simulators(host: str = "127.0.0.1") -> Demo:
    acs = GenieAcsSim(latency=0.02)
    for doc in bundled_documents():
        device = acs.add(doc)
        if device.doc.get("_deviceId", {}).get("_SerialNumber") == "ALCLFC265D6F":
            device.online = False
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
    huawei_port = await huawei.start_ssh(host)
    zte_port = await zte.start_telnet(host)
    return Demo(acs, huawei, zte, acs_url, huawei_port, zte_port)


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
                port=demo.huawei_port,
                protocol="ssh",
                username="noc",
                password_encrypted=cipher.encrypt(OLT_PASSWORD),
                stats_source="acs",
            )
            db.add_all([main, north, legacy])
            await db.flush()
            for serial, label in ACS_ONUS.items():
                db.add(Onu(olt_id=main.id, serial=serial, description=label))
            for u in demo.huawei.onus:
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
            db.add(
                Onu(
                    olt_id=legacy.id,
                    serial=parse_serial(NO_TR069).canonical,
                    description="No TR-069: neither the ACS nor this OLT's policy serve it",
                )
            )
            await db.commit()
            return {"main": main.id, "north": north.id, "legacy": legacy.id}
    finally:
        await engine.dispose()


def banner(host: str, port: int, olts: dict[str, int], demo: Demo) -> str:
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
ponapi demo is running (everything on loopback; data is thrown away on exit)

  API docs   {base}/docs
  Users      admin / tech / viewer, password "{DEMO_PASSWORD}" (demo mode only)
  GenieACS   {demo.acs_url} (simulated NBI, real ONU dumps)
  OLTs       {olts["main"]}: Huawei MA5800 over SSH 127.0.0.1:{demo.huawei_port} (ACS, then CLI)
             {olts["north"]}: ZTE C320 over Telnet 127.0.0.1:{demo.zte_port} (CLI only)
             {olts["legacy"]}: ACS-only OLT

Try (copy-paste):

  {login}
  {stats(olts["main"], "HWTCA94196A5")}
  {stats(olts["north"], zte_onu)}

More ONUs: OLT {olts["main"]}: HWTCA97D7DAA (Wi-Fi scan), ALCLFC265D6F (offline in the ACS: add
?refresh=true), {cli_onu} (CLI only); OLT {olts["legacy"]}: {NO_TR069} (TR069_NOT_SUPPORTED).
List them: curl -s {base}/api/olts/{olts["main"]}/onus -H "Authorization: Bearer $TOKEN"
"""


def _fresh_dir(path: Path) -> None:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)


async def run_demo(host: str, port: int, data_dir: Path) -> None:
    import uvicorn

    from ponapi.main import create_app
    from ponapi.server import listening_socket

    # The API's port is bound first: taken, the demo stops here; free, none of the simulators
    # (on ports the system picks) can land on it meanwhile.
    sock = listening_socket(uvicorn.Config("ponapi.main:create_app", host=host, port=port))
    await asyncio.to_thread(_fresh_dir, data_dir)
    demo = await start_simulators()
    try:
        settings = Settings(
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
        await asyncio.to_thread(upgrade, settings.database_url)
        olts = await seed(settings, demo)
        print(banner(host, port, olts, demo), flush=True)
        server = uvicorn.Server(
            uvicorn.Config(create_app(settings), host=host, port=port, log_level="warning")
        )
        await server.serve(sockets=[sock])
    finally:
        sock.close()
        await demo.acs.stop()
        await demo.huawei.stop()
        await demo.zte.stop()
