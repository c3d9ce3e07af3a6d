"""The reference docs document every setting and every error code; the README links them."""

from pathlib import Path

from ponapi.api.errors import ErrorCode
from ponapi.config import Settings

DOCS = Path(__file__).resolve().parents[1] / "docs"
CONFIGURATION = (DOCS / "configuration.md").read_text()
PLATFORM = (DOCS / "platform.md").read_text()  # the HOST_* settings
ERRORS = (DOCS / "errors.md").read_text()


def test_every_setting_is_documented():
    undocumented = [
        name.upper()
        for name in Settings.model_fields
        if f"`{name.upper()}`" not in CONFIGURATION + PLATFORM
    ]
    assert undocumented == []


def test_every_error_code_is_documented():
    assert [c.value for c in ErrorCode if f"`{c.value}`" not in ERRORS] == []


def test_the_docs_say_what_the_code_does():
    security = (DOCS / "security.md").read_text()
    assert "only reads devices" not in security and "read-only OLT user" not in security
    for action in ("factory-reset", "disable", "lan-dhcp", "resync-config", "diagnostic/ping"):
        assert action in security
    assert "ont deactivate" in security and "onu ID state" in security
    assert '{"hosts": 30, "lanPorts": 30}' in CONFIGURATION
    readme = (DOCS.parent / "README.md").read_text()
    assert "five sections" not in readme and "`cooldown`" in readme
