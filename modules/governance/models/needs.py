"""The shared-needs board: needs, the organizations that join and rate them, and actions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.accounts.models import Organization, User
from core.db import OrgOwned, Timestamped, UTCDateTime
from core.extensions import db

NEED_STATES = ("open", "retained", "dropped")
ACTION_STATES = ("todo", "doing", "done")


class Need(OrgOwned, Timestamped, db.Model):
    __tablename__ = "governance_need"
    __table_args__ = (CheckConstraint("status IN ('open', 'retained', 'dropped')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))

    organization: Mapped[Organization] = relationship(lazy="joined")
    supports: Mapped[list[NeedSupport]] = relationship(back_populates="need", cascade="all, delete-orphan")


class NeedSupport(db.Model):
    """An organization shares a need (convergence) and rates its importance and urgency (1-5)."""

    __tablename__ = "governance_need_support"
    __table_args__ = (
        UniqueConstraint("need_id", "organization_id"),
        CheckConstraint("importance BETWEEN 1 AND 5", name="importance"),
        CheckConstraint("urgency BETWEEN 1 AND 5", name="urgency"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("governance_need.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("core_organization.id"), index=True)
    importance: Mapped[int]
    urgency: Mapped[int]

    need: Mapped[Need] = relationship(back_populates="supports")
    organization: Mapped[Organization] = relationship(lazy="joined")


class Action(Timestamped, db.Model):
    __tablename__ = "governance_action"
    __table_args__ = (CheckConstraint("status IN ('todo', 'doing', 'done')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int | None] = mapped_column(ForeignKey("governance_need.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), index=True)
    due_date: Mapped[date]
    status: Mapped[str] = mapped_column(String(10), default="todo", index=True)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    owner: Mapped[User] = relationship(lazy="joined")
    need: Mapped[Need | None] = relationship(lazy="joined")
