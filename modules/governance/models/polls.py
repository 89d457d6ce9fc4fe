"""Polls, their frozen voter list, and the two separate records of a vote.

``Participation`` says who has voted (no choice); ``Ballot`` holds the choice. For a secret
poll nothing joins them: the ballot has a random UUID key and a random receipt, no voter id and
no timestamp, and on SQLite it lives in a WITHOUT ROWID table, so even the storage order follows
the random key rather than the order of arrival.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Timestamped, UTCDateTime
from core.extensions import db
from modules.governance.models.bodies import Body

POLL_STATES = ("draft", "scheduled", "open", "closed")


class Poll(Timestamped, db.Model):
    __tablename__ = "governance_poll"
    __table_args__ = (
        CheckConstraint("method IN ('yes_no', 'single', 'approval', 'ranked', 'judgment')", name="method"),
        CheckConstraint(
            "rule IN ('simple', 'absolute', 'two_thirds', 'three_quarters', 'unanimity', 'relative')", name="rule"
        ),
        CheckConstraint("abstentions IN ('excluded', 'counted')", name="abstentions"),
        CheckConstraint("quorum_kind IN ('none', 'voters', 'weight')", name="quorum_kind"),
        CheckConstraint("quorum_percent >= 0 AND quorum_percent <= 100", name="quorum_percent"),
        CheckConstraint("status IN ('draft', 'scheduled', 'open', 'closed')", name="status"),
        CheckConstraint("closes_at > opens_at", name="period"),
        CheckConstraint("max_choices IS NULL OR max_choices >= 1", name="max_choices"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("governance_body.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("governance_meeting.id"), index=True)
    question: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    method: Mapped[str] = mapped_column(String(12))
    rule: Mapped[str] = mapped_column(String(16), default="simple")
    abstentions: Mapped[str] = mapped_column(String(10), default="excluded")
    quorum_kind: Mapped[str] = mapped_column(String(8), default="none")
    quorum_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal(0))
    secret: Mapped[bool] = mapped_column(default=True)
    allow_change: Mapped[bool] = mapped_column(default=False)
    max_choices: Mapped[int | None]
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    status: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    result_hash: Mapped[str | None] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))

    body: Mapped[Body] = relationship(lazy="joined")
    options: Mapped[list[PollOption]] = relationship(
        back_populates="poll", order_by="PollOption.position", cascade="all, delete-orphan"
    )


class PollOption(db.Model):
    __tablename__ = "governance_poll_option"
    __table_args__ = (UniqueConstraint("poll_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("governance_poll.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    label: Mapped[str] = mapped_column(String(200))
    need_id: Mapped[int | None] = mapped_column(ForeignKey("governance_need.id"), index=True)

    poll: Mapped[Poll] = relationship(back_populates="options")


class PollVoter(db.Model):
    """The voter list frozen when the poll opens: seat, weight, and who casts it (proxy)."""

    __tablename__ = "governance_poll_voter"
    __table_args__ = (
        UniqueConstraint("poll_id", "member_id"),
        CheckConstraint("weight > 0", name="weight"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("governance_poll.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("governance_body_member.id"), index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("core_organization.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    college: Mapped[str] = mapped_column(String(120), default="")
    weight: Mapped[Decimal] = mapped_column(Numeric(14, 6))
    proxy_holder_id: Mapped[int | None] = mapped_column(ForeignKey("governance_poll_voter.id"), index=True)


class Participation(db.Model):
    """Who has voted (or had their proxy vote): the register, without any choice."""

    __tablename__ = "governance_participation"

    poll_id: Mapped[int] = mapped_column(ForeignKey("governance_poll.id", ondelete="CASCADE"), primary_key=True)
    voter_id: Mapped[int] = mapped_column(ForeignKey("governance_poll_voter.id", ondelete="CASCADE"), primary_key=True)
    cast_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))


def _new_uuid() -> str:
    return str(uuid.uuid4())


class Ballot(db.Model):
    """A choice. ``voter_id`` is set only for named polls; secret ballots carry no voter link."""

    __tablename__ = "governance_ballot"
    __table_args__ = (
        UniqueConstraint("receipt"),
        UniqueConstraint("poll_id", "voter_id"),
        CheckConstraint("weight > 0", name="weight"),
        {"sqlite_with_rowid": False},
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=_new_uuid)
    poll_id: Mapped[int] = mapped_column(ForeignKey("governance_poll.id", ondelete="CASCADE"), index=True)
    receipt: Mapped[str] = mapped_column(String(32))
    choice: Mapped[str] = mapped_column(Text)  # canonical JSON
    weight: Mapped[Decimal] = mapped_column(Numeric(14, 6))
    voter_id: Mapped[int | None] = mapped_column(ForeignKey("governance_poll_voter.id", ondelete="CASCADE"))
