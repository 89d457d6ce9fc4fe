"""Absolute links for e-mails and feeds, built the same way inside or outside a request."""

from __future__ import annotations

from flask import current_app
from werkzeug.routing import IntegerConverter

from core.db import MAX_ID

# The digits of 1..MAX_ID (2147483647), so that a longer or larger number matches no rule at all.
ID_DIGITS = (
    r"(?:[1-9]\d{0,8}|1\d{9}|20\d{8}|21[0-3]\d{7}|214[0-6]\d{6}|2147[0-3]\d{5}|21474[0-7]\d{4}"
    r"|214748[0-2]\d{3}|2147483[0-5]\d{2}|21474836[0-3]\d|214748364[0-7])"
)


class IdConverter(IntegerConverter):
    """``<int:...>`` in every route: a number past the database's range matches no route, a 404,
    instead of overflowing the query (a 500). Matching by the pattern, not only by ``max``, matters:
    werkzeug checks the method before the converter's range, so a path with one rule per method
    answered 405 for a huge id."""

    regex = ID_DIGITS

    def __init__(self, map, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, **kwargs)


def public_url(endpoint: str, **values) -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/") + path_for(endpoint, **values)


def path_for(endpoint: str, **values) -> str:
    """The path of a page, inside or outside a request (calendar events, feeds, jobs)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)
