"""Bodies (assembly, board, committee), their colleges and their members over terms."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.accounts.models import Organization, User
from core.db import Timestamped
from core.extensions import db

BODY_KINDS = ("assembly", "board", "committee")
SEAT_KINDS = ("organization", "person")


class Body(Timestamped, db.Model):
    __tablename__ = "governance_body"
    __table_args__ = (
        CheckConstraint("kind IN ('assembly', 'board', 'committee')", name="kind"),
        CheckConstraint("seat_kind IN ('organization', 'person')", name="seat_kind"),
        CheckConstraint("proxy_cap >= 0", name="proxy_cap"),
        CheckConstraint("notice_days >= 0", name="notice_days"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    seat_kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    proxy_cap: Mapped[int] = mapped_column(default=2)
    notice_days: Mapped[int] = mapped_column(default=15)
    quorum_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("50"))

    colleges: Mapped[list[College]] = relationship(back_populates="body", order_by="College.id")
    members: Mapped[list[BodyMember]] = relationship(back_populates="body", order_by="BodyMember.id")

    def __str__(self) -> str:
        return self.name


class College(db.Model):
    """A group of seats sharing a fixed part of the assembly's voting weight (e.g. 70 %)."""

    __tablename__ = "governance_college"
    __table_args__ = (
        UniqueConstraint("body_id", "name"),
        CheckConstraint("weight_percent > 0 AND weight_percent <= 100", name="weight_percent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("governance_body.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    weight_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2))

    body: Mapped[Body] = relationship(back_populates="colleges")

    def __str__(self) -> str:
        return self.name


class BodyMember(db.Model):
    """A seat in a body for a term: an organization (assembly) or a person (board)."""

    __tablename__ = "governance_body_member"
    __table_args__ = (
        CheckConstraint("(organization_id IS NULL) <> (user_id IS NULL)", name="one_holder"),
        CheckConstraint("weight > 0", name="weight"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="term"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("governance_body.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("core_organization.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"), index=True)
    college_id: Mapped[int | None] = mapped_column(ForeignKey("governance_college.id"), index=True)
    weight: Mapped[Decimal] = mapped_column(Numeric(12, 6), default=Decimal(1))
    role_title: Mapped[str] = mapped_column(String(120), default="")
    start_date: Mapped[date]
    end_date: Mapped[date | None]

    body: Mapped[Body] = relationship(back_populates="members")
    organization: Mapped[Organization | None] = relationship(lazy="joined")
    user: Mapped[User | None] = relationship(lazy="joined")
    college: Mapped[College | None] = relationship(lazy="joined")

    @property
    def label(self) -> str:
        return self.organization.name if self.organization_id else self.user.name

    def active_on(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)
