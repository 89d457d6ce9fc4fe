"""Trainers, courses, sessions over half-day slots, enrolments with a FIFO waiting list,
attendance per slot, certificates, interest and the satisfaction survey."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.accounts.models import Organization, User
from core.db import Money, Timestamped, UTCDateTime, utcnow
from core.extensions import db

# Enrolment states. A seat is held by ENROLLED and OFFERED (a promoted person who has until
# offer_expires_at to confirm); WAITING is the FIFO queue, ordered by id.
ENROLLED, OFFERED, WAITING = "enrolled", "offered", "waiting"
CANCELLED, EXPIRED, DROPPED = "cancelled", "expired", "dropped"
HOLDS_SEAT = (ENROLLED, OFFERED)
ACTIVE = (ENROLLED, OFFERED, WAITING)
ENROLMENT_STATES = (ENROLLED, OFFERED, WAITING, CANCELLED, EXPIRED, DROPPED)

PLANNED, CONFIRMED, SESSION_CANCELLED = "planned", "confirmed", "cancelled"
SESSION_STATES = (PLANNED, CONFIRMED, SESSION_CANCELLED)
SPLIT, FIXED = "split", "fixed"


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Trainer(Timestamped, db.Model):
    __tablename__ = "training_trainer"
    __table_args__ = (
        CheckConstraint("daily_fee >= 0", name="fee"),
        CheckConstraint("travel_costs >= 0", name="travel"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"), index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("core_organization.id"))
    internal: Mapped[bool] = mapped_column(default=False)
    bio: Mapped[str] = mapped_column(Text, default="")
    daily_fee: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    travel_costs: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    active: Mapped[bool] = mapped_column(default=True)

    user: Mapped[User | None] = relationship()
    organization: Mapped[Organization | None] = relationship()


class Course(Timestamped, db.Model):
    __tablename__ = "training_course"
    __table_args__ = (CheckConstraint("duration_hours > 0", name="duration"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    objectives: Mapped[str] = mapped_column(Text, default="")
    programme: Mapped[str] = mapped_column(Text, default="")
    duration_hours: Mapped[Decimal]
    prerequisites: Mapped[str] = mapped_column(Text, default="")
    audience: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)


class TrainingSession(Timestamped, db.Model):
    __tablename__ = "training_session"
    __table_args__ = (
        CheckConstraint("seats > 0", name="seats"),
        CheckConstraint("min_participants >= 1 AND min_participants <= seats", name="minimum"),
        CheckConstraint("cap_per_org IS NULL OR cap_per_org >= 1", name="cap"),
        CheckConstraint(_in("status", SESSION_STATES), name="status"),
        CheckConstraint(_in("price_model", (SPLIT, FIXED)), name="price_model"),
        CheckConstraint("trainer_fee >= 0 AND costs >= 0", name="amounts"),
        CheckConstraint("price_model <> 'fixed' OR fixed_price IS NOT NULL", name="fixed_price"),
        CheckConstraint("offer_hours >= 1", name="offer_hours"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("training_course.id"), index=True)
    trainer_id: Mapped[int] = mapped_column(ForeignKey("training_trainer.id"), index=True)
    host_organization_id: Mapped[int] = mapped_column(ForeignKey("core_organization.id"))
    # The organization that pays the trainer and is owed the participants' shares.
    payee_organization_id: Mapped[int] = mapped_column(ForeignKey("core_organization.id"))
    address: Mapped[str] = mapped_column(String(300))
    seats: Mapped[int]
    min_participants: Mapped[int]
    cap_per_org: Mapped[int | None]
    go_no_go_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    price_model: Mapped[str] = mapped_column(String(10), default=SPLIT)
    trainer_fee: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    costs: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    fixed_price: Mapped[Decimal | None] = mapped_column(Money())
    offer_hours: Mapped[int] = mapped_column(default=48)
    status: Mapped[str] = mapped_column(String(10), default=PLANNED, index=True)
    # Denormalized from the slots so that lists sort and filter without a join.
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancel_reason: Mapped[str | None] = mapped_column(String(300))

    course: Mapped[Course] = relationship(lazy="joined")
    trainer: Mapped[Trainer] = relationship(lazy="joined")
    host: Mapped[Organization] = relationship(foreign_keys=[host_organization_id], lazy="joined")
    payee: Mapped[Organization] = relationship(foreign_keys=[payee_organization_id])
    slots: Mapped[list[Slot]] = relationship(
        back_populates="session", order_by="Slot.starts_at", cascade="all, delete-orphan"
    )

    @property
    def ledger_source(self) -> str:
        return f"training.session:{self.id}"


class Slot(db.Model):
    """A half-day of a session; attendance is taken per slot."""

    __tablename__ = "training_slot"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_session.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())

    session: Mapped[TrainingSession] = relationship(back_populates="slots")

    @property
    def hours(self) -> Decimal:
        return (Decimal((self.ends_at - self.starts_at).total_seconds()) / 3600).quantize(Decimal("0.01"))


class Enrolment(db.Model):
    __tablename__ = "training_enrolment"
    __table_args__ = (
        CheckConstraint(_in("status", ENROLMENT_STATES), name="status"),
        CheckConstraint("status <> 'offered' OR offer_expires_at IS NOT NULL", name="offer"),
        # One live enrolment per person and session, whatever the race.
        Index(
            "uq_training_enrolment_live",
            "session_id",
            "email",
            unique=True,
            sqlite_where=text("status IN ('enrolled', 'offered', 'waiting')"),
            postgresql_where=text("status IN ('enrolled', 'offered', 'waiting')"),
        ),
        Index("ix_training_enrolment_queue", "session_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_session.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("core_organization.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    volunteer: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    enrolled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    convocation_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    survey_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    survey_token: Mapped[str] = mapped_column(String(64), unique=True)

    session: Mapped[TrainingSession] = relationship(lazy="joined")
    organization: Mapped[Organization] = relationship(lazy="joined")
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])


class Attendance(db.Model):
    __tablename__ = "training_attendance"
    __table_args__ = (UniqueConstraint("enrolment_id", "slot_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("training_enrolment.id", ondelete="CASCADE"))
    slot_id: Mapped[int] = mapped_column(ForeignKey("training_slot.id", ondelete="CASCADE"), index=True)
    present: Mapped[bool]
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))


class Certificate(db.Model):
    __tablename__ = "training_certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("training_enrolment.id"), unique=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    hours: Mapped[Decimal]
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    enrolment: Mapped[Enrolment] = relationship(lazy="joined")


class Interest(db.Model):
    """An organization's wish for a course; one row per organization and course, updated."""

    __tablename__ = "training_interest"
    __table_args__ = (
        UniqueConstraint("course_id", "organization_id"),
        CheckConstraint("people >= 1", name="people"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("training_course.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("core_organization.id"), index=True)
    people: Mapped[int]
    months: Mapped[str] = mapped_column(String(40), default="")  # "3,4,10": preferred months
    places: Mapped[str] = mapped_column(String(300), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))

    course: Mapped[Course] = relationship(lazy="joined")
    organization: Mapped[Organization] = relationship(lazy="joined")

    @property
    def month_numbers(self) -> list[int]:
        return [int(m) for m in self.months.split(",") if m]


class SurveyResponse(db.Model):
    __tablename__ = "training_survey_response"
    __table_args__ = (
        CheckConstraint(
            "overall BETWEEN 1 AND 5 AND content BETWEEN 1 AND 5 AND trainer BETWEEN 1 AND 5", name="ratings"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("training_enrolment.id"), unique=True)
    overall: Mapped[int]
    content: Mapped[int]
    trainer: Mapped[int]
    comment: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
