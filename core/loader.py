"""Find modules, read their manifests, order them by dependency and import them.

A manifest is a literal dict read with ast.literal_eval and never imported, so a broken module
is reported before any of its code runs. Every failure is a ModuleLoadError whose message is one
line naming the module and the cause; nothing is half-loaded.
"""

from __future__ import annotations

import ast
import importlib
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.accounts.roles import ROLES

REQUIRED = {"name": str, "version": str, "summary": str}
OPTIONAL = {"depends": list, "permissions": dict, "demo": bool, "application": bool}
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")


class ModuleLoadError(RuntimeError):
    def __init__(self, module: str, cause: str):
        super().__init__(f"module {module!r}: {cause}")
        self.module = module


@dataclass(frozen=True)
class Manifest:
    name: str
    version: str
    summary: str
    path: Path
    depends: tuple[str, ...] = ()
    permissions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    demo: bool = False
    application: bool = True

    @property
    def package(self) -> str:
        return f"modules.{self.name}" if self.path.parent.name == "modules" else self.name

    @property
    def migrations(self) -> Path:
        return self.path / "migrations" / "versions"

    @property
    def has_migrations(self) -> bool:
        """Whether its Alembic branch has a revision yet (the folder exists before the first one)."""
        return self.migrations.is_dir() and any(self.migrations.glob("*.py"))


def read_manifest(path: Path) -> Manifest:
    name = path.name
    file = path / "__manifest__.py"
    try:
        data = ast.literal_eval(file.read_text(encoding="utf-8"))
    except (SyntaxError, ValueError) as exc:
        raise ModuleLoadError(name, f"malformed manifest ({exc.__class__.__name__}: {exc})") from None
    if not isinstance(data, dict):
        raise ModuleLoadError(name, "malformed manifest (not a dict)")
    unknown = set(data) - set(REQUIRED) - set(OPTIONAL)
    if unknown:
        raise ModuleLoadError(name, f"malformed manifest (unknown keys: {', '.join(sorted(unknown))})")
    for key, kind in {**REQUIRED, **OPTIONAL}.items():
        if key in REQUIRED and key not in data:
            raise ModuleLoadError(name, f"malformed manifest (missing {key!r})")
        if key in data and not isinstance(data[key], kind):
            raise ModuleLoadError(name, f"malformed manifest ({key!r} must be a {kind.__name__})")
    if data["name"] != name or not NAME_RE.match(name):
        raise ModuleLoadError(name, f"malformed manifest (name {data['name']!r} must match its folder)")
    permissions = {}
    for perm, roles in data.get("permissions", {}).items():
        if not perm.startswith(f"{name}.") or not isinstance(roles, list):
            raise ModuleLoadError(name, f"malformed manifest (permission {perm!r})")
        if set(roles) - set(ROLES):
            raise ModuleLoadError(name, f"malformed manifest (unknown role in {perm!r})")
        permissions[perm] = tuple(roles)
    return Manifest(
        name=name,
        version=data["version"],
        summary=data["summary"],
        path=path,
        depends=tuple(data.get("depends", [])),
        permissions=permissions,
        demo=data.get("demo", False),
        application=data.get("application", True),
    )


def discover(paths: list[str]) -> dict[str, Manifest]:
    found: dict[str, Manifest] = {}
    for base in paths:
        for child in sorted(Path(base).iterdir()) if Path(base).is_dir() else []:
            if (child / "__manifest__.py").is_file():
                found[child.name] = read_manifest(child)
    return found


def resolve(available: dict[str, Manifest], wanted: list[str] | None) -> list[Manifest]:
    """The wanted modules and their dependencies, dependencies first (ties by name)."""
    names = sorted(available) if wanted is None else wanted
    for name in names:
        if name not in available:
            raise ModuleLoadError(name, "not found in the module paths")
    selected: dict[str, Manifest] = {}
    stack = list(names)
    while stack:
        name = stack.pop()
        if name in selected:
            continue
        selected[name] = available[name]
        for dep in available[name].depends:
            if dep not in available:
                raise ModuleLoadError(name, f"missing dependency {dep!r}")
            stack.append(dep)
    order: list[Manifest] = []
    state: dict[str, str] = {}

    def visit(name: str, path: list[str]) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "active":
            cycle = " -> ".join(path[path.index(name) :] + [name])
            raise ModuleLoadError(name, f"dependency cycle {cycle}")
        state[name] = "active"
        for dep in sorted(selected[name].depends):
            visit(dep, path + [name])
        state[name] = "done"
        order.append(selected[name])

    for name in sorted(selected):
        visit(name, [])
    return order


def parse_wanted(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [part.strip() for part in value.split(",") if part.strip()]


# The parts core finds by convention (docs/MODULES.md): each a file, or a package when it grows.
PARTS = ("models", "permissions", "hooks", "views", "api", "demo")


@dataclass(frozen=True)
class LoadedModule:
    """A module's manifest and the parts core uses: hook implementations, permission labels,
    the web blueprint ``views.bp``, the API blueprint ``api.blp`` and the demo loader ``demo.load``."""

    manifest: Manifest
    hooks: object | None = None
    labels: dict = field(default_factory=dict)
    blueprint: object | None = None
    api_blueprint: object | None = None
    load_demo: Callable[[Any], None] | None = None


def has_part(manifest: Manifest, part: str) -> bool:
    return (manifest.path / f"{part}.py").is_file() or (manifest.path / part / "__init__.py").is_file()


def import_module(manifest: Manifest) -> LoadedModule:
    parent = str(manifest.path.parent.parent if manifest.package.startswith("modules.") else manifest.path.parent)
    if parent not in sys.path:
        sys.path.append(parent)
    try:
        importlib.import_module(manifest.package)
        parts = {p: importlib.import_module(f"{manifest.package}.{p}") for p in PARTS if has_part(manifest, p)}
    except Exception as exc:  # any import failure must stop start-up with one line
        raise ModuleLoadError(manifest.name, f"failed to import ({exc.__class__.__name__}: {exc})") from None
    labels: dict = getattr(parts.get("permissions"), "LABELS", {})
    missing = set(manifest.permissions) - set(labels)
    if missing:
        raise ModuleLoadError(manifest.name, f"permissions.LABELS lacks {', '.join(sorted(missing))}")
    return LoadedModule(
        manifest,
        hooks=parts.get("hooks"),
        labels=labels,
        blueprint=getattr(parts.get("views"), "bp", None),
        api_blueprint=getattr(parts.get("api"), "blp", None),
        load_demo=getattr(parts.get("demo"), "load", None),
    )


def load(paths: list[str], wanted: str | None) -> list[LoadedModule]:
    return [import_module(manifest) for manifest in resolve(discover(paths), parse_wanted(wanted))]
