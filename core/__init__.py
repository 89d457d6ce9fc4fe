"""The platform: create_app builds an app from core and the selected modules."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from core.config import ROOT, load_config
from core.loader import ModuleLoadError

__all__ = ["create_app", "ModuleLoadError"]


def create_app(config: dict | None = None) -> Flask:
    from core import loader, logs
    from core.plugins import Registry

    settings = load_config(config)
    loaded = loader.load(settings["ERP_MODULE_PATHS"], settings["ERP_MODULES"])
    app = Flask(__name__, instance_path=os.environ.get("ERP_INSTANCE_PATH", str(ROOT / "instance")))
    from core.web.urls import IdConverter

    app.url_map.converters["int"] = IdConverter
    app.config.update(settings)
    Path(app.config["UPLOAD_FOLDER"]).mkdir(parents=True, exist_ok=True)
    app.extensions["erp"] = Registry.build(loaded)
    logs.configure(app)
    _init_extensions(app, [m.manifest for m in loaded])
    _register_blueprints(app)

    from core.web import errors, hooks, lifecycle, security

    errors.register(app)
    hooks.register(app)
    security.register(app)
    lifecycle.register(app)  # last registered, first run: commits before headers are added
    _register_cli(app)
    if app.config["JOBS_INLINE_TICKER"] and not app.config["REDIS_URL"]:
        from core.jobs import start_inline_ticker

        start_inline_ticker(app)
    return app


def _init_extensions(app: Flask, manifests) -> None:
    from core import migration_tools, models  # noqa: F401 - core tables, Alembic branches
    from core.accounts.session import init_login
    from core.api import init_api
    from core.extensions import babel, bootstrap, csrf, db, limiter, migrate
    from core.web.i18n import select_locale, select_timezone

    db.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    bootstrap.init_app(app)
    init_login(app)
    directories = [str(ROOT / "core" / "translations")]
    directories += [str(m.path / "translations") for m in manifests if (m.path / "translations").is_dir()]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(directories)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    migrate.init_app(app, db, directory=str(ROOT / "core" / "migrations"), render_as_batch=True)
    init_api(app)


def _register_blueprints(app: Flask) -> None:
    from core.accounts.views import bp as accounts_bp
    from core.api.core_api import blp as core_api_blp
    from core.extensions import csrf
    from core.web.admin import bp as admin_bp
    from core.web.views import bp as web_bp

    for bp in (web_bp, accounts_bp, admin_bp):
        app.register_blueprint(bp)
    api = app.extensions["erp_api"]
    api.register_blueprint(core_api_blp)
    csrf.exempt(core_api_blp)
    registry = app.extensions["erp"]
    for name, module in registry.modules.items():  # by convention: views.bp and api.blp
        if module.blueprint is not None:
            app.register_blueprint(module.blueprint)
            registry.blueprint_owner[module.blueprint.name] = name
        if module.api_blueprint is not None:
            api.register_blueprint(module.api_blueprint)
            csrf.exempt(module.api_blueprint)
            registry.blueprint_owner[module.api_blueprint.name] = name


def _register_cli(app: Flask) -> None:
    from core.cli import register

    register(app)
