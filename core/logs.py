"""Structured (JSON) logs with the request id; secrets are masked before anything is written."""

from __future__ import annotations

import json
import logging
import re
import uuid

from flask import g, has_request_context, request

SECRET_RE = re.compile(
    r"(?i)(password|passwd|token|secret|authorization|csrf_token|choice|ranking)([\"']?\s*[:=]\s*[\"']?)([^\s\"'&,}]+)"
)


def mask(text: str) -> str:
    return SECRET_RE.sub(lambda m: f"{m.group(1)}{m.group(2)}***", text)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": mask(record.getMessage()),
        }
        if has_request_context():
            entry["request_id"] = g.get("request_id")
            entry["path"] = request.path
        if record.exc_info:
            entry["exception"] = mask(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def configure(app) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("erp")
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    root.propagate = True  # let pytest's caplog see the records too
    app.logger.handlers[:] = [handler]

    @app.before_request
    def _request_id():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if re.fullmatch(r"[A-Za-z0-9-]{8,64}", incoming) else uuid.uuid4().hex

    @app.after_request
    def _echo_request_id(response):
        if "request_id" in g:
            response.headers["X-Request-ID"] = g.request_id
        return response
