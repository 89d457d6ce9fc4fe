"""Absolute links for e-mails and feeds, built the same way inside or outside a request."""

from __future__ import annotations

from functools import partial

from flask import current_app
from werkzeug.routing import IntegerConverter

from core.db import MAX_ID

# ``<int:...>`` in every route: a number past the database's range matches no route (404) instead
# of overflowing the query (a 500 on SQLite and PostgreSQL alike). Still an IntegerConverter.
IdConverter = partial(IntegerConverter, max=MAX_ID)


def public_url(endpoint: str, **values) -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/") + path_for(endpoint, **values)


def path_for(endpoint: str, **values) -> str:
    """The path of a page, inside or outside a request (calendar events, feeds, jobs)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)
