"""Tracks as ordered stages of milestones, and each project's progress along its track."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _

from core import audit, mail, uploads
from core.accounts.permissions import PermissionDenied, check
from core.clock import today
from core.db import get_or_404, utcnow
from core.errors import Conflict, DomainError, NotFound
from core.extensions import db
from modules.incubation.models import Document, Milestone, Project, ProjectMilestone, Stage, Track
from modules.incubation.services.access import MANAGE, can_mentor, can_see, holders_of, is_holder

MAX_TARGET_DAYS = 3650


def _name(value: str | None, field: str = "name") -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(_("A name is required."), field)
    if len(value) > 120:
        raise DomainError(_("At most %(n)d characters.", n=120), field)
    return value


def create_track(user, name: str, description: str = "") -> Track:
    check(user, MANAGE)
    name = _name(name)
    if db.session.scalar(db.select(Track.id).where(Track.name == name)):
        raise Conflict(_("A track with this name already exists."), "name")
    track = Track(name=name, description=(description or "").strip())
    db.session.add(track)
    db.session.flush()
    audit.record("incubation.track.create", "incubation_track", track.id, name=name)
    return track


def add_stage(user, track: Track, name: str) -> Stage:
    check(user, MANAGE)
    stage = Stage(track_id=track.id, position=len(track.stages) + 1, name=_name(name))
    track.stages.append(stage)
    db.session.flush()
    audit.record("incubation.stage.create", "incubation_track", track.id, stage=stage.id)
    return stage


def add_milestone(user, stage: Stage, name: str, deliverables: str, target_days) -> Milestone:
    check(user, MANAGE)
    if not isinstance(target_days, int) or not 0 < target_days <= MAX_TARGET_DAYS:
        raise DomainError(_("Give a target duration between 1 and %(n)d days.", n=MAX_TARGET_DAYS), "target_days")
    milestone = Milestone(
        stage_id=stage.id,
        position=len(stage.milestones) + 1,
        name=_name(name),
        deliverables=(deliverables or "").strip()[:5000],
        target_days=target_days,
    )
    stage.milestones.append(milestone)
    db.session.flush()
    audit.record("incubation.milestone.create", "incubation_track", stage.track_id, milestone=milestone.id)
    return milestone


def get_track(track_id: int) -> Track:
    return get_or_404(Track, track_id)


def get_stage(track_id: int, stage_id: int) -> Stage:
    stage = get_or_404(Stage, stage_id)
    if stage.track_id != track_id:
        raise NotFound(_("Not found."))
    return stage


def open_stage(project: Project, stage: Stage, start: date) -> None:
    """Enter a stage: its milestones get target dates one after the other from ``start``."""
    project.stage, project.stage_started_on = stage, start
    target = start
    for milestone in stage.milestones:
        target += timedelta(days=milestone.target_days)
        db.session.add(ProjectMilestone(project_id=project.id, milestone_id=milestone.id, target_date=target))
    db.session.flush()


def project_milestones(project: Project) -> list[ProjectMilestone]:
    return list(
        db.session.scalars(
            db.select(ProjectMilestone)
            .join(Milestone)
            .join(Stage)
            .where(ProjectMilestone.project_id == project.id)
            .order_by(Stage.position, Milestone.position)
        )
    )


def get_project_milestone(project: Project, pm_id: int) -> ProjectMilestone:
    pm = get_or_404(ProjectMilestone, pm_id)
    if pm.project_id != project.id:
        raise NotFound(_("Not found."))
    return pm


def submit_milestone(user, project: Project, pm: ProjectMilestone, note: str, files) -> ProjectMilestone:
    """The holder hands in a milestone with its documents (checked by content and size)."""
    if not is_holder(user, project):
        raise PermissionDenied("incubation.apply")
    if project.status != "accepted":
        raise Conflict(_("The project is not on a track."))
    if pm.status not in ("pending", "returned"):
        raise Conflict(_("This milestone is already submitted or validated."))
    stored = [
        uploads.save(f, area="incubation", allowed=uploads.DOCUMENTS, field="files") for f in files if f and f.filename
    ]
    if not stored and not pm.documents:
        raise DomainError(_("Attach at least one document."), "files")
    for item in stored:
        db.session.add(
            Document(
                project_milestone_id=pm.id,
                stored_name=item.stored_name,
                original_name=item.original_name,
                content_type=item.content_type,
                size=item.size,
                uploaded_by_id=user.id,
            )
        )
    pm.note = (note or "").strip()[:5000]
    pm.status, pm.submitted_at = "submitted", utcnow()
    project.last_activity_at = utcnow()
    db.session.flush()
    audit.record("incubation.milestone.submit", "incubation_project", project.id, milestone=pm.milestone_id)
    return pm


def review_milestone(user, project: Project, pm: ProjectMilestone, decision: str, comment: str) -> None:
    """Only a coach of the project (or the coordinator) validates; never the holder."""
    if not can_mentor(user, project) or is_holder(user, project):
        raise PermissionDenied("incubation.coach")
    if decision not in ("validate", "return"):
        raise DomainError(_("Unknown decision."), "decision")
    if pm.status != "submitted":
        raise Conflict(_("Only a submitted milestone can be reviewed."))
    comment = (comment or "").strip()[:5000]
    if decision == "return" and not comment:
        raise DomainError(_("Say what is missing."), "comment")
    pm.comment = comment
    if decision == "validate":
        pm.status, pm.validated_at, pm.validated_by_id = "validated", utcnow(), user.id
        _advance(project)
    else:
        pm.status = "returned"
    project.last_activity_at = utcnow()
    db.session.flush()
    audit.record(
        "incubation.milestone.review", "incubation_project", project.id, milestone=pm.milestone_id, decision=decision
    )
    for holder in holders_of(project):
        mail.send("incubation/mail/milestone_reviewed.txt", holder, project=project, pm=pm, decision=decision)


def _advance(project: Project) -> None:
    """Once every milestone of the current stage is validated, enter the next stage (or complete)."""
    db.session.flush()
    open_left = db.session.scalar(
        db.select(db.func.count())
        .select_from(ProjectMilestone)
        .join(Milestone)
        .where(
            ProjectMilestone.project_id == project.id,
            Milestone.stage_id == project.stage_id,
            ProjectMilestone.status != "validated",
        )
    )
    if open_left:
        return
    following = [s for s in project.track.stages if s.position > project.stage.position]
    if following:
        open_stage(project, following[0], today())
    else:
        project.status = "completed"
    audit.record("incubation.stage.complete", "incubation_project", project.id, stage=project.stage_id)


def get_document(user, document_id: int) -> Document:
    document = get_or_404(Document, document_id)
    if not can_see(user, db.session.get(Project, document.project_milestone.project_id)):
        raise NotFound(_("Not found."))
    return document
