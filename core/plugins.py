"""The loaded modules of one app: their manifests, their parts found by convention, the pluggy
manager, and contained hook calls.

Modules are loaded at start-up (ERP_MODULES) and installed or not in the database; hooks reach
only the installed ones, so uninstalling a module hides its menus, widgets and events at once,
in every process, without a restart. A hook that raises leaves its module's part out (core.faults).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pluggy
from flask import current_app, g, has_app_context

from core import hookspecs
from core.faults import FAILED, contained
from core.loader import LoadedModule, Manifest


@dataclass
class Registry:
    manifests: dict[str, Manifest]
    modules: dict[str, LoadedModule]
    pm: pluggy.PluginManager
    blueprint_owner: dict[str, str] = field(default_factory=dict)  # blueprint name -> module

    @classmethod
    def build(cls, loaded: list[LoadedModule]) -> Registry:
        pm = pluggy.PluginManager(hookspecs.PROJECT)
        pm.add_hookspecs(hookspecs)
        for module in loaded:
            if module.hooks is not None:
                pm.register(module.hooks, name=module.manifest.name)
        pm.check_pending()
        return cls({m.manifest.name: m.manifest for m in loaded}, {m.manifest.name: m for m in loaded}, pm)

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


def collect_owned(name: str, **kwargs) -> list[tuple[str, Any]]:
    """Call hook ``name`` on each installed module, contained; (module, item) for every item returned.

    Each implementation gets only the arguments it names (pluggy's rule), so a module may ignore
    an argument added to a spec later.
    """
    installed = installed_modules()
    items: list[tuple[str, Any]] = []
    for impl in reversed(getattr(registry().pm.hook, name).get_hookimpls()):  # registration order
        if impl.plugin_name not in installed:
            continue
        result = contained(impl.plugin_name, name, impl.function, **{arg: kwargs[arg] for arg in impl.argnames})
        if result is not FAILED and result:
            items.extend((impl.plugin_name, item) for item in result)
    return items


def collect(name: str, **kwargs) -> list:
    """Call a hook on the installed modules, contained, and flatten their lists."""
    return [item for _module, item in collect_owned(name, **kwargs)]
