"""Production keys must be generated, not pasted; building Settings touches no file."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from ponapi.config import Settings, get_settings, key_problem

README_KEY = "<python3 -c 'import secrets; print(secrets.token_urlsafe(48))'>"
README_CREDENTIALS = "<another one, kept separately: it decrypts the stored OLT passwords>"
GOOD = secrets.token_urlsafe(48)


@pytest.mark.parametrize(
    "key",
    [
        README_KEY,
        README_CREDENTIALS,
        "<paste a key here>",
        "x" * 40,
        "0123456789" * 4,
        "change-me-long-random-change-me-long-random",
        "short-but-random-Zq3vX9",
        "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'",
    ],
)
def test_placeholder_and_low_entropy_keys_are_refused_in_production(key):
    assert key_problem(key) is not None
    with pytest.raises(ValueError, match="SECRET_KEY"):
        Settings(_env_file=None, environment="production", secret_key=key)  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="CREDENTIALS_KEY"):
        Settings(_env_file=None, environment="production", secret_key=GOOD, credentials_key=key)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    "key", [secrets.token_urlsafe(48), secrets.token_hex(32), secrets.token_urlsafe(24)]
)
def test_generated_keys_are_accepted(key):
    assert key_problem(key) is None
    s = Settings(_env_file=None, environment="production", secret_key=key, credentials_key=GOOD)  # type: ignore[call-arg]
    assert s.secret_key == key


def test_the_readmes_old_env_block_is_refused_in_one_line(tmp_path):
    """The `.env` the README used to show, pasted as written: one line, exit status 2."""
    (tmp_path / ".env").write_text(
        f"ENVIRONMENT=production\nSECRET_KEY={README_KEY}\nCREDENTIALS_KEY={README_CREDENTIALS}\n"
        f"DATABASE_URL=sqlite+aiosqlite:///{tmp_path}/p.db\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ENVIRONMENT")}
    out = subprocess.run(
        [sys.executable, "-m", "ponapi.cli", "serve", "--port", "1"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2, out
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert lines[0].startswith("ponapi: configuration: SECRET_KEY is a placeholder"), lines
    assert "Traceback" not in out.stderr and "validation error" not in out.stderr
    assert not (tmp_path / "p.db").exists()


def test_building_settings_writes_no_file(tmp_path, monkeypatch):
    """A host app's Settings() leaves its directory alone (the key is kept in memory)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert len(s.secret_key) >= 32
    assert list(tmp_path.iterdir()) == []


def test_the_service_keeps_its_development_key_in_a_private_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "d"))
    get_settings.cache_clear()
    try:
        first = get_settings().secret_key
        get_settings.cache_clear()
        assert get_settings().secret_key == first
    finally:
        get_settings.cache_clear()
    path = Path(tmp_path / "d" / "secret_key")
    assert path.read_text() == first
    assert path.stat().st_mode & 0o777 == 0o600
    # Settings() reads the kept key (the same tokens stay valid), still writing nothing.
    assert Settings(_env_file=None, data_dir=tmp_path / "d").secret_key == first  # type: ignore[call-arg]


def test_the_production_env_step_generates_keys_production_accepts(tmp_path, monkeypatch):
    """docs/production.md's `.env` step, run with the file written here instead of /opt: the
    service accepts what it generates (and two runs give different keys)."""
    text = (Path(__file__).resolve().parents[1] / "docs" / "production.md").read_text()
    block = next(b for b in text.split("```sh\n") if "SECRET_KEY=$(python3" in b).split("```")[0]
    script = "\n".join(ln for ln in block.splitlines() if not ln.startswith("sudo install"))
    script = script.replace("sudo tee /opt/ponapi/.env >/dev/null", 'cat > "$OUT"')
    for var in ("ENVIRONMENT", "SECRET_KEY", "CREDENTIALS_KEY", "DATABASE_URL"):
        monkeypatch.delenv(var, raising=False)
    keys = []
    for name in ("a.env", "b.env"):
        out = tmp_path / name
        subprocess.run(
            ["bash", "-ec", script],
            env={**os.environ, "OUT": str(out), "DBPASS": "pw"},
            check=True,
            timeout=30,
        )
        s = Settings(_env_file=out)  # type: ignore[call-arg]
        assert s.environment == "production" and s.database_url.endswith(
            ":pw@127.0.0.1:5432/ponapi"
        )
        assert key_problem(s.secret_key) is None and key_problem(s.credentials_key) is None
        assert s.secret_key != s.credentials_key
        keys.append(s.secret_key)
    assert keys[0] != keys[1]
