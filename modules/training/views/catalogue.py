"""Catalogue, session pages and the coordinator's management of trainers, courses and sessions."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.accounts.directory import organization_choices
from core.accounts.models import Membership, Organization, User
from core.accounts.permissions import require
from core.clock import local
from core.db import get_or_404, utcnow
from core.extensions import db
from core.web.forms import query_id
from core.web.lifecycle import act, submit
from core.web.pagination import paged
from modules.training.forms import MONTHS, CancelSessionForm, CourseForm, EnrolForm, SessionForm, TrainerForm
from modules.training.models import HOLDS_SEAT, SESSION_CANCELLED, WAITING, Course, Enrolment, Trainer, TrainingSession
from modules.training.services import catalogue as svc
from modules.training.services.common import can_manage, get_session, is_session_trainer
from modules.training.services.enrolment import seats_left
from modules.training.services.feedback import demand as demand_of
from modules.training.services.feedback import survey_results
from modules.training.services.split import current_split
from modules.training.views import bp
from modules.training.views.helpers import form_status, member_choices, visible_enrolments


def _counts(session_ids: list[int]) -> dict[tuple[int, str], int]:
    """Seats held and people waiting per session, in one query for a whole page."""
    if not session_ids:
        return {}
    rows = db.session.execute(
        db.select(Enrolment.session_id, Enrolment.status, db.func.count(Enrolment.id))
        .where(Enrolment.session_id.in_(session_ids), Enrolment.status.in_((*HOLDS_SEAT, WAITING)))
        .group_by(Enrolment.session_id, Enrolment.status)
    )
    counts: dict[tuple[int, str], int] = {}
    for session_id, status, n in rows:
        key = (session_id, "waiting" if status == WAITING else "held")
        counts[key] = counts.get(key, 0) + n
    return counts


@bp.route("/")
@require("training.view")
def catalogue():
    q = request.args.get("q", "").strip()[:100]
    stmt = (
        db.select(TrainingSession)
        .join(Course)
        .where(TrainingSession.status != SESSION_CANCELLED, TrainingSession.ends_at > utcnow())
        .order_by(TrainingSession.starts_at, TrainingSession.id)
    )
    if q:
        stmt = stmt.where(Course.title.ilike(f"%{q}%"))
    page = paged(stmt)
    counts = _counts([s.id for s in page.items])
    return render_template("training/catalogue.html", page=page, q=q, counts=counts)


@bp.route("/sessions/<int:session_id>")
@require("training.view")
def session_detail(session_id: int):
    return render_session(get_session(session_id, current_user))


def render_session(session: TrainingSession, form: EnrolForm | None = None) -> str:
    """The session page; ``form`` is a rejected enrolment form to show again with its errors."""
    enrolments, positions = visible_enrolments(session)
    choices = member_choices("training.enrol")
    if form is None and choices and session.status != SESSION_CANCELLED and session.starts_at > utcnow():
        form = EnrolForm()
        form.organization_id.choices = choices
    split, final = current_split(session)
    waiting = db.session.scalar(
        db.select(db.func.count(Enrolment.id)).where(Enrolment.session_id == session.id, Enrolment.status == WAITING)
    )
    return render_template(
        "training/session.html",
        session=session,
        enrolments=enrolments,
        positions=positions,
        form=form,
        seats_left=seats_left(session),
        waiting=waiting,
        split=split,
        split_final=final,
        manage=can_manage(current_user),
        trains=is_session_trainer(current_user, session),
        now=utcnow(),
        cancel_form=CancelSessionForm() if can_manage(current_user) else None,
    )


def _session_form(form: SessionForm) -> SessionForm:
    form.course_id.choices = [
        (c.id, c.title) for c in db.session.scalars(db.select(Course).where(Course.active).order_by(Course.title))
    ]
    form.trainer_id.choices = [
        (t.id, t.name) for t in db.session.scalars(db.select(Trainer).where(Trainer.active).order_by(Trainer.name))
    ]
    organizations = organization_choices()
    form.host_organization_id.choices = organizations
    form.payee_organization_id.choices = organizations
    return form


def _network_id() -> int | None:
    """The network association the coordinator works for: it usually pays the trainer."""
    return db.session.scalar(
        db.select(Organization.id)
        .where(Organization.kind == "network", Organization.id.in_(current_user.organization_ids or [-1]))
        .order_by(Organization.id)
        .limit(1)
    )


def _session_data(form: SessionForm) -> svc.SessionData:
    return svc.SessionData(
        course_id=form.course_id.data,
        trainer_id=form.trainer_id.data,
        host_organization_id=form.host_organization_id.data,
        payee_organization_id=form.payee_organization_id.data,
        address=form.address.data,
        seats=form.seats.data,
        min_participants=form.min_participants.data,
        go_no_go_at=form.parsed_go_no_go_at,
        slots=form.parsed_slots,
        cap_per_org=form.cap_per_org.data,
        price_model=form.price_model.data,
        trainer_fee=form.trainer_fee.data,
        costs=form.costs.data or 0,
        fixed_price=form.fixed_price.data,
        offer_hours=form.offer_hours.data,
    )


@bp.route("/sessions/new", methods=["GET", "POST"])
@require("training.manage")
def session_new():
    form = _session_form(SessionForm(course_id=query_id("course"), payee_organization_id=_network_id()))
    if form.validate_on_submit():
        done = submit(
            form,
            lambda: svc.create_session(current_user, _session_data(form)),
            _("Session created."),
            lambda session: url_for("training.session_detail", session_id=session.id),
        )
        if done:
            return done
    return render_template("training/session_form.html", form=form, session=None), form_status()


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@require("training.manage")
def session_edit(session_id: int):
    session = get_session(session_id)
    lines = "\n".join(f"{local(s.starts_at):%Y-%m-%d %H:%M}-{local(s.ends_at):%H:%M}" for s in session.slots)
    # Not obj=session: its "slots" attribute is the list of rows, the form's is one line per half-day.
    values = {name: getattr(session, name) for name in SessionForm.EDITABLE}
    form = _session_form(
        SessionForm(**values, slots=lines, go_no_go_at=local(session.go_no_go_at).replace(tzinfo=None))
    )
    if form.validate_on_submit():
        done = submit(
            form,
            lambda: svc.update_session(current_user, session.id, _session_data(form)),
            _("Session updated."),
            url_for("training.session_detail", session_id=session_id),
        )
        if done:
            return done
    return render_template("training/session_form.html", form=form, session=session), form_status()


@bp.route("/sessions/<int:session_id>/cancel", methods=["POST"])
@require("training.manage")
def session_cancel(session_id: int):
    form = CancelSessionForm()
    page = url_for("training.session_detail", session_id=session_id)
    if not form.validate_on_submit():
        flash(_("Give a reason to cancel the session."), "danger")
        return redirect(page)
    return act(
        lambda: svc.cancel_session_by_coordinator(current_user, session_id, form.reason.data),
        _("Session cancelled; everyone was told."),
        page,
    )


@bp.route("/courses")
@require("training.manage")
def courses():
    return render_template(
        "training/courses.html",
        courses=db.session.scalars(db.select(Course).order_by(Course.title)).all(),
        trainers=db.session.scalars(
            db.select(Trainer).options(db.joinedload(Trainer.organization)).order_by(Trainer.name)
        ).all(),
    )


@bp.route("/courses/<int:course_id>")
@require("training.view")
def course_detail(course_id: int):
    course = get_or_404(Course, course_id)
    sessions = db.session.scalars(
        db.select(TrainingSession)
        .where(TrainingSession.course_id == course.id)
        .order_by(TrainingSession.starts_at.desc())
    ).all()
    results = survey_results(course_id=course.id) if can_manage(current_user) else None
    return render_template("training/course.html", course=course, sessions=sessions, results=results)


@bp.route("/courses/new", methods=["GET", "POST"])
@bp.route("/courses/<int:course_id>/edit", methods=["GET", "POST"])
@require("training.manage")
def course_form(course_id: int | None = None):
    course = get_or_404(Course, course_id) if course_id else None
    form = CourseForm(obj=course)
    if form.validate_on_submit():
        done = submit(
            form,
            lambda: svc.save_course(current_user, course_id, **_fields(form)),
            _("Course saved."),
            lambda saved: url_for("training.course_detail", course_id=saved.id),
        )
        if done:
            return done
    title = _("Edit the course") if course else _("New course")
    return render_template("training/form_page.html", form=form, title=title), form_status()


@bp.route("/trainers/new", methods=["GET", "POST"])
@bp.route("/trainers/<int:trainer_id>/edit", methods=["GET", "POST"])
@require("training.manage")
def trainer_form(trainer_id: int | None = None):
    trainer = get_or_404(Trainer, trainer_id) if trainer_id else None
    form = TrainerForm(obj=trainer)
    trainers = db.session.scalars(
        db.select(User).join(Membership).where(Membership.role == "trainer").order_by(User.name).distinct()
    ).all()
    form.user_id.choices = [(0, _("None"))] + [(u.id, f"{u.name} <{u.email}>") for u in trainers]
    form.organization_id.choices = [(0, _("None"))] + organization_choices()
    if form.validate_on_submit():
        done = submit(
            form,
            lambda: svc.save_trainer(current_user, trainer_id, **_fields(form)),
            _("Trainer saved."),
            url_for("training.courses"),
        )
        if done:
            return done
    title = _("Edit the trainer") if trainer else _("New trainer")
    return render_template("training/form_page.html", form=form, title=title), form_status()


def _fields(form) -> dict:
    """The form's values as the service's keyword arguments."""
    return {k: v for k, v in form.data.items() if k not in ("submit", "csrf_token")}


@bp.route("/demand")
@require("training.manage")
def demand():
    return render_template(
        "training/demand.html", demand=demand_of(), month_names={int(number): label for number, label in MONTHS}
    )
