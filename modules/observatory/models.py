"""The observatory's records: what is measured (indicators and their rules), when (periods),
what each structure declared (reports, their values, their history), and the snapshot of the
other modules' figures for the whole network."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import DDL, CheckConstraint, Date, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import local, today
from core.db import OrgOwned, Timestamped, UTCDateTime, utcnow
from core.extensions import db

PERIOD_KINDS = ("month", "quarter")
REPORT_STATUSES = ("draft", "submitted", "returned", "validated")
VALUE = Numeric(14, 3)


class Indicator(db.Model):
    __tablename__ = "observatory_indicator"
    __table_args__ = (CheckConstraint("decimals BETWEEN 0 AND 3", name="decimals"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    theme: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(20))
    decimals: Mapped[int] = mapped_column(default=0)
    # A stock (jobs, volunteers) is averaged over the year's periods; a flow (tonnes) is summed.
    stock: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=100)
    active: Mapped[bool] = mapped_column(default=True)


class Rule(db.Model):
    """sum(left codes) <= sum(right codes), checked on every save of a report."""

    __tablename__ = "observatory_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    left_codes: Mapped[str] = mapped_column(String(500))  # space-separated indicator codes
    right_codes: Mapped[str] = mapped_column(String(500))
    message: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(default=True)

    @property
    def left(self) -> list[str]:
        return self.left_codes.split()

    @property
    def right(self) -> list[str]:
        return self.right_codes.split()


class Period(db.Model):
    """A reporting period [start, end); periods never overlap, so yearly sums count nothing twice."""

    __tablename__ = "observatory_period"
    __table_args__ = (
        UniqueConstraint("kind", "year", "number"),
        CheckConstraint("kind IN ('month', 'quarter')", name="kind"),
        CheckConstraint("start_on < end_on", name="dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    year: Mapped[int] = mapped_column(index=True)
    number: Mapped[int]
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date] = mapped_column(Date)  # exclusive
    due_on: Mapped[date] = mapped_column(Date)


# PostgreSQL refuses overlapping periods by itself; SQLite relies on the serialized check.
PERIOD_EXCLUSION = (
    "ALTER TABLE observatory_period ADD CONSTRAINT observatory_period_no_overlap "
    "EXCLUDE USING gist (daterange(start_on, end_on) WITH &&)"
)
event.listen(Period.__table__, "after_create", DDL(PERIOD_EXCLUSION).execute_if(dialect="postgresql"))


class Report(OrgOwned, Timestamped, db.Model):
    __tablename__ = "observatory_report"
    __table_args__ = (
        UniqueConstraint("organization_id", "period_id"),
        CheckConstraint("status IN ('draft', 'submitted', 'returned', 'validated')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("observatory_period.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    validated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    return_comment: Mapped[str | None] = mapped_column(Text)

    period: Mapped[Period] = relationship(lazy="joined", innerjoin=True)
    organization = relationship("Organization", lazy="joined", innerjoin=True)
    values: Mapped[list[ReportValue]] = relationship(back_populates="report", cascade="all, delete-orphan")

    @property
    def late(self) -> bool:
        due = self.period.due_on
        return (today() if self.submitted_at is None else local(self.submitted_at).date()) > due


class ReportValue(db.Model):
    __tablename__ = "observatory_value"
    __table_args__ = (
        UniqueConstraint("report_id", "indicator_id"),
        CheckConstraint("value >= 0", name="non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("observatory_report.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("observatory_indicator.id"), index=True)
    value: Mapped[Decimal] = mapped_column(VALUE)

    report: Mapped[Report] = relationship(back_populates="values")
    indicator: Mapped[Indicator] = relationship(lazy="joined")


class Revision(db.Model):
    """The report's history: every submission, decision and correction, with its reason."""

    __tablename__ = "observatory_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("observatory_report.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    changes: Mapped[str] = mapped_column(Text, default="{}")  # {code: [old, new]} as JSON

    user = relationship("User", lazy="joined")

    @property
    def changed(self) -> dict[str, list]:
        return json.loads(self.changes or "{}")


class Publication(OrgOwned, db.Model):
    """A structure's consent to show its own figures on the public page (absent: no consent)."""

    __tablename__ = "observatory_publication"
    __table_args__ = (UniqueConstraint("organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consent: Mapped[bool] = mapped_column(default=False)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))


class Reminder(OrgOwned, db.Model):
    """One automatic reminder per structure and period; manual ones update ``sent_at``."""

    __tablename__ = "observatory_reminder"
    __table_args__ = (
        UniqueConstraint("period_id", "organization_id", "kind"),
        CheckConstraint("kind IN ('before_due', 'manual')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("observatory_period.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ContributionSnapshot(db.Model):
    """The other modules' figures of the whole network for one calendar year, as computed at
    ``computed_at`` (see services/contributions.py). Its row is the lock of the year's refresh."""

    __tablename__ = "observatory_contribution_snapshot"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ContributedIndicator(db.Model):
    """One indicator the hook gave for the year, kept even without any value (the dashboards list it)."""

    __tablename__ = "observatory_contributed_indicator"
    __table_args__ = (UniqueConstraint("year", "code"), CheckConstraint("decimals BETWEEN 0 AND 3", name="decimals"))

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(ForeignKey("observatory_contribution_snapshot.year", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(60))
    position: Mapped[int]  # the hook's order
    label: Mapped[str] = mapped_column(String(200))  # source language (English): translated when shown
    unit: Mapped[str] = mapped_column(String(20))
    # Decimal places of the values as the module gave them, so that they read back as given.
    decimals: Mapped[int] = mapped_column(default=0)


class ContributedValue(OrgOwned, db.Model):
    __tablename__ = "observatory_contributed_value"
    __table_args__ = (UniqueConstraint("indicator_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("observatory_contributed_indicator.id", ondelete="CASCADE"))
    value: Mapped[Decimal] = mapped_column(VALUE)


Index("ix_observatory_report_period_status", Report.period_id, Report.status)
