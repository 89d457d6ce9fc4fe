"""Personal API tokens: shown once, stored as a SHA-256 hash, revocable, with last use."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from core import audit
from core.accounts.models import User
from core.db import UTCDateTime, utcnow
from core.extensions import Model, db

PREFIX = "erp_"
TOUCH_EVERY = timedelta(minutes=1)


class ApiToken(Model):
    __tablename__ = "core_api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


def _digest(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    plain = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name.strip()[:100], token_hash=_digest(plain), hint=plain[:8])
    db.session.add(token)
    db.session.flush()
    audit.record("api_token.create", "api_token", token.id, user=user, name=token.name)
    return token, plain


def user_for(plain: str) -> User | None:
    # The caller's person and memberships (every call checks permissions) in the same statement.
    token = db.session.scalar(
        db.select(ApiToken)
        .options(joinedload(ApiToken.user).joinedload(User.memberships))
        .where(ApiToken.token_hash == _digest(plain))
    )
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        token.last_used_at = now
        db.session.commit()
    return token.user


def revoke(user: User, token_id: int) -> bool:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    audit.record("api_token.revoke", "api_token", token.id, user=user)
    return True
