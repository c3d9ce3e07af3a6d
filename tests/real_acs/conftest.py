"""The real-ACS suite: GenieACS 1.2.16 built and started by ``$REAL_GENIEACS_DIR/start.sh`` on free
loopback ports (its npm build cached in ``$REAL_GENIEACS_BASE``, default
``~/.cache/ponapi/real-genieacs``), CPEs from ponapi's CPE simulator (and one genieacs-sim CPE that
start.sh runs), and ``ponapi serve`` with ``GENIEACS_URL`` at the real NBI.

Without ``REAL_GENIEACS_DIR`` nothing here is collected but ``test_suite_enabled``, which skips with
one line saying how to run the suite.
"""

from __future__ import annotations

import csv
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ponapi.sim.cpe.cpe import Cpe, Knobs
from ponapi.sim.cpe.model import load_document
from ponapi.sim.cpe.runner import Fleet, ThreadedLoop
from tests.real_acs.harness import ACS_FIXTURES, ENV_BASE, Ponapi, RealAcs, real_dir, wait_for

collect_ignore_glob = ["test_real_*.py"] if real_dir() is None else ["test_suite_enabled.py"]


@dataclass(frozen=True)
class Dump:
    file: str
    onu: str  # the ONU serial registered in ponapi
    old_serial: str = ""  # rewritten to the ONU's own GPON serial (ponapi reads GPON serials)
    new_serial: str = ""
    genieacs_sim: bool = False  # run by start.sh's genieacs-sim rather than ponapi's simulator

    @property
    def path(self) -> Path:
        return ACS_FIXTURES / self.file


V5 = Dump(
    "anlix-genieacs-sim_device-00259E-EG8145V5-48575443A94196A5-2023-03-28T154335106Z.csv",
    "HWTCA94196A5",
)
X6 = Dump("anlix-genieacs-sim_device-eg8145x6-no-mesh.csv", "HWTCA97D7DAA")
XX230V = Dump(
    "anlix-genieacs-sim_device-1C61B4-XX230v-22275A7000395-2023-04-27T154050686Z.csv",
    "TPLKA7000395",
    "22275A7000395",
    "TPLKA7000395",
)
H199A = Dump(
    "anlix-genieacs-sim_device-C0B101-ZXHN_H199A-ZTEYH86LCN10105-2023-03-28T154022233Z.csv",
    "ZTEG86AC1010",
    "ZTEYH86LCN10105",
    "ZTEG86AC1010",
)
NOKIA = Dump(
    "anlix-genieacs-sim_device-9075BC-G-1425G-A-ALCLFC265D6F-2023-03-28T160833431Z.csv",
    "ALCLFC265D6F",
    genieacs_sim=True,
)
DUMPS = (V5, X6, XX230V, H199A, NOKIA)


def _small(serial: str) -> Dump:
    return Dump(H199A.file, serial, "ZTEYH86LCN10105", serial)


# CPEs with a role of their own (small H199A dumps under their own serials).
OFFLINE, FAULTY, ACTIONS, COLD, SLOW = (
    _small("ZTEG0000000A"),
    _small("ZTEG0000000B"),
    _small("ZTEG0000000C"),
    _small("ZTEG0000000D"),
    _small("ZTEG0000000E"),
)
ROLES = (OFFLINE, FAULTY, ACTIONS, COLD, SLOW)
# CPEs the device-action tests drive through ponapi (whole tree primed: the actions read it).
BUTTONS, RESET, DOWN, REFUSE, LAGGY = (
    _small("ZTEG0000000F"),
    _small("ZTEG00000010"),
    _small("ZTEG00000011"),
    _small("ZTEG00000012"),
    _small("ZTEG00000013"),
)
BUTTON_CPES = (BUTTONS, RESET, DOWN, REFUSE, LAGGY)


def dump_text(dump: Dump) -> str:
    """The dump as the CPE holds it: its serial rewritten to a GPON one where needed (a plain
    text substitution, so DeviceID.*, DeviceInfo.SerialNumber and any echo of it agree)."""
    text = dump.path.read_text(encoding="utf-8")
    return text.replace(dump.old_serial, dump.new_serial) if dump.old_serial else text


@dataclass
class World:
    acs: RealAcs
    loop: ThreadedLoop
    fleet: Fleet
    ponapi: Ponapi
    dumps_dir: Path
    cpes: dict[str, Cpe]
    ids: dict[str, str]  # ONU serial -> GenieACS device id
    timings: dict[str, float]

    def cpe(self, dump: Dump) -> Cpe:
        return self.cpes[dump.onu]


def announce_cr_url(path: Path, root: str, url: str) -> None:
    """Write into the dump the connection-request URL the CPE announces (its own loopback
    server, which GenieACS must reach), so the offline mapping reads what the CPE holds."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    value = rows[0].index("Value")
    for row in rows[1:]:
        if row and row[0] == f"{root}.ManagementServer.ConnectionRequestURL":
            row[value] = url
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def _prime(world: World, dump: Dump, objects: tuple[str, ...]) -> None:
    """Queue refreshes (no connection request: GenieACS cannot authenticate one before it knows
    the CPE's ConnectionRequestUsername) and have the CPE inform, as a bootstrap preset would."""
    cpe = world.cpes[dump.onu]
    for obj in objects:
        target = f"{cpe.model.root}.{obj}" if obj else cpe.model.root
        task = {"name": "refreshObject", "objectName": target}
        r = world.acs.task(cpe.device_id, task, cr=False)
        assert r.status_code == 202, r.text
    world.loop.loop.call_soon_threadsafe(cpe.inform_now)


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    source = real_dir()
    assert source is not None
    base = Path(os.environ.get(ENV_BASE) or Path.home() / ".cache" / "ponapi" / "real-genieacs")
    tmp = tmp_path_factory.mktemp("real-acs")
    timings: dict[str, float] = {}
    acs = RealAcs(source, base)
    dumps_dir = tmp / "dumps"
    dumps_dir.mkdir()
    paths = {}
    for dump in (*DUMPS, *ROLES, *BUTTON_CPES):
        paths[dump.onu] = dumps_dir / f"{dump.onu}.csv"
        paths[dump.onu].write_text(dump_text(dump), encoding="utf-8")
    acs.start([paths[d.onu] for d in DUMPS if d.genieacs_sim])
    timings["start.sh"] = round(acs.setup_seconds, 1)
    loop = ThreadedLoop()
    fleet = Fleet(acs.cwmp, Knobs(periodic=0, boot_seconds=0.5, diagnostics_seconds=0.3))
    ponapi = Ponapi(acs.nbi, tmp / "ponapi")
    world = World(acs, loop, fleet, ponapi, dumps_dir, {}, {}, timings)
    try:
        t0 = time.monotonic()
        for dump in (*DUMPS, *ROLES, *BUTTON_CPES):
            if not dump.genieacs_sim:
                world.cpes[dump.onu] = fleet.add(load_document(paths[dump.onu]))
        loop.call(fleet.start())
        for onu, cpe in world.cpes.items():
            world.ids[onu] = cpe.device_id
            announce_cr_url(paths[onu], cpe.model.root, cpe.cr.url)
        wait_for(
            lambda: len(acs.devices({"_id": {"$in": list(world.ids.values())}})) == len(world.ids),
            60,
            "the simulated CPEs to register",
        )
        for dump in (*DUMPS, *BUTTON_CPES):
            if not dump.genieacs_sim:
                _prime(world, dump, ("",))  # the whole tree
        for dump in ROLES:
            _prime(world, dump, ("ManagementServer", "DeviceInfo"))
        wait_for(
            lambda: all(not acs.pending_tasks(i) for i in world.ids.values()),
            240,
            "the CPEs to be primed",
            interval=0.5,
        )
        timings["cpes registered and primed"] = round(time.monotonic() - t0, 1)
        nokia = acs.devices({"_deviceId._SerialNumber": NOKIA.onu})
        world.ids[NOKIA.onu] = nokia[0]["_id"]
        t0 = time.monotonic()
        ponapi.start()
        for onu in [*world.ids, "HWTC0BADBEEF"]:
            ponapi.add_onu(onu)
        timings["ponapi serve up"] = round(time.monotonic() - t0, 1)
        yield world
    finally:
        ponapi.stop()
        loop.call(fleet.stop())
        loop.close()
        acs.stop()
        print("\nreal-ACS setup timings (s):", json.dumps(timings))
