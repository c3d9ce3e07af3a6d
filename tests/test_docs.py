"""The README documents every setting and every error code."""

from pathlib import Path

from ponapi.api.errors import ErrorCode
from ponapi.config import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_every_setting_is_documented():
    undocumented = [
        name.upper() for name in Settings.model_fields if f"`{name.upper()}`" not in README
    ]
    assert undocumented == []


def test_every_error_code_is_documented():
    assert [c.value for c in ErrorCode if f"`{c.value}`" not in README] == []
