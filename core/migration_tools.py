"""Alembic plumbing: each module's own version branch, and autogenerating its revisions.

Tables are owned by prefix: ``core_*`` by core, ``<module>_*`` by that module. A module's first
revision starts its own branch (labelled with its name) and depends on core's head.
"""

from __future__ import annotations

from alembic import command
from alembic.script import Script, ScriptDirectory
from flask import current_app

from core.config import ROOT
from core.extensions import migrate

CORE_VERSIONS = ROOT / "core" / "migrations" / "versions"


def table_owner(table: str) -> str:
    return table.split("_", 1)[0]


def owners_in_scope() -> set[str]:
    scope = current_app.config.get("ERP_MIGRATION_SCOPE")
    return {scope} if scope else {"core", *current_app.extensions["erp"].manifests}


def include_object(obj, name, type_, reflected, compare_to):
    table = obj.name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
    if table is None or table == "alembic_version":
        return table is None
    return table_owner(table) in owners_in_scope()


@migrate.configure
def _version_locations(config):
    # Every module found in the module paths, loaded or not: a database may carry the revision of
    # a module this process does not load (ERP_MODULES is a subset), and Alembic must know it.
    from core.loader import discover

    manifests = discover(current_app.config["ERP_MODULE_PATHS"]).values()
    locations = [str(CORE_VERSIONS)] + [str(m.migrations) for m in manifests if m.migrations.is_dir()]
    config.set_main_option("version_locations", " ".join(locations))
    config.set_main_option("path_separator", "space")
    return config


def upgrade_loaded() -> None:
    """Bring core and every loaded module that has migrations to its head."""
    upgrade("core@head")
    for manifest in current_app.extensions["erp"].manifests.values():
        if manifest.has_migrations:
            upgrade(f"{manifest.name}@head")


def alembic_config(autogenerate: bool = False):
    return current_app.extensions["migrate"].migrate.get_config(opts=["autogenerate"] if autogenerate else None)


def upgrade(revision: str) -> None:
    command.upgrade(alembic_config(), revision)


def stamp(revision: str) -> None:
    """Record a schema made by create_all as being at ``revision`` (test databases)."""
    command.stamp(alembic_config(), revision)


def downgrade(revision: str) -> None:
    command.downgrade(alembic_config(), revision)


def autogenerate(name: str, message: str) -> str:
    """Write the next revision of ``name`` ("core" or a module), diffing only its own tables."""
    if name != "core":  # the folder must exist before Alembic lists the version locations
        current_app.extensions["erp"].manifests[name].migrations.mkdir(parents=True, exist_ok=True)
    config = alembic_config(autogenerate=True)
    script = ScriptDirectory.from_config(config)
    if script.get_revisions("heads"):
        upgrade_loaded()
    current_app.config["ERP_MIGRATION_SCOPE"] = name
    try:
        if name == "core":
            path, head, label, depends_on = CORE_VERSIONS, "core@head", None, None
            if not script.get_revisions("heads") or not _has_branch(script, "core"):
                head, label = "base", "core"
        else:
            path = current_app.extensions["erp"].manifests[name].migrations
            if _has_branch(script, name):
                head, label, depends_on = f"{name}@head", None, None
            else:
                head, label, depends_on = "base", name, script.get_revision("core@head").revision
        revision = command.revision(
            config,
            message=message,
            autogenerate=True,
            head=head,
            version_path=str(path),
            branch_label=label,
            depends_on=depends_on,
        )
    finally:
        current_app.config.pop("ERP_MIGRATION_SCOPE", None)
    return f"wrote {revision.path}" if isinstance(revision, Script) else "no change in the schema"


def _has_branch(script: ScriptDirectory, label: str) -> bool:
    try:
        script.get_revision(f"{label}@head")
        return True
    except Exception:  # alembic raises several kinds for an unknown label
        return False
