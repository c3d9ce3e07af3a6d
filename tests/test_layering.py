"""The layers point one way: the domain (TR-069 mapping, OLT CLI, ACS client, stats service)
loads no web framework and no database toolkit, imports nothing from the layers above it, and
no ponapi module imports itself back."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "ponapi"
FORBIDDEN = ("fastapi", "starlette", "sqlalchemy")


@pytest.mark.parametrize(
    "module", ["ponapi.tr069", "ponapi.olt", "ponapi.acs", "ponapi.stats", "ponapi.appwire"]
)
def test_domain_packages_load_no_web_framework_nor_database_toolkit(module: str) -> None:
    # Every module of the package, in a fresh interpreter: what it loads is all it needs.
    names = sorted(
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for path in (PACKAGE / module.split(".")[1]).rglob("*.py")
    )
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({FORBIDDEN!r})))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]", f"{module} loads {out.stdout.strip()}"


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def _imports(path: Path, name: str) -> set[str]:
    """The ponapi modules ``path`` imports, at load time or later inside a function (a deferred
    import only hides a cycle), but not under TYPE_CHECKING (annotations only)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    todo: list[ast.stmt] = list(tree.body)  # statements, nested ones included
    while todo:
        node = todo.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            todo += node.orelse
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("ponapi")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            if base.startswith("ponapi"):
                found.add(base)
                found |= {f"{base}.{a.name}" for a in node.names}
        else:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.stmt):
                    todo.append(child)
                elif isinstance(child, ast.excepthandler | ast.match_case):
                    todo += child.body
    return found


def test_no_import_cycles_among_ponapi_modules() -> None:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts}
    graph = {
        name: {dep for dep in _imports(path, name) if dep in modules and dep != name}
        for name, path in modules.items()
    }
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                cycles.append([*stack[stack.index(dep) :], dep])
            elif dep not in state:
                visit(dep)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_routes_do_not_import_routes() -> None:
    routes = PACKAGE / "api" / "routes"
    for path in routes.glob("*.py"):
        name = _module_name(path)
        others = {d for d in _imports(path, name) if d.startswith("ponapi.api.routes.")}
        assert not others, f"{name} imports {sorted(others)}"


# Which product packages each domain package may not import: the layers point one way,
# api -> service (stats, actions) -> sources (acs, olt) -> mapping (tr069) -> shared leaves.
BELOW = {
    "tr069": ("stats", "actions", "api", "acs", "olt", "db", "appwire"),
    "olt": ("stats", "actions", "api", "acs", "db", "appwire"),
    "acs": ("stats", "actions", "api", "olt", "db", "appwire"),
    "stats": ("actions", "api", "db", "appwire"),
    "actions": ("api", "db", "appwire"),
    "appwire": ("api", "db", "actions"),
}


def _upward_imports() -> list[str]:
    found = []
    for path in PACKAGE.rglob("*.py"):
        name = _module_name(path)
        layer = name.split(".")[1] if name.count(".") else ""
        for dep in _imports(path, name) if layer in BELOW else ():
            parts = dep.split(".")
            if len(parts) > 1 and parts[1] in BELOW[layer]:
                found.append(f"{name} -> {dep}")
    return sorted(found)


def test_domain_packages_import_nothing_from_the_layers_above_them() -> None:
    assert _upward_imports() == []


def test_the_direction_check_sees_an_upward_import() -> None:
    # The check itself: a mapping module that reached up into the service would be named.
    fake = PACKAGE / "tr069" / "_layer_probe.py"
    fake.write_text("from ponapi.stats import service\n", encoding="utf-8")
    try:
        assert "ponapi.tr069._layer_probe -> ponapi.stats" in _upward_imports()
    finally:
        fake.unlink()
