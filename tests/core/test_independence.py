"""Core imports no module; a module imports core and only its declared dependencies; each
module starts alone and with all the others."""

import ast
from pathlib import Path

import pytest

from core.loader import discover

ROOT = Path(__file__).resolve().parents[2]
MODULES = discover([str(ROOT / "modules")])


def imported_names(path: Path) -> set[str]:
    names = set()
    for file in path.rglob("*.py"):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
    return names


def test_core_imports_no_module():
    offending = {n for n in imported_names(ROOT / "core") if n == "modules" or n.startswith("modules.")}
    assert offending == set()


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_imports_only_core_and_its_dependencies(name):
    allowed = {name, *MODULES[name].depends}
    used = {n.split(".")[1] for n in imported_names(MODULES[name].path) if n.startswith("modules.") and n.count(".")}
    assert used <= allowed, f"{name} imports {sorted(used - allowed)} without declaring it"


@pytest.mark.parametrize("name", sorted(MODULES) + [None])
def test_app_starts_with_each_module_alone_and_with_all(make_app, name):
    app = make_app(name)
    everything = discover(app.config["ERP_MODULE_PATHS"])  # modules/ and the example module
    expected = set(everything) if name is None else {name, *MODULES[name].depends}
    assert set(app.extensions["erp"].manifests) == expected
    client = app.test_client()
    assert client.get("/login").status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200
