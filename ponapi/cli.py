"""Operator commands: ``ponapi serve``, ``ponapi db upgrade``, ``ponapi users create`` ..."""

from __future__ import annotations

import asyncio
import enum
import logging
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from ponapi.config import Settings, describe_settings_error, get_settings
from ponapi.db.models import Role


class EventLoop(enum.StrEnum):
    asyncio = "asyncio"
    uvloop = "uvloop"


app = typer.Typer(help="ponapi: OLT/ONU registry and TR-069 statistics.", no_args_is_help=True)
db_app = typer.Typer(help="Database commands.", no_args_is_help=True)
users_app = typer.Typer(help="User accounts.", no_args_is_help=True)
tr069_app = typer.Typer(help="TR-069 data-model tools.", no_args_is_help=True)
credentials_app = typer.Typer(help="OLT credentials encryption.", no_args_is_help=True)
app.add_typer(credentials_app, name="credentials")
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(tr069_app, name="tr069")
olts_app = typer.Typer(help="The OLT registry.", no_args_is_help=True)
app.add_typer(olts_app, name="olts")
sim_app = typer.Typer(help="Simulators for tests and demos.", no_args_is_help=True)
app.add_typer(sim_app, name="sim")


def _settings() -> Settings:
    try:
        return get_settings()
    except Exception as exc:  # one line naming each wrong variable, not pydantic's dump
        typer.echo(f"ponapi: configuration: {describe_settings_error(exc)}", err=True)
        raise typer.Exit(2) from exc


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply database migrations up to the latest."""
    from ponapi.db.migrate import upgrade

    upgrade(_settings().database_url)
    typer.echo("database is up to date")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    migrate: Annotated[bool, typer.Option(help="Apply migrations first.")] = True,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    loop: Annotated[
        EventLoop,
        typer.Option(
            help="Event loop. asyncio (default) shares a saturated CPU fairly between "
            "connections; uvloop starved some for about a second at saturation (make bench)."
        ),
    ] = EventLoop.asyncio,
) -> None:
    """Run the API (production entry point)."""
    from ponapi import logs, server, startup

    settings = _settings()
    logs.configure(settings.log_level, settings.log_format)
    try:
        startup.check_database_url(settings.database_url)
        sock = server.bind(host, port)  # before migrations: a taken port fails at once
    except server.StartupError as exc:
        typer.echo(f"ponapi serve: {exc}", err=True)
        raise typer.Exit(1) from exc
    try:
        startup.check_redis(settings.redis_url, settings.cache_timeout_ms / 1000 * 4)
        password = startup.prepare_database(settings, migrate=migrate)
    except server.StartupError as exc:
        sock.close()
        typer.echo(f"ponapi serve: {exc}", err=True)
        raise typer.Exit(1) from exc
    if password:
        typer.echo(
            "\n  First start: created user 'admin' with password: "
            f"{password}\n  (also saved in {settings.data_dir / 'initial_admin_password'}; "
            "delete that file once you have changed it)\n"
        )
    typer.echo(f"  API docs: http://{host}:{port}/docs")
    typer.echo(
        f"  Log in:   curl -s -X POST http://{host}:{port}/api/auth/login "
        '-H \'Content-Type: application/json\' -d \'{"username":"admin","password":"..."}\'\n'
    )
    with server.shared_metrics(workers):
        server.run(
            "ponapi.main:serve_app",
            host=host,
            port=port,
            workers=workers,
            loop=loop.value,
            log_level=settings.log_level.lower(),
            sock=sock,
        )


@app.command()
def demo(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
) -> None:
    """Run ponapi with simulated GenieACS and OLTs and seeded users, OLTs and ONUs."""
    from pathlib import Path

    from ponapi.demo import run_demo
    from ponapi.server import StartupError

    try:
        asyncio.run(run_demo(host, port, Path(".ponapi") / "demo"))
    except StartupError as exc:
        typer.echo(f"ponapi demo: {exc}", err=True)
        raise typer.Exit(1) from exc
    except KeyboardInterrupt:
        pass


@users_app.command("create")
def users_create(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[Role, typer.Option(help="admin, technician or viewer.")] = Role.viewer,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create a user. The password is prompted for (or read from stdin), never an argument."""
    from ponapi.bootstrap import UserExistsError, create_user
    from ponapi.db.migrate import upgrade
    from ponapi.db.session import make_engine, make_sessionmaker

    settings = _settings()
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    upgrade(settings.database_url)

    async def run() -> None:
        engine = make_engine(settings.database_url)
        try:
            async with make_sessionmaker(engine)() as db:
                await create_user(db, username, password, role)
        finally:
            await engine.dispose()

    try:
        asyncio.run(run())
    except UserExistsError as exc:
        typer.echo(f"user {username!r} already exists", err=True)
        raise typer.Exit(1) from exc
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"created {role.value} {username!r}")


@olts_app.command("import")
def olts_import(
    file: Annotated[Path, typer.Argument(help="CSV (header row) or JSON array of OLTs.")],
) -> None:
    """Create or replace OLTs by the platform's ids, with their ISP (tenant), in one
    transaction: all or nothing. Errors name the line; passwords are never printed."""
    from ponapi.crypto import CredentialCipher
    from ponapi.db.migrate import upgrade
    from ponapi.db.session import make_engine, make_sessionmaker
    from ponapi.olt_import import RegistryImportError, load, parse

    settings = _settings()
    try:
        rows = parse(file)
    except RegistryImportError as exc:
        for error in exc.errors:
            typer.echo(f"{file}: {error}", err=True)
        raise typer.Exit(1) from exc
    upgrade(settings.database_url)
    cipher = CredentialCipher(settings.credentials_key or settings.secret_key)

    async def run() -> tuple[int, int]:
        engine = make_engine(settings.database_url)
        try:
            async with make_sessionmaker(engine)() as db:
                done = await load(db, rows, cipher)
                return done.created, done.replaced
        finally:
            await engine.dispose()

    try:
        created, replaced = asyncio.run(run())
    except RegistryImportError as exc:
        for error in exc.errors:
            typer.echo(f"{file}: {error}", err=True)
        typer.echo("nothing was imported", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"imported {len(rows)} OLTs ({created} created, {replaced} replaced)")


@users_app.command("set-password")
def users_set_password(
    username: Annotated[str, typer.Argument(help="Login name (any case).")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Set a user's password (e.g. the first admin's); the user's existing tokens stop working.

    The password is prompted for (or read from stdin), never an argument. Audited as
    ``user.password`` by ``cli``."""
    from datetime import UTC, datetime

    from sqlalchemy import func, select

    from ponapi.auth.passwords import MIN_PASSWORD_LENGTH, hash_password
    from ponapi.db.migrate import upgrade
    from ponapi.db.models import AuditEntry, User
    from ponapi.db.session import make_engine, make_sessionmaker

    settings = _settings()
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_PASSWORD_LENGTH:
        typer.echo(f"the password must have at least {MIN_PASSWORD_LENGTH} characters", err=True)
        raise typer.Exit(1)
    upgrade(settings.database_url)

    async def run() -> str | None:
        engine = make_engine(settings.database_url)
        try:
            async with make_sessionmaker(engine)() as db:
                query = select(User).where(func.lower(User.username) == username.lower())
                user = (await db.execute(query)).scalar_one_or_none()
                if user is None:
                    return None
                user.password_hash = hash_password(password)
                user.token_version += 1
                db.add(
                    AuditEntry(
                        at=datetime.now(UTC),
                        username="cli",
                        action="user.password",
                        target=f"user {user.username}",
                        result="ok",
                        details="{}",
                    )
                )
                await db.commit()
                return user.username
        finally:
            await engine.dispose()

    name = asyncio.run(run())
    if name is None:
        typer.echo(f"no user {username!r}", err=True)
        raise typer.Exit(1)
    typer.echo(f"password of {name!r} changed; their existing tokens no longer work")


@credentials_app.command("rotate")
def credentials_rotate(
    new_key_stdin: Annotated[
        bool, typer.Option("--new-key-stdin", help="Read the new key from standard input.")
    ] = False,
) -> None:
    """Re-encrypt every stored OLT password with a new CREDENTIALS_KEY, in one transaction.

    Run it with the current key configured; then set CREDENTIALS_KEY to the new key and restart.
    """
    from sqlalchemy import select

    from ponapi.crypto import CredentialCipher, CredentialError
    from ponapi.db.models import Olt
    from ponapi.db.session import make_engine, make_sessionmaker

    settings = _settings()
    if new_key_stdin:
        new_key = sys.stdin.readline().rstrip("\r\n")
    else:
        new_key = typer.prompt("New credentials key", hide_input=True, confirmation_prompt=True)
    if len(new_key) < 32:
        typer.echo("the new key must have at least 32 characters", err=True)
        raise typer.Exit(1)
    old = CredentialCipher(settings.credentials_key or settings.secret_key)
    new = CredentialCipher(new_key)

    async def run() -> int:
        engine = make_engine(settings.database_url)
        try:
            async with make_sessionmaker(engine)() as db:
                olts = (await db.execute(select(Olt))).scalars().all()
                for olt in olts:
                    olt.password_encrypted = new.encrypt(old.decrypt(olt.password_encrypted))
                await db.commit()
                return len(olts)
        finally:
            await engine.dispose()

    try:
        count = asyncio.run(run())
    except CredentialError as exc:
        typer.echo(
            f"nothing changed: a stored password cannot be decrypted with the current key ({exc})",
            err=True,
        )
        raise typer.Exit(1) from exc
    typer.echo(
        f"re-encrypted {count} OLT password(s); now set CREDENTIALS_KEY to the new key "
        "and restart every replica"
    )


def _parse_help() -> str:
    from ponapi.olt.parsers import PARSERS

    lines = ["Print the parsed records of a saved OLT output as JSON (secrets redacted).", ""]
    lines += ["COMMAND is the OLT command, with spaces or dashes. Known:", ""]
    for vendor, table in PARSERS.items():
        lines.append(f"{vendor}: " + ", ".join(sorted(table)))
        lines.append("")
    return "\n".join(lines)


def _command_key(command: str) -> str:
    """``"display  ont info"``, ``display-ont-info`` and ``Display ONT Info`` name one parser."""
    return "-".join(command.replace("-", " ").lower().split())


@app.command("parse", help=_parse_help())
def parse_cli_output(
    vendor: Annotated[str, typer.Argument(help="huawei or zte")],
    command: Annotated[
        str,
        typer.Argument(help='The OLT command: "display ont wan-info" or display-ont-wan-info'),
    ],
    file: Annotated[str, typer.Argument(help="Saved OLT output; - = stdin")],
) -> None:
    import json
    from pathlib import Path

    from ponapi.olt.parsers import PARSERS

    table = PARSERS.get(vendor.lower())
    if table is None:
        typer.echo(f"unknown vendor {vendor!r}; choose {' or '.join(PARSERS)}", err=True)
        raise typer.Exit(2)
    parser = table.get(_command_key(command))
    if parser is None:
        typer.echo(f"unknown command {command!r}; known: {', '.join(sorted(table))}", err=True)
        raise typer.Exit(2)
    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="latin-1")
    except OSError as exc:
        typer.echo(f"cannot read {file}: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(json.dumps(parser(text), indent=2, ensure_ascii=False))


@tr069_app.command("map")
def tr069_map(
    file: Annotated[
        str, typer.Argument(help="GenieACS device document (NBI JSON) or CSV export; - = stdin")
    ],
    timezone: Annotated[str, typer.Option(help="Display time zone for uptime.")] = "UTC",
) -> None:
    """Print the mapped sections (data + meta.sections) of a device, to see why it shows what
    it shows."""
    import json
    from datetime import UTC, datetime
    from pathlib import Path
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from ponapi.stats.annotate import annotate
    from ponapi.tr069.document import document_from_csv
    from ponapi.tr069.mapper import map_device

    try:
        tz = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        typer.echo(
            f"unknown time zone {timezone!r} for --timezone; use an IANA name such as "
            "UTC or America/Lima",
            err=True,
        )
        raise typer.Exit(2) from exc
    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        typer.echo(f"cannot read {file}: {exc}", err=True)
        raise typer.Exit(2) from exc
    try:
        if text.lstrip().startswith(("{", "[")):
            loaded = json.loads(text)
            if isinstance(loaded, list):
                if len(loaded) != 1:
                    raise ValueError("the JSON array must hold exactly one device")
                loaded = loaded[0]
            raw = loaded
        else:
            raw = document_from_csv(text)
        now = datetime.now(UTC)
        mapped = map_device(raw, now=now, tz=tz)
    except ValueError as exc:
        typer.echo(f"not a GenieACS device document or CSV export: {exc}", err=True)
        raise typer.Exit(2) from exc
    out: dict[str, Any] = {
        "data": {name: s.data for name, s in mapped.sections.items()},
        "meta": {
            "device": mapped.device,
            "sections": {
                name: {
                    "status": s.status,
                    "missing": s.missing,
                    "updatedAt": s.updated_at.isoformat() if s.updated_at else None,
                    **s.extra,
                }
                for name, s in mapped.sections.items()
            },
        },
    }
    # The server's own freshness notes: the last inform's age, a stale warning on old sections.
    stale_after = Settings.model_fields["data_stale_after_seconds"].default
    annotate(out["meta"], frozenset(mapped.sections), stale_after, now)
    typer.echo(json.dumps(out, indent=2, ensure_ascii=False))


def _acs_problem(url: str) -> str | None:
    """Why CPEs cannot reach the ACS at ``url`` (a TCP connection is tried), or None."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"--acs {url!r} is not an http(s) URL of the ACS's CWMP endpoint"
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        socket.create_connection((parts.hostname, port), timeout=5).close()
    except OSError as exc:
        reason = (exc.strerror or str(exc) or type(exc).__name__).lower()
        return f"cannot reach the ACS at {url}: {reason}"
    return None


class _NameTheAcs(logging.Filter):
    """A CPE's failed session names the ACS it was talking to."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url

    def filter(self, record: logging.LogRecord) -> bool:
        if "session failed" in str(record.msg) and self.url not in str(record.msg):
            record.msg = f"{record.msg} (ACS {self.url})"
        return True


@sim_app.command("cpe")
def sim_cpe(
    dumps: Annotated[list[str], typer.Argument(help="GenieACS CSV exports or NBI JSON documents")],
    acs: Annotated[str, typer.Option(help="The ACS's CWMP URL.")] = "http://127.0.0.1:7547/",
    count: Annotated[int, typer.Option(help="CPEs per dump (serials cloned).", min=1)] = 1,
    host: Annotated[str, typer.Option(help="Address for connection requests.")] = "127.0.0.1",
    latency: Annotated[float, typer.Option(help="Seconds before each RPC answer.")] = 0.0,
    periodic: Annotated[
        float | None, typer.Option(help="Inform interval in s (default: the dump's; 0 = off).")
    ] = None,
    boot_seconds: Annotated[float, typer.Option(help="How long a reboot takes.")] = 0.5,
    diagnostics_seconds: Annotated[float, typer.Option(help="How long a diagnostic runs.")] = 0.3,
    fault: Annotated[
        list[str] | None, typer.Option(help="RPC=CODE: answer that RPC with a CWMP fault.")
    ] = None,
    first_event: Annotated[
        str, typer.Option(help="Events of the first Inform, comma-separated.")
    ] = "0 BOOTSTRAP,1 BOOT",
    offline_after: Annotated[
        float | None, typer.Option(help="Go offline after this many seconds.")
    ] = None,
    duration: Annotated[float | None, typer.Option(help="Stop after this many seconds.")] = None,
) -> None:
    """Run CPEs that speak CWMP to an ACS, replaying real dumps (Ctrl-C stops)."""
    from pathlib import Path

    from ponapi.sim.cpe.cpe import Knobs
    from ponapi.sim.cpe.runner import Fleet

    faults: dict[str, int] = {}
    for item in fault or []:
        name, _, code = item.partition("=")
        if not code.isdigit():
            typer.echo(f"--fault wants RPC=CODE, got {item!r}", err=True)
            raise typer.Exit(2)
        faults[name] = int(code)
    # Arguments first (exit 2), then whether the ACS answers at all (exit 1).
    problem = _acs_problem(acs)
    if problem:
        typer.echo(f"ponapi sim cpe: {problem}", err=True)
        raise typer.Exit(1)
    logging.getLogger("ponapi.sim.cpe").addFilter(_NameTheAcs(acs))
    knobs = Knobs(
        latency=latency,
        periodic=periodic,
        boot_seconds=boot_seconds,
        diagnostics_seconds=diagnostics_seconds,
        faults=faults,
    )

    async def run() -> None:
        fleet = Fleet(acs, knobs, host)
        try:
            cpes = fleet.add_files([Path(d) for d in dumps], count)
        except (OSError, ValueError) as exc:
            typer.echo(f"cannot load dumps: {exc}", err=True)
            raise typer.Exit(2) from exc
        await fleet.start(tuple(e.strip() for e in first_event.split(",") if e.strip()))
        for cpe in cpes:
            typer.echo(f"CPE {cpe.device_id} connection requests on {cpe.cr.url}")
        try:
            if offline_after is not None:
                await asyncio.sleep(offline_after)
                for cpe in cpes:
                    await cpe.set_online(False)
                typer.echo("all CPEs offline")
            await asyncio.sleep(duration if duration is not None else float("inf"))
        finally:
            await fleet.stop()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    app()
