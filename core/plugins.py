"""The loaded modules of one app: their manifests, the pluggy manager, and hook calls.

Modules are loaded at start-up (ERP_MODULES) and installed or not in the database; hooks reach
only the installed ones, so uninstalling a module hides its menus, widgets and events at once,
in every process, without a restart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pluggy
from flask import current_app, g, has_app_context

from core import hookspecs
from core.loader import Manifest


@dataclass
class Registry:
    manifests: dict[str, Manifest]
    plugins: dict[str, object]
    pm: pluggy.PluginManager
    blueprint_owner: dict[str, str] = field(default_factory=dict)  # blueprint name -> module

    @classmethod
    def build(cls, loaded: list[tuple[Manifest, object]]) -> Registry:
        pm = pluggy.PluginManager(hookspecs.PROJECT)
        pm.add_hookspecs(hookspecs)
        for manifest, module in loaded:
            pm.register(module, name=manifest.name)
        pm.check_pending()
        return cls({m.name: m for m, _ in loaded}, {m.name: mod for m, mod in loaded}, pm)

    def grants(self) -> dict[str, tuple[str, ...]]:
        """Every permission of the loaded modules with the roles granted it by default."""
        perms: dict[str, tuple[str, ...]] = {}
        for manifest in self.manifests.values():
            perms.update(manifest.permissions)
        return perms


def registry() -> Registry:
    return current_app.extensions["erp"]


def installed_modules() -> set[str]:
    """Names of the loaded modules marked installed in the database (cached per app context)."""
    if has_app_context() and "erp_installed" in g:
        return g.erp_installed
    from core.extensions import db
    from core.modules import InstalledModule

    names = set(db.session.scalars(db.select(InstalledModule.name).where(InstalledModule.installed)))
    result = names & set(registry().manifests)
    g.erp_installed = result
    return result


def forget_installed() -> None:
    g.pop("erp_installed", None)


def hook(name: str):
    """A caller for hook ``name`` that reaches only installed modules."""
    reg = registry()
    absent = [reg.plugins[n] for n in reg.plugins if n not in installed_modules()]
    return reg.pm.subset_hook_caller(name, remove_plugins=absent)


def collect(name: str, **kwargs) -> list:
    """Call a hook on the installed modules and flatten their lists."""
    items: list = []
    for result in hook(name)(**kwargs):
        if result:
            items.extend(result)
    return items
