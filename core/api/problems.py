"""Errors as application/problem+json (RFC 9457), for every path under /api/."""

from __future__ import annotations

from flask import jsonify
from werkzeug.exceptions import HTTPException

from core.errors import DomainError


def problem(status: int, title: str, detail: str | None = None, errors: dict | None = None, headers=None):
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail or title}
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


LOCATIONS = {"json", "query", "form", "view_args", "files", "headers", "cookies"}


def _flatten(messages, prefix: str = "") -> dict[str, list[str]]:
    """webargs nests errors by location and field; clients want {"field": ["message"]}."""
    if isinstance(messages, dict):
        flat: dict[str, list[str]] = {}
        for key, value in messages.items():
            name = "" if not prefix and key in LOCATIONS else (f"{prefix}.{key}" if prefix else str(key))
            flat.update(_flatten(value, name))
        return flat
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return {prefix or "_schema": messages}
    if isinstance(messages, list):
        flat = {}
        for index, value in enumerate(messages):
            flat.update(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    return {prefix or "_schema": [str(messages)]}


def from_http_exception(error: HTTPException):
    data = getattr(error, "data", None) or {}
    messages = data.get("errors") or data.get("messages")
    errors = _flatten(messages) if messages else None
    if errors:
        detail = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in errors.items())
    else:
        detail = str(data.get("message") or error.description or "")
    return problem(error.code or 500, error.name, detail, errors, data.get("headers"))


def from_domain_error(error: DomainError):
    errors = error.field_errors or None
    titles = {404: "Not Found", 409: "Conflict", 413: "Content Too Large", 422: "Unprocessable Entity"}
    return problem(error.status, titles.get(error.status, "Error"), error.message, errors)
