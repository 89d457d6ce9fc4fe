"""Helpers shared by every module's thin views."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash
from markupsafe import escape
from wtforms import widgets

from core.errors import DomainError
from core.extensions import db


class LongSelect(widgets.Select):
    """WTForms' select with the same markup, its plain options written without the generic
    attribute renderer (escaped strings: the select joins them into one Markup): several times faster
    for the thousand sites of a national network."""

    @classmethod
    def render_option(cls, choice, *legacy, **kwargs):
        # WTForms 3.3 passes a SelectChoice; earlier versions pass (value, label, selected).
        value, label, selected, extra = (
            (choice, *legacy, {})
            if legacy
            else (choice.value, choice.label or choice.value, choice.selected, choice.render_kw or {})
        )
        if kwargs or extra or isinstance(value, bool):
            return super().render_option(choice, *legacy, **kwargs)
        return f'<option{" selected" if selected else ""} value="{escape(value)}">{escape(label)}</option>'


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
