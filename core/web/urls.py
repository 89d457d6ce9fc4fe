"""Absolute links for e-mails and feeds, built the same way inside or outside a request."""
from __future__ import annotations

from flask import current_app


def public_url(endpoint: str, **values) -> str:
    adapter = current_app.url_map.bind("localhost")
    return current_app.config["PUBLIC_URL"].rstrip("/") + adapter.build(endpoint, values)
