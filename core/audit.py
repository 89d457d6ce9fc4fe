"""Append-only audit log: who did what, when, on which record.

Entries are added to the caller's transaction, so an action and its trace commit together. The
table refuses UPDATE and DELETE by trigger on both databases.
"""

from __future__ import annotations

import json
from datetime import datetime

from flask import g, has_request_context, request
from flask_login import current_user
from sqlalchemy import DDL, ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import UTCDateTime, utcnow
from core.extensions import Model, db

SECRET_KEYS = ("password", "token", "secret", "choice", "ballot")


class AuditEntry(Model):
    __tablename__ = "core_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str] = mapped_column(String(80))
    object_id: Mapped[str | None] = mapped_column(String(80))
    detail: Mapped[str] = mapped_column(Text, default="{}")
    request_id: Mapped[str | None] = mapped_column(String(64))
    remote_addr: Mapped[str | None] = mapped_column(String(64))

    user = relationship("User", lazy="joined")

    @property
    def details(self) -> dict:
        return json.loads(self.detail or "{}")


def _clean(detail: dict) -> dict:
    return {k: ("***" if any(s in k.lower() for s in SECRET_KEYS) else v) for k, v in detail.items()}


def record(action: str, object_type: str, object_id=None, user=None, **detail) -> AuditEntry:
    if user is None and has_request_context() and current_user and current_user.is_authenticated:
        user = current_user
    entry = AuditEntry(
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        user_id=getattr(user, "id", None),
        detail=json.dumps(_clean(detail), default=str, ensure_ascii=False),
        request_id=g.get("request_id") if has_request_context() else None,
        remote_addr=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry


_TRIGGERS = {
    "sqlite": [
        "CREATE TRIGGER core_audit_no_update BEFORE UPDATE ON core_audit "
        "BEGIN SELECT RAISE(ABORT, 'core_audit is append-only'); END",
        "CREATE TRIGGER core_audit_no_delete BEFORE DELETE ON core_audit "
        "BEGIN SELECT RAISE(ABORT, 'core_audit is append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION core_audit_append_only() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'core_audit is append-only'; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER core_audit_append_only BEFORE UPDATE OR DELETE ON core_audit "
        "FOR EACH ROW EXECUTE FUNCTION core_audit_append_only()",
    ],
}


def append_only_ddl(dialect: str) -> list[str]:
    """The trigger statements, shared by create_all and the core migration."""
    return _TRIGGERS.get(dialect, [])


for _dialect, _statements in _TRIGGERS.items():
    for _sql in _statements:
        event.listen(AuditEntry.__table__, "after_create", DDL(_sql).execute_if(dialect=_dialect))
