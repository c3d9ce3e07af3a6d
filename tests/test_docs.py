"""The reference docs document every setting and every error code; the README links them."""

import re
import tomllib
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


def test_the_contract_schemas_are_the_packages_files_and_the_docs_link_them():
    """One copy of each JSON Schema, in the package (installed with it, so /openapi.json of an
    install has them); the contract pages link those files, and no copy lies in docs/."""
    package = DOCS.parent / "ponapi" / "contract"
    schemas = sorted(p.name for p in package.glob("*.schema.json"))
    assert schemas == ["actions.schema.json", "app-wire.schema.json", "tr069-stats.schema.json"]
    assert list(DOCS.rglob("*.schema.json")) == []
    pyproject = tomllib.loads((DOCS.parent / "pyproject.toml").read_text())
    assert "contract/*.schema.json" in pyproject["tool"]["setuptools"]["package-data"]["ponapi"]
    linked = set()
    for page in (DOCS / "contract").glob("*.md"):
        for target in re.findall(r"\]\(([^)#]+\.schema\.json)\)", page.read_text()):
            assert (page.parent / target).resolve().parent == package.resolve(), (page, target)
            assert (page.parent / target).is_file(), (page, target)
            linked.add(Path(target).name)
    assert linked == set(schemas)
