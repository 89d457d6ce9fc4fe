"""`flask db upgrade` from empty gives exactly the models' schema, per branch, on SQLite and
PostgreSQL; installing a module runs its branch, uninstalling hides it and can drop its data."""

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from core import migration_tools
from core.extensions import db
from core.loader import discover
from tests.conftest import ROOT

MODULES = sorted(discover([str(ROOT / "modules")]))


@pytest.fixture
def empty_database_url(tmp_path):
    """A brand-new empty database: a file on SQLite, a throw-away database on PostgreSQL."""
    pg = os.environ.get("TEST_DATABASE_URL")
    if not pg:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    name = f"erp_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    yield pg.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def drift(app) -> list:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_object": migration_tools.include_object, "compare_type": True}
        )
        return compare_metadata(context, db.metadata)


@pytest.mark.parametrize(
    "modules", ["", "exemplar"] + MODULES + [None], ids=lambda m: "all" if m is None else (m or "core")
)
def test_upgrade_from_empty_matches_the_models(make_app, empty_database_url, modules):
    app = make_app(modules, install=False, SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        migration_tools.upgrade_loaded()
        assert drift(app) == []
        db.session.remove()


def test_install_runs_the_branch_and_uninstall_keeps_or_drops_data(make_app, empty_database_url):
    name = "exemplar"  # the example module has its own branch, like every module
    app = make_app(name, install=False, SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        from core import modules

        migration_tools.upgrade("core@head")
        assert not any(t.startswith(f"{name}_") for t in inspect(db.engine).get_table_names())
        assert modules.install(name) == [name]
        assert any(t.startswith(f"{name}_") for t in inspect(db.engine).get_table_names())
        modules.uninstall(name)
        assert any(t.startswith(f"{name}_") for t in inspect(db.engine).get_table_names())
        modules.install(name)
        modules.uninstall(name, drop=True)
        db.session.remove()
        assert not any(t.startswith(f"{name}_") for t in inspect(db.engine).get_table_names())
        db.session.remove()
