"""The production install: ponapi and its runtime dependencies only, not editable, and the
systemd unit runs the installed ``ponapi serve``. The wheel of this checkout is installed into a
fresh virtualenv whose only other packages are the runtime ones (the test tools are blocked:
importing one fails), and that ``ponapi serve`` serves the API."""

from __future__ import annotations

import importlib.util
import os
import re
import secrets
import shutil
import site
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from ponapi.api.openapi import STATS_PATH
from tests.services import free_port, missing

ROOT = Path(__file__).resolve().parents[1]
PIP = (sys.executable, "-m", "pip")
DEV_ONLY = ("pytest", "_pytest", "pytest_asyncio", "hypothesis", "schemathesis", "mypy", "ruff")

BLOCKER = f"""
import importlib.abc, sys
class _DevOnly(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {DEV_ONLY!r}:
            raise ImportError(f"{{name}} is a development tool, not installed in production")
        return None
sys.meta_path.insert(0, _DevOnly())
"""


def _recipe(target: str) -> str:
    text = (ROOT / "Makefile").read_text()
    match = re.search(rf"^{re.escape(target)}:.*\n((?:\t.*\n)+)", text, re.M)
    assert match, f"no {target} target"
    return match.group(1)


def test_install_prod_is_runtime_only_and_the_unit_runs_the_installed_ponapi():
    recipe = _recipe("install-prod")
    assert re.search(r"pip install [^\n]*\.\s*$", recipe, re.M), recipe
    assert "-e" not in recipe.split() and "[dev]" not in recipe and " -q" not in recipe
    unit = (ROOT / "deploy" / "ponapi.service").read_text()
    start = [ln for ln in unit.splitlines() if ln.startswith("ExecStart=")]
    assert len(start) == 1 and re.fullmatch(r"ExecStart=/\S+/bin/ponapi serve .*", start[0])
    assert "make" not in start[0] and "pip" not in unit.split("[Service]")[1]


def test_a_runtime_only_install_serves_the_api(tmp_path):
    if importlib.util.find_spec("wheel") is None:
        missing("the 'wheel' package (make install puts it in .venv)")
    # Built from a clean copy of what the build reads: no build/ or egg-info of an earlier build
    # in this checkout can add a file the package's own configuration would leave out.
    source = tmp_path / "source"
    shutil.copytree(
        ROOT / "ponapi", source / "ponapi", ignore=shutil.ignore_patterns("__pycache__")
    )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    wheels = tmp_path / "wheels"
    subprocess.run(
        [*PIP, "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels), str(source)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    (wheel,) = wheels.glob("ponapi-*.whl")
    subprocess.run(
        [*PIP, "--python", str(python), "install", "--no-deps", "-q", str(wheel)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    # The runtime dependencies come from the test environment, with the test tools blocked.
    lib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(lib) / "_ponapi_runtime_only.py").write_text(BLOCKER)
    (Path(lib) / "aa_runtime_only.pth").write_text("import _ponapi_runtime_only\n")
    (Path(lib) / "zz_runtime_deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")

    check = subprocess.run(
        [str(python), "-c", "import ponapi, pytest"], capture_output=True, text=True, cwd=tmp_path
    )
    assert "development tool" in check.stderr, check.stderr  # the blocker works
    where = subprocess.run(
        [
            str(python),
            "-c",
            "import ponapi.sim.genieacs as g, ponapi; "
            "print(ponapi.__file__); print(len(g.bundled_documents()))",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    ).stdout.split()
    assert where[0].startswith(lib), where  # the installed copy, not this checkout
    assert int(where[1]) >= 4  # the demo's device dumps are installed

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PONAPI", "REDIS", "GENIEACS"))}
    env |= {
        "ENVIRONMENT": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "CREDENTIALS_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'ponapi.db'}",
        "DATA_DIR": str(tmp_path / "data"),
        "LOG_LEVEL": "WARNING",
    }
    proc = subprocess.Popen(
        [str(venv / "bin" / "ponapi"), "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.communicate()[0]
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the installed ponapi did not start"
            time.sleep(0.2)
        password = (tmp_path / "data" / "initial_admin_password").read_text().strip()
        login = httpx.post(
            f"{base}/api/auth/login", json={"username": "admin", "password": password}
        )
        assert login.status_code == 200, login.text
        token = login.json()["access_token"]
        olts = httpx.get(f"{base}/api/olts", headers={"Authorization": f"Bearer {token}"})
        assert olts.status_code == 200 and olts.json()["data"] == []
        docs = httpx.get(f"{base}/docs")
        assert docs.status_code == 200 and "swagger" in docs.text.lower()
        # The contract's JSON Schemas are installed with the package: /openapi.json has them.
        document = httpx.get(f"{base}/openapi.json").json()
        components = document["components"]["schemas"]
        assert {"Tr069Stats", "Actions_rebootSuccess", "AppWire_stats"} <= set(components)
        stats = document["paths"][STATS_PATH]["get"]["responses"]["200"]
        assert "#/components/schemas/Tr069Stats" in str(stats)
        assert "success" in components["ErrorEnvelope"]["properties"]
    finally:
        proc.terminate()
        out = proc.communicate(timeout=30)[0]
    assert "Traceback" not in out, out


pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")
