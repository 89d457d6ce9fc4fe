"""Helpers shared by every module's thin views."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlsplit

import wtforms
from flask import request
from flask_babel import lazy_gettext as _l
from markupsafe import escape
from wtforms import widgets
from wtforms.validators import ValidationError

from core.db import MAX_ID

INT_RANGE = (-(2**31), 2**31 - 1)  # INTEGER columns (PostgreSQL's int4)
DECIMAL_LIMIT = Decimal(10) ** 12  # beyond any sum this network handles; Numeric columns hold it
SPACES = str.maketrans("", "", " \u00a0\u202f")  # thousands separators a French keyboard types


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


def safe_next(target: str | None, default: str) -> str:
    """Only a local path may follow a login: no scheme, no host, no protocol-relative URL."""
    if not target or target.startswith(("//", "/\\")) or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/"):
        return default
    return target


class IntegerField(wtforms.IntegerField):
    """WTForms' IntegerField that refuses, with a message, a number the database cannot store
    (10^30 typed in a quantity); business bounds are added with NumberRange as usual."""

    def pre_validate(self, form):
        if self.data is not None and not INT_RANGE[0] <= self.data <= INT_RANGE[1]:
            raise ValidationError(_l("This number is too large."))


class DecimalField(wtforms.DecimalField):
    """WTForms' DecimalField that reads French amounts ("1 234,50") and refuses infinities, NaN and
    absurd magnitudes with a message."""

    def process_formdata(self, valuelist):
        if valuelist and isinstance(valuelist[0], str):
            text = valuelist[0].translate(SPACES)
            if text.count(",") == 1 and "." not in text:
                text = text.replace(",", ".")
            valuelist = [text, *valuelist[1:]]
        super().process_formdata(valuelist)

    def pre_validate(self, form):
        value = self.data
        if isinstance(value, int | float):
            value = Decimal(str(value))
        if isinstance(value, Decimal) and (not value.is_finite() or abs(value) >= DECIMAL_LIMIT):
            raise ValidationError(_l("This number is too large."))


def query_id(name: str) -> int | None:
    """An id from the query string, or None when absent, malformed or out of the database's range."""
    value = request.args.get(name, type=int)
    return value if value is not None and 0 < value <= MAX_ID else None
