"""The README (or a guide under docs/ it links) documents every setting and every error code."""

from pathlib import Path

from ponapi.api.errors import ErrorCode
from ponapi.config import Settings

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
GUIDES = README + "".join(p.read_text() for p in sorted((ROOT / "docs").glob("*.md")))


def test_every_setting_is_documented():
    undocumented = [
        name.upper() for name in Settings.model_fields if f"`{name.upper()}`" not in GUIDES
    ]
    assert undocumented == []


def test_every_error_code_is_documented():
    assert [c.value for c in ErrorCode if f"`{c.value}`" not in README] == []
