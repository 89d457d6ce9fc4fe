"""Which loaded modules are installed in this database, and installing or removing them.

Installing runs the module's own Alembic branch up to its head (dependencies first) and can load
its demo data; uninstalling hides it everywhere and keeps its tables unless asked to drop them.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from core import audit, signals
from core.db import UTCDateTime, utcnow
from core.extensions import Model, db
from core.plugins import forget_installed, installed_modules, registry


class InstalledModule(Model):
    __tablename__ = "core_module"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    version: Mapped[str] = mapped_column(String(20))
    installed: Mapped[bool] = mapped_column(default=True)
    demo_loaded: Mapped[bool] = mapped_column(default=False)
    installed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ModuleError(Exception):
    """A request to install or uninstall that cannot be honoured; the message is for the user."""


def _migrate(revision: str, downgrade: bool = False) -> None:
    from core import migration_tools

    (migration_tools.downgrade if downgrade else migration_tools.upgrade)(revision)


def has_migrations(name: str) -> bool:
    return registry().manifests[name].has_migrations


def install(name: str, demo: bool = False, migrate: bool = True) -> list[str]:
    """Install ``name`` and its dependencies; returns the modules newly installed, in order."""
    reg = registry()
    if name not in reg.manifests:
        raise ModuleError(_("Unknown module %(name)s.", name=name))
    order: list[str] = []
    todo = [name]
    while todo:
        current = todo.pop()
        if current not in order:
            order.insert(0, current)
            todo.extend(reg.manifests[current].depends)
    done = []
    for current in order:
        row = db.session.get(InstalledModule, current)
        if migrate and has_migrations(current):  # also brings an installed module to its newest revision
            db.session.commit()
            _migrate(f"{current}@head")
        if row is not None and row.installed:
            continue
        row = row or InstalledModule(name=current, version=reg.manifests[current].version)
        row.installed, row.installed_at = True, utcnow()
        row.version = reg.manifests[current].version
        db.session.add(row)
        audit.record("module.install", "module", current)
        done.append(current)
    db.session.commit()
    forget_installed()
    for current in done:
        signals.module_installed.send(current)
    if demo:
        from core.demo import load_demo

        load_demo()
    return done


def uninstall(name: str, drop: bool = False) -> None:
    reg = registry()
    row = db.session.get(InstalledModule, name)
    if name not in reg.manifests or row is None or not row.installed:
        raise ModuleError(_("Module %(name)s is not installed.", name=name))
    dependents = sorted(other for other in installed_modules() if name in reg.manifests[other].depends)
    if dependents:
        raise ModuleError(
            _("Uninstall %(others)s first: it depends on %(name)s.", others=", ".join(dependents), name=name)
        )
    row.installed = False
    if drop:
        row.demo_loaded = False
    audit.record("module.uninstall", "module", name, dropped=drop)
    db.session.commit()
    if drop and has_migrations(name):
        _migrate(f"{name}@base", downgrade=True)
    forget_installed()
    signals.module_uninstalled.send(name, dropped=drop)


def mark_all_installed() -> None:
    """Record every loaded module as installed (a schema made by create_all, in tests)."""
    for name, manifest in registry().manifests.items():
        row = db.session.get(InstalledModule, name) or InstalledModule(name=name, version=manifest.version)
        row.installed, row.installed_at = True, utcnow()
        db.session.add(row)
    db.session.commit()
    forget_installed()


def status() -> list[dict]:
    reg = registry()
    rows = {r.name: r for r in db.session.scalars(db.select(InstalledModule))}
    return [
        {
            "name": m.name,
            "version": m.version,
            "summary": m.summary,
            "depends": list(m.depends),
            "installed": bool(rows.get(m.name) and rows[m.name].installed),
            "demo_loaded": bool(rows.get(m.name) and rows[m.name].demo_loaded),
            "application": m.application,
            "permissions": [
                (perm, reg.modules[m.name].labels.get(perm, perm), roles) for perm, roles in m.permissions.items()
            ],
        }
        for m in reg.manifests.values()
    ]


def owner_of_blueprint(blueprint: str | None) -> str | None:
    if not blueprint:
        return None
    return registry().blueprint_owner.get(blueprint.split(".")[0])
