"""Every module has the one shape of docs/MODULES.md, the example module included: the same parts
under the same names, a part a package only when it outgrows one file, hook implementations in
hooks.py only, and views and API handlers that leave committing and refusals to core's lifecycle."""

import ast
from pathlib import Path

import pytest

from core.loader import read_manifest
from tests.conftest import ROOT

MODULES = sorted(p for p in (ROOT / "modules").iterdir() if (p / "__manifest__.py").is_file())
EXAMPLE = ROOT / "tests" / "example_modules" / "exemplar"
ALL = [*MODULES, EXAMPLE]
IDS = [p.name for p in ALL]
SPLITTABLE = ("models", "services", "forms", "views", "api")  # a file, or a package past MAX_LINES
SINGLE_FILES = ("__manifest__.py", "__init__.py", "hooks.py", "permissions.py", "jobs.py", "demo.py")
FOLDERS = ("templates", "static", "translations", "migrations", "__pycache__")
MAX_LINES = 400


def py_lines(path: Path) -> int:
    files = [path] if path.is_file() else sorted(path.rglob("*.py"))
    return sum(len(f.read_text(encoding="utf-8").splitlines()) for f in files)


def part(module: Path, name: str) -> Path | None:
    for candidate in (module / f"{name}.py", module / name):
        if candidate.exists():
            return candidate
    return None


def top_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        targets = (
            node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        )
        names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


@pytest.mark.parametrize("module", ALL, ids=IDS)
def test_only_known_parts(module):
    known = set(SINGLE_FILES) | set(FOLDERS) | {f"{p}.py" for p in SPLITTABLE} | set(SPLITTABLE)
    strays = sorted(p.name for p in module.iterdir() if p.name not in known)
    assert strays == [], f"{module.name}: unknown parts {strays}; see docs/MODULES.md"


@pytest.mark.parametrize("module", ALL, ids=IDS)
def test_a_part_is_a_package_only_when_one_file_would_pass_400_lines(module):
    for name in SPLITTABLE:
        path = part(module, name)
        if path is None:
            continue
        lines = py_lines(path)
        if path.is_dir():
            assert lines > MAX_LINES, f"{module.name}/{name}/ has {lines} lines: make it {name}.py"
        else:
            assert lines <= MAX_LINES, f"{module.name}/{name}.py has {lines} lines: split it into {name}/"


@pytest.mark.parametrize("module", ALL, ids=IDS)
def test_init_is_a_docstring_and_hooks_live_in_hooks_py(module):
    init = ast.parse((module / "__init__.py").read_text(encoding="utf-8"))
    assert len(init.body) == 1 and isinstance(init.body[0], ast.Expr), f"{module.name}/__init__.py: docstring only"
    for path in module.rglob("*.py"):
        if path.name != "hooks.py" and "migrations" not in path.parts:
            assert "@hookimpl" not in path.read_text(encoding="utf-8"), f"{path}: hook implementations go to hooks.py"
    hooks = module / "hooks.py"
    if hooks.exists():
        text = hooks.read_text(encoding="utf-8")
        assert "db." not in text, f"{module.name}/hooks.py queries the database: move that into services"


@pytest.mark.parametrize("module", ALL, ids=IDS)
def test_parts_found_by_convention_have_their_names(module):
    manifest = read_manifest(module)
    if manifest.permissions:
        assert "LABELS" in top_names(module / "permissions.py")
    for name, variable in (("views", "bp"), ("api", "blp")):
        path = part(module, name)
        if path is not None:
            where = path if path.is_file() else path / "__init__.py"
            assert variable in top_names(where), f"{module.name}: {name} must define `{variable}`"
    if manifest.demo:
        assert "def load(demo)" in (module / "demo.py").read_text(encoding="utf-8")


@pytest.mark.parametrize("module", ALL, ids=IDS)
def test_views_and_api_leave_commits_and_refusals_to_the_lifecycle(module):
    for name in ("views", "api"):
        path = part(module, name)
        for file in [] if path is None else [path] if path.is_file() else sorted(path.rglob("*.py")):
            text = file.read_text(encoding="utf-8")
            assert "db.session.commit()" not in text, f"{file}: core's lifecycle commits (core.web.lifecycle)"
            assert "except DomainError" not in text, f"{file}: use act()/submit() of core.web.lifecycle"


@pytest.mark.parametrize("module", ALL, ids=IDS)
def test_every_file_stays_under_400_lines(module):
    for path in module.rglob("*.py"):
        if "migrations" not in path.parts:
            assert py_lines(path) <= MAX_LINES, f"{path} has {py_lines(path)} lines"
