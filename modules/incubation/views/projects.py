"""Projects: list, page with timeline, application and review, coaches, milestones, journal, pipeline."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core import uploads
from core.accounts.models import Membership, User
from core.accounts.permissions import require
from core.accounts.roles import PROJECT_HOLDER
from core.charts import chart, svg_response
from core.extensions import db
from core.web.lifecycle import act, submit
from core.web.pagination import paged
from modules.incubation.forms import (
    ApplyForm,
    CoachForm,
    JournalForm,
    MilestoneReviewForm,
    ProjectForm,
    ReviewForm,
    SubmitMilestoneForm,
)
from modules.incubation.models import Project, Track
from modules.incubation.services import projects as service
from modules.incubation.services import reports, tracks
from modules.incubation.services.access import can_mentor, get_project, is_coordinator, is_holder, visible_projects
from modules.incubation.views import bp


@bp.route("/projects")
@login_required
def projects():
    from core.accounts.models import Organization

    q = request.args.get("q", "").strip()[:100]
    stmt = (
        visible_projects(current_user)
        .join(Project.organization)
        .options(db.joinedload(Project.stage))
        .order_by(Organization.name)
    )
    if q:
        stmt = stmt.where(Organization.name.ilike(f"%{q}%"))
    return render_template("incubation/projects.html", page=paged(stmt), q=q)


def _coach_choices() -> list[tuple[int, str]]:
    """People of the network who may coach: anyone holding a role other than project holder."""
    staff = db.select(Membership.user_id).where(Membership.role != PROJECT_HOLDER)
    people = db.session.scalars(db.select(User).where(User.active.is_(True), User.id.in_(staff)).order_by(User.name))
    return [(0, "—")] + [(u.id, f"{u.name} ({u.email})") for u in people]


def _milestone_forms(milestones, form_class, prefix: str, failed: dict) -> dict:
    """One form per milestone, so every field has its own id; a refused one keeps its input and errors."""
    return {pm.id: failed.get(pm.id) or form_class(prefix=f"{prefix}{pm.id}", formdata=None) for pm in milestones}


def _page(project: Project, **forms):
    mentor = can_mentor(current_user, project)
    holder = is_holder(current_user, project)
    coordinator = is_coordinator(current_user)
    apply_form = forms.get("apply_form") or ApplyForm(prefix="apply")
    apply_form.track_id.choices = [
        (t.id, t.name) for t in db.session.scalars(db.select(Track).where(Track.active.is_(True)).order_by(Track.name))
    ]
    coach_form = forms.get("coach_form") or CoachForm(prefix="coach")
    if coordinator:
        coach_form.user_id.choices = _coach_choices()
    milestones = tracks.project_milestones(project)
    return render_template(
        "incubation/project.html",
        project=project,
        holder=holder,
        mentor=mentor,
        coordinator=coordinator,
        milestones=milestones,
        timeline=reports.timeline(current_user, project),
        journal=db.session.scalars(service.journal(current_user, project).limit(50)).all() if mentor else [],
        project_form=forms.get("project_form") or ProjectForm(prefix="project", obj=project),
        apply_form=apply_form,
        review_form=forms.get("review_form") or ReviewForm(prefix="review"),
        coach_form=coach_form,
        journal_form=forms.get("journal_form") or JournalForm(prefix="journal"),
        submit_forms=_milestone_forms(milestones, SubmitMilestoneForm, "m", forms.get("submit_failed", {})),
        review_forms=_milestone_forms(milestones, MilestoneReviewForm, "r", forms.get("review_failed", {})),
    )


@bp.route("/projects/<int:project_id>")
@login_required
def project(project_id: int):
    return _page(get_project(current_user, project_id))


def _post(project_id: int, form_class, prefix: str, action, form_name: str, message: str):
    """Shared flow of the forms posted on the project page: validate, call, go back or show errors."""
    project = get_project(current_user, project_id, lock=True)
    form = form_class(prefix=prefix)
    if form_name == "apply_form":
        form.track_id.choices = [(t.id, t.name) for t in db.session.scalars(db.select(Track))]
    if form_name == "coach_form":
        form.user_id.choices = _coach_choices()
    if form.validate_on_submit():
        done = submit(
            form, lambda: action(project, form), message, url_for("incubation.project", project_id=project_id)
        )
        if done:
            return done
        project = get_project(current_user, project_id)
    return _page(project, **{form_name: form}), 422


@bp.route("/projects/<int:project_id>/describe", methods=["POST"])
@login_required
def describe(project_id: int):
    return _post(
        project_id,
        ProjectForm,
        "project",
        lambda p, f: service.update_description(
            current_user, p, f.territory.data, f.maturity.data, f.team.data, f.needs.data
        ),
        "project_form",
        _("The project is saved."),
    )


@bp.route("/projects/<int:project_id>/apply", methods=["POST"])
@login_required
def apply(project_id: int):
    return _post(
        project_id,
        ApplyForm,
        "apply",
        lambda p, f: service.apply(current_user, p, f.track_id.data, f.motivation.data),
        "apply_form",
        _("Your application is sent."),
    )


@bp.route("/projects/<int:project_id>/review", methods=["POST"])
@require("incubation.manage")
def review(project_id: int):
    return _post(
        project_id,
        ReviewForm,
        "review",
        lambda p, f: service.review(current_user, p, f.decision.data, f.note.data),
        "review_form",
        _("The decision is sent."),
    )


@bp.route("/projects/<int:project_id>/coaches", methods=["POST"])
@require("incubation.manage")
def add_coach(project_id: int):
    return _post(
        project_id,
        CoachForm,
        "coach",
        lambda p, f: service.assign_coach(current_user, p, f.user_id.data),
        "coach_form",
        _("The coach is assigned."),
    )


@bp.route("/projects/<int:project_id>/coaches/<int:user_id>/remove", methods=["POST"])
@require("incubation.manage")
def remove_coach(project_id: int, user_id: int):
    return act(
        lambda: service.remove_coach(current_user, get_project(current_user, project_id, lock=True), user_id),
        _("The coach is removed."),
        url_for("incubation.project", project_id=project_id),
    )


@bp.route("/projects/<int:project_id>/journal", methods=["POST"])
@login_required
def write_journal(project_id: int):
    return _post(
        project_id,
        JournalForm,
        "journal",
        lambda p, f: service.write_journal(current_user, p, f.body.data, f.written_on.data),
        "journal_form",
        _("The entry is added."),
    )


@bp.route("/projects/<int:project_id>/milestones/<int:pm_id>/submit", methods=["POST"])
@login_required
def submit_milestone(project_id: int, pm_id: int):
    def hand_in(project, pm, form):
        tracks.submit_milestone(current_user, project, pm, form.note.data, request.files.getlist(form.files.name))

    return _milestone_post(
        project_id,
        pm_id,
        SubmitMilestoneForm,
        "m",
        "submit_failed",
        hand_in,
        _("The milestone is submitted to your coaches."),
    )


@bp.route("/projects/<int:project_id>/milestones/<int:pm_id>/review", methods=["POST"])
@login_required
def review_milestone(project_id: int, pm_id: int):
    def decide(project, pm, form):
        tracks.review_milestone(current_user, project, pm, form.decision.data, form.comment.data)

    return _milestone_post(
        project_id, pm_id, MilestoneReviewForm, "r", "review_failed", decide, _("The milestone is reviewed.")
    )


def _milestone_post(project_id: int, pm_id: int, form_class, prefix: str, failed: str, action, message: str):
    """The forms of one milestone card: go back to the card, or show the card's errors."""
    project = get_project(current_user, project_id, lock=True)
    pm = tracks.get_project_milestone(project, pm_id)
    form = form_class(prefix=f"{prefix}{pm_id}")
    if form.validate_on_submit():
        done = submit(
            form,
            lambda: action(project, pm, form),
            message,
            url_for("incubation.project", project_id=project_id, _anchor=f"milestone-{pm_id}"),
        )
        if done:
            return done
        project = get_project(current_user, project_id)
    return _page(project, **{failed: {pm_id: form}}), 422


@bp.route("/documents/<int:document_id>")
@login_required
def document(document_id: int):
    doc = tracks.get_document(current_user, document_id)
    return uploads.send(doc.stored_name, doc.original_name, doc.content_type)


@bp.route("/pipeline")
@require("incubation.manage")
def pipeline():
    q = request.args.get("q", "").strip()[:100]
    labels, series = reports.projects_per_stage_and_year(current_user)
    return render_template(
        "incubation/pipeline.html",
        groups=reports.pipeline(current_user, q),
        q=q,
        labels=labels,
        series=series,
        thresholds=reports.stalled_thresholds(),
    )


@bp.route("/pipeline/chart.svg")
@require("incubation.manage")
def pipeline_chart():
    labels, series = reports.projects_per_stage_and_year(current_user)
    return svg_response(chart("stacked", _("Projects per stage and year of entry"), labels, series))
