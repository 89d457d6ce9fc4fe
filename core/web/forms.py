"""Helpers shared by every module's thin views."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash

from core.errors import DomainError
from core.extensions import db


def attach_error(form, error: DomainError) -> None:
    """Show a service's refusal on the field it concerns (or at the top of the form)."""
    db.session.rollback()
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = list(field.errors) + [error.message]
    else:
        flash(error.message, "danger")


def safe_next(target: str | None, default: str) -> str:
    """Only a local path may follow a login: no scheme, no host, no protocol-relative URL."""
    if not target or target.startswith(("//", "/\\")) or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/"):
        return default
    return target
