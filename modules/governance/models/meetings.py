"""Meetings of a body: agenda, motions, attendance and the proxies given for them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Timestamped, UTCDateTime, utcnow
from core.extensions import db
from modules.governance.models.bodies import Body, BodyMember

MEETING_MODES = ("in_person", "online", "hybrid")
ATTENDANCE = ("present", "represented", "excused", "absent")


class Meeting(Timestamped, db.Model):
    __tablename__ = "governance_meeting"
    __table_args__ = (
        CheckConstraint("mode IN ('in_person', 'online', 'hybrid')", name="mode"),
        CheckConstraint("ends_at > starts_at", name="period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("governance_body.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    mode: Mapped[str] = mapped_column(String(20), default="in_person")
    location: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str] = mapped_column(String(300), default="")
    convened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    minutes_notes: Mapped[str] = mapped_column(Text, default="")
    cancelled: Mapped[bool] = mapped_column(default=False)

    body: Mapped[Body] = relationship(lazy="joined")
    items: Mapped[list[AgendaItem]] = relationship(back_populates="meeting", order_by="AgendaItem.position")


class AgendaItem(db.Model):
    __tablename__ = "governance_agenda_item"
    __table_args__ = (UniqueConstraint("meeting_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("governance_meeting.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    meeting: Mapped[Meeting] = relationship(back_populates="items")
    motions: Mapped[list[Motion]] = relationship(back_populates="item", order_by="Motion.id")


class Motion(db.Model):
    """A proposal put to the vote: by show of hands (counts typed in) or by a poll."""

    __tablename__ = "governance_motion"
    __table_args__ = (CheckConstraint("votes_for >= 0 AND votes_against >= 0 AND votes_abstain >= 0", name="counts"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("governance_agenda_item.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    poll_id: Mapped[int | None] = mapped_column(ForeignKey("governance_poll.id"), index=True)
    votes_for: Mapped[int | None]
    votes_against: Mapped[int | None]
    votes_abstain: Mapped[int | None]
    adopted: Mapped[bool | None]

    item: Mapped[AgendaItem] = relationship(back_populates="motions")
    poll = relationship("Poll", lazy="joined")


class Attendance(db.Model):
    __tablename__ = "governance_attendance"
    __table_args__ = (
        UniqueConstraint("meeting_id", "member_id"),
        CheckConstraint("status IN ('present', 'represented', 'excused', 'absent')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("governance_meeting.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("governance_body_member.id"), index=True)
    status: Mapped[str] = mapped_column(String(12))

    member: Mapped[BodyMember] = relationship(lazy="joined")


class Proxy(db.Model):
    """A seat's voice given to another seat of the same body, for one meeting or one poll.

    At most one live proxy per grantor and scope, held by partial unique indexes; the cap per
    holder is checked under a lock on the meeting or poll row.
    """

    __tablename__ = "governance_proxy"
    __table_args__ = (
        CheckConstraint("(meeting_id IS NULL) <> (poll_id IS NULL)", name="one_scope"),
        CheckConstraint("grantor_id <> holder_id", name="not_self"),
        Index(
            "uq_governance_proxy_meeting_grantor",
            "meeting_id",
            "grantor_id",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
        Index(
            "uq_governance_proxy_poll_grantor",
            "poll_id",
            "grantor_id",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("governance_meeting.id", ondelete="CASCADE"), index=True)
    poll_id: Mapped[int | None] = mapped_column(ForeignKey("governance_poll.id", ondelete="CASCADE"), index=True)
    grantor_id: Mapped[int] = mapped_column(ForeignKey("governance_body_member.id"), index=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("governance_body_member.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    grantor: Mapped[BodyMember] = relationship(foreign_keys=[grantor_id], lazy="joined")
    holder: Mapped[BodyMember] = relationship(foreign_keys=[holder_id], lazy="joined")
