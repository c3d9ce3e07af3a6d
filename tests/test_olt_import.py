"""``ponapi olts import``: all or nothing, errors name the line, passwords never printed;
and the migration that gives existing OLTs no tenant."""

from __future__ import annotations

import json
import sqlite3

from tests.test_cli import _run

HEADER = "id,tenant,name,brand,model,host,port,protocol,username,password,stats_source\n"


def _olts(tmp_path):
    con = sqlite3.connect(tmp_path / "cli.db")
    try:
        return con.execute("select id, tenant, name, port from olts order by id").fetchall()
    finally:
        con.close()


def test_csv_import_creates_then_replaces_by_the_platforms_ids(tmp_path):
    f = tmp_path / "olts.csv"
    f.write_text(
        HEADER
        + "101,7,Centro,huawei,MA5800,10.0.0.1,,ssh,noc,S3cret-pass-101,auto\n"
        + "205,8,Norte,zte,C320,10.0.0.2,2323,telnet,noc,S3cret-pass-205,cli\n"
    )
    r = _run(["olts", "import", str(f)], tmp_path)
    assert r.returncode == 0, r.stderr
    assert "2 OLTs (2 created, 0 replaced)" in r.stdout
    assert _olts(tmp_path) == [(101, "7", "Centro", 22), (205, "8", "Norte", 2323)]
    again = _run(["olts", "import", str(f)], tmp_path)  # idempotent
    assert "(0 created, 2 replaced)" in again.stdout
    assert _olts(tmp_path) == [(101, "7", "Centro", 22), (205, "8", "Norte", 2323)]


def test_a_bad_line_imports_nothing_and_names_the_line_without_the_password(tmp_path):
    f = tmp_path / "olts.csv"
    f.write_text(
        HEADER
        + "101,7,Centro,huawei,,10.0.0.1,,ssh,noc,S3cret-pass-101,auto\n"
        + "102,7,Sur,nokia,,10.0.0.3,,ssh,noc,S3cret-pass-102,auto\n"
        + "103,7,Este,huawei,,10.0.0.4,,ssh,noc,bad\npass,auto\n"
    )
    r = _run(["olts", "import", str(f)], tmp_path)
    assert r.returncode == 1
    assert "line 3: brand" in r.stderr
    assert "line 5: id" in r.stderr  # "pass,auto": a row of its own
    assert "S3cret" not in r.stderr + r.stdout and "pass-10" not in r.stderr
    assert not (tmp_path / "cli.db").exists() or _olts(tmp_path) == []


def test_json_import_and_a_name_clash_rolls_back_everything(tmp_path):
    rows = [
        {"id": 1, "tenant": "7", "name": "A", "brand": "huawei", "host": "10.0.0.1",
         "username": "noc", "password": "S3cret-json-1"},
        {"id": 2, "tenant": 8, "name": "A", "brand": "zte", "host": "10.0.0.2",
         "username": "noc", "password": "S3cret-json-2"},
    ]  # fmt: skip
    f = tmp_path / "olts.json"
    f.write_text(json.dumps(rows, indent=2))
    r = _run(["olts", "import", str(f)], tmp_path)
    assert r.returncode == 1
    assert "tenant" in r.stderr and "line 11" in r.stderr  # the tenant 8 is not a string
    rows[1]["tenant"] = "8"
    f.write_text(json.dumps(rows, indent=2))
    r = _run(["olts", "import", str(f)], tmp_path)
    assert r.returncode == 1 and "line 11: the name 'A' is taken" in r.stderr
    assert "S3cret" not in r.stderr
    assert _olts(tmp_path) == []


def test_migration_leaves_existing_olts_without_a_tenant(tmp_path):
    from ponapi.db.migrate import upgrade

    url = f"sqlite+aiosqlite:///{tmp_path}/m.db"
    upgrade(url, "0004")
    con = sqlite3.connect(tmp_path / "m.db")
    con.execute(
        "insert into olts (name, brand, model, host, port, protocol, username, "
        "password_encrypted, stats_source, ssh_host_key, created_at, updated_at) values "
        "('old', 'huawei', '', 'h', 22, 'ssh', 'u', x'00', 'auto', '', '2026-01-01', '2026-01-01')"
    )
    con.commit()
    con.close()
    upgrade(url)
    con = sqlite3.connect(tmp_path / "m.db")
    assert con.execute("select name, tenant from olts").fetchall() == [("old", None)]
    con.close()
