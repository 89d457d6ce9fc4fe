"""Login throttling shared by every worker: the attempts that count are rows of one small table.

Flask-Limiter counted in each process's memory when there is no Redis (four gunicorn workers let
four times the limit through) and it counted successful logins too, so a general assembly on one
Wi-Fi locked itself out. Here only failures count, per account (``LOGIN_ACCOUNT_LIMITS``) and per
address (``LOGIN_LIMITS``), in the database that every worker shares, on PostgreSQL and SQLite alike.

An attempt is written and committed before the password is checked, so that concurrent attempts
in other workers see it; a successful login takes its rows back. A password-reset request always
counts (each one may send a mail). Keys are keyed hashes: the table holds no address or e-mail.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Index, String, delete, func, or_, select
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.exceptions import TooManyRequests

from core.config import login_limit
from core.db import utcnow
from core.extensions import Model, db


class AuthAttempt(Model):
    """A failed login, a login in progress or a password-reset request, for the limits' windows."""

    __tablename__ = "core_auth_attempt"
    __table_args__ = (Index("ix_core_auth_attempt_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(index=True)


class Attempt:
    """The rows one login attempt wrote; ``succeeded`` takes them back."""

    def __init__(self, ids: list[int]):
        self.ids = ids

    def succeeded(self) -> None:
        # Removed in the request's transaction: committed with the login itself.
        if self.ids:
            db.session.execute(delete(AuthAttempt).where(AuthAttempt.id.in_(self.ids)))


def attempt(email: str, address: str | None, kind: str = "login") -> Attempt:
    """Count one attempt for this account and this address, or refuse it with a 429 when either
    already reached its limit (the refused attempt itself is not counted)."""
    config = current_app.config
    if not config["LOGIN_THROTTLE_ENABLED"]:
        return Attempt([])
    now = utcnow()
    limits = {
        _key(kind, "account", email.strip().lower()): login_limit(config["LOGIN_ACCOUNT_LIMITS"]),
        _key(kind, "address", address or ""): login_limit(config["LOGIN_LIMITS"]),
    }
    oldest = now - max(timedelta(seconds=seconds) for _amount, seconds in limits.values())
    db.session.execute(delete(AuthAttempt).where(AuthAttempt.at < oldest))
    rows = [AuthAttempt(key=key, at=now) for key in limits]
    db.session.add_all(rows)
    # Committed now, apart from the request's own writes, so that every worker counts it at once.
    db.session.commit()
    if _over_limit(limits, now):
        db.session.execute(delete(AuthAttempt).where(AuthAttempt.id.in_([row.id for row in rows])))
        db.session.commit()
        raise TooManyRequests()
    return Attempt([row.id for row in rows])


def _over_limit(limits: dict[str, tuple[int, int]], now: datetime) -> bool:
    """Whether a key holds more attempts in its window than its limit (this attempt included)."""
    in_window = or_(
        *(
            (AuthAttempt.key == key) & (AuthAttempt.at > now - timedelta(seconds=seconds))
            for key, (_n, seconds) in limits.items()
        )
    )
    statement = select(AuthAttempt.key, func.count()).where(in_window).group_by(AuthAttempt.key)
    counts = {key: count for key, count in db.session.execute(statement)}
    return any(counts.get(key, 0) > amount for key, (amount, _seconds) in limits.items())


def _key(kind: str, scope: str, value: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"{kind}:{scope}:{value}".encode(), hashlib.sha256).hexdigest()
