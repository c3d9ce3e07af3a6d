"""The project's shared real fixtures (../shared/fixtures), as tests read them."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.services import missing

SHARED = Path(__file__).resolve().parents[2] / "shared"
ACS = SHARED / "fixtures" / "acs"
CONTRACT = SHARED / "contract" / "tr069-stats.schema.json"


def acs_dir() -> Path:
    if not ACS.is_dir():
        missing("../shared/fixtures (the project's shared fixtures)")
    return ACS


@cache
def _json(name: str) -> str:
    return (ACS / "derived-nbi-json" / name).read_text()


def nbi_json(name: str) -> dict[str, Any]:
    acs_dir()
    loaded = json.loads(_json(name))
    return loaded[0] if isinstance(loaded, list) else loaded


@cache
def _csv(name: str) -> str:
    return (ACS / name).read_text()


def csv_text(name: str) -> str:
    acs_dir()
    return _csv(name)


def all_csv() -> list[str]:
    return sorted(p.name for p in ACS.glob("*.csv")) if ACS.is_dir() else []


def all_json() -> list[str]:
    folder = ACS / "derived-nbi-json"
    return sorted(p.name for p in folder.glob("*.json")) if folder.is_dir() else []


@cache
def stats_schema() -> dict[str, Any]:
    if not CONTRACT.is_file():
        pytest.fail("../shared/contract/tr069-stats.schema.json is missing")
    return dict(json.loads(CONTRACT.read_text()))


def validate_stats(body: dict[str, Any]) -> None:
    import jsonschema

    jsonschema.Draft202012Validator(stats_schema()).validate(body)
