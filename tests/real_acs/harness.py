"""Starts and drives the real GenieACS (``$REAL_GENIEACS_DIR/start.sh``), ponapi's CPE simulator
and ``ponapi serve`` on loopback, for the real-ACS suite and the benchmark."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

ROOT = Path(__file__).resolve().parents[2]
ACS_FIXTURES = ROOT / "tests" / "fixtures" / "acs"
ENV_DIR = "REAL_GENIEACS_DIR"
ENV_BASE = "REAL_GENIEACS_BASE"
SKIP_LINE = (
    f"real-ACS suite skipped: set {ENV_DIR} to the real-genieacs folder "
    f"(e.g. {ENV_DIR}=../shared/real-genieacs make test) to run it against GenieACS 1.2.16"
)


def real_dir() -> Path | None:
    value = os.environ.get(ENV_DIR, "").strip()
    if not value:
        return None
    path = Path(value).expanduser().resolve()
    return path if (path / "start.sh").is_file() else None


def free_ports(n: int) -> list[int]:
    socks = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def wait_for(predicate: Any, timeout: float, what: str, interval: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


@dataclass
class RealAcs:
    """GenieACS 1.2.16 (NBI + CWMP) on free loopback ports, its build cached in ``base``."""

    source: Path
    base: Path
    ports: list[int] = field(default_factory=lambda: free_ports(3))
    log: list[str] = field(default_factory=list)
    setup_seconds: float = 0.0
    _lock: Any = None

    @property
    def nbi(self) -> str:
        return f"http://127.0.0.1:{self.ports[2]}"

    @property
    def cwmp(self) -> str:
        return f"http://127.0.0.1:{self.ports[1]}/"

    @property
    def run_dir(self) -> Path:
        return self.base / "run"

    def _env(self, sim_csv: list[Path]) -> dict[str, str]:
        return {
            **os.environ,
            "BASE": str(self.base),
            "MONGO_PORT": str(self.ports[0]),
            "CWMP_PORT": str(self.ports[1]),
            "NBI_PORT": str(self.ports[2]),
            "SIM_CSV": " ".join(str(p) for p in sim_csv),
            "PRIME": "1",
        }

    def start(self, sim_csv: list[Path]) -> None:
        self.base.mkdir(parents=True, exist_ok=True)
        # One suite at a time per build folder: start.sh keeps its pids and logs in BASE/run.
        self._lock = (self.base / ".ponapi-lock").open("w")
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        t0 = time.monotonic()
        proc = subprocess.run(
            ["bash", str(self.source / "start.sh")],
            env=self._env(sim_csv),
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        self.setup_seconds = time.monotonic() - t0
        self.log = proc.stdout.splitlines()
        if proc.returncode != 0:
            self.stop()
            raise RuntimeError(
                f"start.sh failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
            )

    def stop(self) -> None:
        subprocess.run(
            ["bash", str(self.source / "stop.sh")],
            env={**os.environ, "BASE": str(self.base)},
            capture_output=True,
            timeout=60,
            check=False,
        )
        if self._lock is not None:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None

    # --- the NBI's own access log ---------------------------------------------------------

    def nbi_log_size(self) -> int:
        return (self.run_dir / "nbi.log").stat().st_size

    def nbi_requests(self, since: int, pattern: str) -> list[str]:
        """Access-log lines written since byte ``since`` whose request matches ``pattern``."""
        with (self.run_dir / "nbi.log").open("rb") as f:
            f.seek(since)
            lines = f.read().decode("utf-8", "replace").splitlines()
        rx = re.compile(pattern)
        return [line for line in lines if "[INFO]" in line and rx.search(line)]

    # --- NBI helpers ----------------------------------------------------------------------

    def devices(self, query: dict[str, Any], projection: str = "_id") -> list[dict[str, Any]]:
        r = httpx.get(
            f"{self.nbi}/devices/",
            params={"query": json.dumps(query), "projection": projection},
            timeout=30,
        )
        r.raise_for_status()
        result: list[dict[str, Any]] = r.json()
        return result

    def task(
        self, device_id: str, task: dict[str, Any], cr: bool = True, timeout_ms: int = 10000
    ) -> httpx.Response:
        params = {"connection_request": "", "timeout": str(timeout_ms)} if cr else {}
        return httpx.post(
            f"{self.nbi}/devices/{quote(device_id, safe='')}/tasks",
            params=params,
            json=task,
            timeout=timeout_ms / 1000 + 30,
        )

    def pending_tasks(self, device_id: str) -> list[dict[str, Any]]:
        r = httpx.get(
            f"{self.nbi}/tasks/", params={"query": json.dumps({"device": device_id})}, timeout=30
        )
        r.raise_for_status()
        result: list[dict[str, Any]] = r.json()
        return result


@dataclass
class Ponapi:
    """``ponapi serve`` as a subprocess against the real NBI, with an admin and an ACS OLT."""

    genieacs_url: str
    workdir: Path
    port: int = field(default_factory=lambda: free_ports(1)[0])
    token: str = ""
    olt_id: int = 0
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": f"sqlite+aiosqlite:///{self.workdir / 'ponapi.db'}",
            "SECRET_KEY": "real-acs-suite-secret-key-0123456789-abcdef",
            "DATA_DIR": str(self.workdir / "data"),
            "GENIEACS_URL": self.genieacs_url,
            "LOG_FORMAT": "text",
            "LOG_LEVEL": "WARNING",
            "RATE_LIMIT_STATS_PER_MINUTE": "100000",
            "RATE_LIMIT_REFRESH_PER_MINUTE": "10000",
            "LIVE_READ_COOLDOWN_SECONDS": "0",
            "GENIEACS_CONNECTION_REQUEST_TIMEOUT_MS": "8000",
        }

    def cli(self, *args: str, stdin: str = "") -> str:
        proc = subprocess.run(
            [sys.executable, "-m", "ponapi.cli", *args],
            env=self.env(),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"ponapi {' '.join(args)} failed: {proc.stderr}")
        return proc.stdout

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.cli(
            "users",
            "create",
            "admin",
            "--role",
            "admin",
            "--password-stdin",
            stdin="pw-0123456789\n",
        )
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "ponapi.cli", "serve", "--port", str(self.port)],
            env=self.env(),
            stdout=(self.workdir / "serve.log").open("wb"),
            stderr=subprocess.STDOUT,
        )

        def up() -> bool:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError((self.workdir / "serve.log").read_text())
            with contextlib.suppress(httpx.HTTPError):
                return httpx.get(f"{self.url}/health", timeout=2).status_code < 500
            return False

        wait_for(up, 60, "ponapi serve")
        r = httpx.post(
            f"{self.url}/api/auth/login",
            json={"username": "admin", "password": "pw-0123456789"},
            timeout=30,
        )
        r.raise_for_status()
        self.token = r.json()["access_token"]
        r = self.client().post(
            "/api/olts",
            json={
                "name": "OLT real ACS",
                "brand": "huawei",
                "host": "127.0.0.1",
                "username": "u",
                "password": "p",
                "statsSource": "acs",
            },
        )
        r.raise_for_status()
        self.olt_id = r.json()["data"]["id"]

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)

    def client(self, timeout: float = 60.0) -> httpx.Client:
        return httpx.Client(
            base_url=self.url, headers={"Authorization": f"Bearer {self.token}"}, timeout=timeout
        )

    def add_onu(self, serial: str) -> None:
        with self.client() as c:
            r = c.post(f"/api/olts/{self.olt_id}/onus", json={"serial": serial})
            assert r.status_code in (200, 201, 409), r.text

    def stats_path(self, serial: str) -> str:
        return f"/api/olts/{self.olt_id}/onus/{serial}/tr069-stats"


@contextlib.contextmanager
def timed(label: str, sink: dict[str, float]) -> Iterator[None]:
    t0 = time.monotonic()
    yield
    sink[label] = round(time.monotonic() - t0, 2)
