"""Settings read from the environment; every variable is listed in the README."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import overload

ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """A setting that prevents a safe start-up."""


@overload
def _env(name: str) -> str | None: ...
@overload
def _env(name: str, default: str) -> str: ...
def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


_LIMIT = re.compile(r"^\s*(\d+)\s*(?:per|/)\s*(\d*)\s*(second|minute|hour|day)s?\s*$", re.IGNORECASE)
_SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def login_limit(text: str) -> tuple[int, int]:
    """``"5 per 15 minutes"`` -> (5, 900): how many attempts may count within how many seconds."""
    match = _LIMIT.match(text or "")
    if not match or int(match[1]) < 1 or match[2] == "0":
        raise ConfigError(f"a login limit reads like '5 per 15 minutes', not {text!r}")
    return int(match[1]), int(match[2] or 1) * _SECONDS[match[3].lower()]


def load_config(overrides: dict | None = None) -> dict:
    overrides = dict(overrides or {})
    env = overrides.get("ERP_ENV") or _env("ERP_ENV", "development")
    instance = Path(_env("ERP_INSTANCE_PATH", str(ROOT / "instance")))
    cfg: dict = {
        "ERP_ENV": env,
        "SECRET_KEY": _env("SECRET_KEY"),
        "SQLALCHEMY_DATABASE_URI": _env("DATABASE_URL", f"sqlite:///{instance / 'erp.sqlite'}"),
        "REDIS_URL": _env("REDIS_URL"),
        # Unset: every module found; empty string: none (the bare core).
        "ERP_MODULES": os.environ.get("ERP_MODULES"),
        "ERP_MODULE_PATHS": _env("ERP_MODULE_PATHS", str(ROOT / "modules")),
        "SMTP_URL": _env("SMTP_URL"),
        "MAIL_FROM": _env("MAIL_FROM", "Réseau des ressourceries <noreply@ressourceries.example>"),
        "PUBLIC_URL": _env("PUBLIC_URL", "http://127.0.0.1:5000"),
        "UPLOAD_FOLDER": _env("UPLOAD_FOLDER", str(instance / "uploads")),
        "MAX_CONTENT_LENGTH": int(_env("MAX_UPLOAD_BYTES", str(10 * 1024 * 1024))),
        "MAX_UPLOAD_FILES": int(_env("MAX_UPLOAD_FILES", "20")),
        "ERP_TIMEZONE": "Europe/Paris",
        "BABEL_DEFAULT_LOCALE": "fr",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Paris",
        "LANGUAGES": ["fr", "en"],
        # Failed logins (and password-reset requests) counted in the database, shared by every
        # worker: per address, generous enough for a general assembly on one Wi-Fi; per account.
        "LOGIN_LIMITS": _env("LOGIN_LIMITS", "30 per 15 minutes"),
        "LOGIN_ACCOUNT_LIMITS": _env("LOGIN_ACCOUNT_LIMITS", "5 per 15 minutes"),
        "LOGIN_THROTTLE_ENABLED": True,  # False turns login throttling off (the test suite does)
        "RATELIMIT_HEADERS_ENABLED": False,
        # A dead Redis must not refuse the public pages: limits fall back to this process's memory.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "PASSWORD_HASH_METHOD": "scrypt",
        "PASSWORD_RESET_MAX_AGE": int(_env("PASSWORD_RESET_MAX_AGE", "3600")),
        "JOBS_MAX_ATTEMPTS": int(_env("JOBS_MAX_ATTEMPTS", "5")),
        "JOBS_INLINE_TICKER": _env("JOBS_INLINE_TICKER", "0") == "1",
        # A module's hook on a shared page slower than this is reported on the Modules page.
        "ERP_HOOK_SLOW_MS": int(_env("ERP_HOOK_SLOW_MS", "1000")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env == "production",
        # Flask-Login's "remember me" cookie lives a year: the same flags as the session cookie.
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": env == "production",
        # bound values (ballots, mail bodies with reset links) never reach SQL logs or error messages
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        "BOOTSTRAP_SERVE_LOCAL": True,
        "API_TITLE": "Ressourceries ERP",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "WTF_CSRF_TIME_LIMIT": None,
    }
    cfg.update(overrides)
    if cfg.get("RATELIMIT_STORAGE_URI") is None:
        cfg["RATELIMIT_STORAGE_URI"] = cfg["REDIS_URL"] or "memory://"
    for name in ("LOGIN_LIMITS", "LOGIN_ACCOUNT_LIMITS"):
        login_limit(cfg[name])  # a malformed limit stops the start-up, not the first login
    if not cfg["SECRET_KEY"]:
        if cfg["ERP_ENV"] == "production":
            raise ConfigError("SECRET_KEY must be set when ERP_ENV=production")
        cfg["SECRET_KEY"] = "development-only-secret-key"
    if isinstance(cfg["ERP_MODULE_PATHS"], str):
        cfg["ERP_MODULE_PATHS"] = cfg["ERP_MODULE_PATHS"].split(os.pathsep)
    return cfg
