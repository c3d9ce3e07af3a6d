"""``ponapi olts import FILE``: a platform's OLT registry (its own ids and ISPs) loaded in one
transaction, all or nothing. CSV (a header row) or JSON (an array of objects); columns: id,
tenant, name, brand, model, host, port, protocol, username, password, stats_source. Each row is
validated like ``PUT /api/olts/{id}``; errors name the line and never show a value (a password
is never printed)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ponapi.api.schemas import OltCreate
from ponapi.crypto import CredentialCipher
from ponapi.db.ids import advance_id_sequence
from ponapi.db.models import Olt, Protocol

COLUMNS = (
    "id",
    "tenant",
    "name",
    "brand",
    "model",
    "host",
    "port",
    "protocol",
    "username",
    "password",
    "stats_source",
)
MAX_ID = 2**31 - 1
DEFAULT_PORT = {Protocol.ssh: 22, Protocol.telnet: 23}


class RegistryImportError(Exception):
    """The file cannot be imported; ``errors`` name each bad line."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Row:
    line: int
    id: int
    olt: OltCreate


@dataclass(frozen=True)
class Outcome:
    created: int
    replaced: int


def _records(text: str, suffix: str) -> list[tuple[int, dict[str, Any]]]:
    """(line, record) pairs."""
    if suffix == ".json" or text.lstrip().startswith("["):
        return _json_records(text)
    reader = csv.DictReader(io.StringIO(text))
    unknown = sorted(set(reader.fieldnames or ()) - set(COLUMNS) - {"statsSource"})
    if unknown:
        raise RegistryImportError([f"line 1: unknown column(s) {unknown}; known: {list(COLUMNS)}"])
    out = []
    for record in reader:
        clean = {k: v for k, v in record.items() if k is not None and v not in (None, "")}
        if None in record:
            raise RegistryImportError([f"line {reader.line_num}: more values than columns"])
        out.append((reader.line_num, clean))
    return out


def _json_records(text: str) -> list[tuple[int, dict[str, Any]]]:
    decoder = json.JSONDecoder()
    pos = len(text) - len(text.lstrip())
    if not text.startswith("[", pos):
        raise RegistryImportError(["line 1: a JSON file holds an array of OLT objects"])
    pos += 1
    out: list[tuple[int, dict[str, Any]]] = []
    while True:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        line = text.count("\n", 0, pos) + 1
        if pos >= len(text):
            raise RegistryImportError([f"line {line}: the JSON array is not closed"])
        if text[pos] == "]":
            return out
        try:
            value, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise RegistryImportError([f"line {exc.lineno}: invalid JSON ({exc.msg})"]) from None
        if not isinstance(value, dict):
            raise RegistryImportError([f"line {line}: each item is an object"])
        out.append((line, value))


def _message(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors(include_input=False, include_url=False, include_context=False):
        where = ".".join(str(p) for p in err["loc"]) or "row"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)


def parse(path: Path) -> list[Row]:
    """Every row validated; every bad line reported at once."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise RegistryImportError([f"{path}: cannot be read ({type(exc).__name__})"]) from None
    rows: list[Row] = []
    errors: list[str] = []
    seen: dict[int, int] = {}
    for line, record in _records(text, path.suffix.lower()):
        raw_id = record.pop("id", None)
        try:
            olt_id = int(str(raw_id))
        except ValueError:
            olt_id = 0
        if isinstance(raw_id, bool) or not 1 <= olt_id <= MAX_ID:
            errors.append(f"line {line}: id: the platform's OLT id (1..{MAX_ID}) is required")
            continue
        if olt_id in seen:
            errors.append(f"line {line}: id {olt_id} already on line {seen[olt_id]}")
            continue
        seen[olt_id] = line
        if "stats_source" in record:
            record["statsSource"] = record.pop("stats_source")
        try:
            rows.append(Row(line, olt_id, OltCreate.model_validate(record)))
        except ValidationError as exc:
            errors.append(f"line {line}: {_message(exc)}")
    if errors:
        raise RegistryImportError(errors)
    return rows


async def load(db: AsyncSession, rows: list[Row], cipher: CredentialCipher) -> Outcome:
    """Create or replace each OLT by id, in the session's one transaction (committed here only
    when every row went in)."""
    created = replaced = 0
    for row in rows:
        body = row.olt
        olt = await db.get(Olt, row.id)
        if olt is None:
            olt = Olt(id=row.id, ssh_host_key="")
            db.add(olt)
            created += 1
        else:
            if (olt.host, olt.port) != (body.host, body.port or DEFAULT_PORT[body.protocol]):
                olt.ssh_host_key = ""
            replaced += 1
        olt.tenant = body.tenant
        olt.name, olt.brand, olt.model = body.name, body.brand.value, body.model
        olt.host, olt.port = body.host, body.port or DEFAULT_PORT[body.protocol]
        olt.protocol, olt.username = body.protocol.value, body.username
        olt.password_encrypted = cipher.encrypt(body.password)
        olt.stats_source = body.stats_source.value
        try:
            await db.flush()
        except IntegrityError:
            await db.rollback()
            raise RegistryImportError(
                [f"line {row.line}: the name {body.name!r} is taken by another OLT"]
            ) from None
    await advance_id_sequence(db, "olts")
    await db.commit()
    return Outcome(created, replaced)
