"""Tracks, projects, host sites, placements, milestones and journals of the incubation module."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.accounts.models import Organization, User
from core.db import Timestamped, UTCDateTime, utcnow
from core.extensions import db

PROJECT_STATUSES = ("draft", "submitted", "needs_info", "accepted", "refused", "completed")
PLACEMENT_KINDS = ("immersion", "visit")
PLACEMENT_STATUSES = ("requested", "accepted", "declined", "cancelled")
ACTIVE_PLACEMENT = ("requested", "accepted")  # statuses that hold a seat at the host site
MILESTONE_STATUSES = ("pending", "submitted", "returned", "validated")
LEARNINGS = ("collection", "sorting", "repair", "shop", "awareness")


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Track(Timestamped, db.Model):
    __tablename__ = "incubation_track"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)

    stages: Mapped[list[Stage]] = relationship(
        back_populates="track", order_by="Stage.position", cascade="all, delete-orphan"
    )


class Stage(db.Model):
    __tablename__ = "incubation_stage"
    __table_args__ = (UniqueConstraint("track_id", "position"), CheckConstraint("position > 0", name="position"))

    id: Mapped[int] = mapped_column(primary_key=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("incubation_track.id"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(120))

    track: Mapped[Track] = relationship(back_populates="stages")
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="stage", order_by="Milestone.position", cascade="all, delete-orphan"
    )


class Milestone(db.Model):
    __tablename__ = "incubation_milestone"
    __table_args__ = (
        UniqueConstraint("stage_id", "position"),
        CheckConstraint("target_days > 0", name="target_days"),
        CheckConstraint("position > 0", name="position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("incubation_stage.id"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(120))
    deliverables: Mapped[str] = mapped_column(Text, default="")
    target_days: Mapped[int]

    stage: Mapped[Stage] = relationship(back_populates="milestones")


class Project(Timestamped, db.Model):
    """A new ressourcerie project: its own 'project' organization, its application and progress."""

    __tablename__ = "incubation_project"
    __table_args__ = (CheckConstraint(_in("status", PROJECT_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("core_organization.id"), unique=True)
    territory: Mapped[str] = mapped_column(String(200), default="")
    maturity: Mapped[str] = mapped_column(Text, default="")
    team: Mapped[str] = mapped_column(Text, default="")
    needs: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    track_id: Mapped[int | None] = mapped_column(ForeignKey("incubation_track.id"), index=True)
    stage_id: Mapped[int | None] = mapped_column(ForeignKey("incubation_stage.id"), index=True)
    motivation: Mapped[str] = mapped_column(Text, default="")
    review_note: Mapped[str] = mapped_column(Text, default="")
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    stage_started_on: Mapped[date | None] = mapped_column(Date)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organization: Mapped[Organization] = relationship(lazy="joined")
    track: Mapped[Track | None] = relationship()
    stage: Mapped[Stage | None] = relationship()
    coaches: Mapped[list[Coach]] = relationship(back_populates="project", cascade="all, delete-orphan")

    @property
    def name(self) -> str:
        return self.organization.name


class Coach(db.Model):
    __tablename__ = "incubation_coach"
    __table_args__ = (UniqueConstraint("project_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("incubation_project.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), index=True)

    project: Mapped[Project] = relationship(back_populates="coaches")
    user: Mapped[User] = relationship(lazy="joined")


class ProjectMilestone(db.Model):
    """Where one project stands on one milestone of its track."""

    __tablename__ = "incubation_project_milestone"
    __table_args__ = (
        UniqueConstraint("project_id", "milestone_id"),
        CheckConstraint(_in("status", MILESTONE_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("incubation_project.id"), index=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("incubation_milestone.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    target_date: Mapped[date] = mapped_column(Date)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    validated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    validated_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    comment: Mapped[str] = mapped_column(Text, default="")

    milestone: Mapped[Milestone] = relationship(lazy="joined")
    documents: Mapped[list[Document]] = relationship(back_populates="project_milestone", order_by="Document.id")


class Document(db.Model):
    __tablename__ = "incubation_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_milestone_id: Mapped[int] = mapped_column(ForeignKey("incubation_project_milestone.id"), index=True)
    stored_name: Mapped[str] = mapped_column(String(200), unique=True)
    original_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    project_milestone: Mapped[ProjectMilestone] = relationship(back_populates="documents")


class HostSite(Timestamped, db.Model):
    """An established ressourcerie's hosting offer."""

    __tablename__ = "incubation_host_site"
    __table_args__ = (CheckConstraint("capacity > 0", name="capacity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("core_organization.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300))
    capacity: Mapped[int]
    learnings: Mapped[str] = mapped_column(String(200), default="")  # comma-separated LEARNINGS
    description: Mapped[str] = mapped_column(Text, default="")
    referent_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)

    organization: Mapped[Organization] = relationship(lazy="joined")
    referent: Mapped[User] = relationship(lazy="joined")
    periods: Mapped[list[HostPeriod]] = relationship(
        back_populates="host_site", order_by="HostPeriod.start_date", cascade="all, delete-orphan"
    )

    @property
    def learning_list(self) -> list[str]:
        return [item for item in self.learnings.split(",") if item]


class HostPeriod(db.Model):
    __tablename__ = "incubation_host_period"
    __table_args__ = (CheckConstraint("end_date >= start_date", name="dates"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    host_site_id: Mapped[int] = mapped_column(ForeignKey("incubation_host_site.id"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)

    host_site: Mapped[HostSite] = relationship(back_populates="periods")


class Placement(Timestamped, db.Model):
    """A holder's immersion (a period) or visit (one day) at a host site."""

    __tablename__ = "incubation_placement"
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="dates"),
        CheckConstraint("people > 0", name="people"),
        CheckConstraint(_in("kind", PLACEMENT_KINDS), name="kind"),
        CheckConstraint(_in("status", PLACEMENT_STATUSES), name="status"),
        CheckConstraint("kind <> 'visit' OR start_date = end_date", name="visit_one_day"),
        Index("ix_incubation_placement_site_dates", "host_site_id", "start_date", "end_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    host_site_id: Mapped[int] = mapped_column(ForeignKey("incubation_host_site.id"))
    project_id: Mapped[int] = mapped_column(ForeignKey("incubation_project.id"), index=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))
    kind: Mapped[str] = mapped_column(String(12))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    people: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(12), default="requested", index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    decision_note: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    report: Mapped[str] = mapped_column(Text, default="")
    report_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    host_site: Mapped[HostSite] = relationship(lazy="joined")
    project: Mapped[Project] = relationship(lazy="joined")
    holder: Mapped[User] = relationship(foreign_keys=[holder_id], lazy="joined")


class AuthorityVisit(Timestamped, db.Model):
    """A visit by a local authority (collectivité) to a project or a host site."""

    __tablename__ = "incubation_authority_visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("incubation_project.id"), index=True)
    host_site_id: Mapped[int | None] = mapped_column(ForeignKey("incubation_host_site.id"), index=True)
    authority: Mapped[str] = mapped_column(String(200))
    visitors: Mapped[str] = mapped_column(String(300), default="")
    visited_on: Mapped[date] = mapped_column(Date, index=True)
    place: Mapped[str] = mapped_column(String(300))
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))

    project: Mapped[Project | None] = relationship(lazy="joined")
    host_site: Mapped[HostSite | None] = relationship(lazy="joined")


class JournalEntry(db.Model):
    """The mentoring journal: private to the project's coaches and the coordinator."""

    __tablename__ = "incubation_journal_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("incubation_project.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))
    written_on: Mapped[date] = mapped_column(Date)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    author: Mapped[User] = relationship(lazy="joined")
