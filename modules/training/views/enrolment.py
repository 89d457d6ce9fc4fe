"""Enrolment, the waiting list, interest, a participant's history and the organization's report."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.accounts.permissions import require
from core.clock import today
from core.errors import DomainError, NotFound
from core.extensions import db
from core.web.lifecycle import attach_error
from modules.training.forms import EnrolForm, InterestForm, ReportForm
from modules.training.models import ENROLLED, Course, Interest
from modules.training.services import enrolment as svc
from modules.training.services import feedback
from modules.training.services.common import get_session
from modules.training.views import bp
from modules.training.views.catalogue import render_session
from modules.training.views.helpers import org_choices


@bp.route("/sessions/<int:session_id>/enrol", methods=["POST"])
@require("training.enrol")
def enrol(session_id: int):
    session = get_session(session_id, current_user)
    form = EnrolForm()
    form.organization_id.choices = org_choices("training.enrol")
    if form.validate_on_submit():
        try:
            enrolment = svc.enrol(
                current_user,
                session.id,
                form.organization_id.data,
                form.name.data,
                form.email.data,
                form.volunteer.data,
            )
            db.session.commit()
            if enrolment.status == ENROLLED:
                flash(_("%(name)s is enrolled.", name=enrolment.name), "success")
            else:
                flash(_("The session is full: %(name)s is on the waiting list.", name=enrolment.name), "warning")
            return redirect(url_for("training.session_detail", session_id=session.id))
        except DomainError as error:
            attach_error(form, error)
    return render_session(session, form), 422


def _enrolment_action(action, enrolment_id: int, message: str):
    try:
        enrolment = action(current_user, enrolment_id)
        db.session.commit()
        flash(message, "success")
        return redirect(url_for("training.session_detail", session_id=enrolment.session_id))
    except NotFound:
        raise  # someone else's enrolment looks absent: a 404 page, like any unknown id
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return redirect(request.referrer or url_for("training.history"))


@bp.route("/enrolments/<int:enrolment_id>/cancel", methods=["POST"])
@require()
def cancel(enrolment_id: int):
    return _enrolment_action(svc.cancel_enrolment, enrolment_id, _("Enrolment cancelled."))


@bp.route("/enrolments/<int:enrolment_id>/confirm", methods=["POST"])
@require()
def confirm(enrolment_id: int):
    return _enrolment_action(svc.confirm_offer, enrolment_id, _("Seat confirmed."))


@bp.route("/history")
@require()
def history():
    rows = feedback.history_of(current_user)
    positions = svc.queue_positions([e for e, _cert in rows])
    return render_template("training/history.html", rows=rows, positions=positions)


@bp.route("/interest", methods=["GET", "POST"])
@require("training.interest")
def interest():
    form = InterestForm(course_id=request.args.get("course", type=int))
    form.course_id.choices = [
        (c.id, c.title) for c in db.session.scalars(db.select(Course).where(Course.active).order_by(Course.title))
    ]
    choices = org_choices("training.interest")
    form.organization_id.choices = choices
    if form.validate_on_submit():
        try:
            feedback.register_interest(
                current_user,
                form.course_id.data,
                form.organization_id.data,
                form.people.data,
                [int(m) for m in form.months.data or []],
                form.places.data,
                form.comment.data,
            )
            db.session.commit()
            flash(_("Interest registered. The coordinator will tell you when a session opens."), "success")
            return redirect(url_for("training.interest"))
        except DomainError as error:
            attach_error(form, error)
    mine = db.session.scalars(
        db.select(Interest).where(Interest.organization_id.in_([i for i, _n in choices])).order_by(Interest.id)
    ).all()
    return render_template("training/interest.html", form=form, mine=mine)


@bp.route("/interest/<int:interest_id>/withdraw", methods=["POST"])
@require("training.interest")
def interest_withdraw(interest_id: int):
    try:
        feedback.withdraw_interest(current_user, interest_id)
        db.session.commit()
        flash(_("Interest withdrawn."), "success")
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
    return redirect(url_for("training.interest"))


@bp.route("/report")
@require("training.report")
def report():
    form = ReportForm(request.args, year=today().year)
    form.organization_id.choices = org_choices("training.report")
    if request.args and form.validate():
        try:
            body = feedback.organization_report(current_user, form.organization_id.data, form.year.data)
            name = f"training-{form.year.data}-{form.organization_id.data}.csv"
            return Response(body, mimetype="text/csv", headers={"Content-Disposition": f"attachment; filename={name}"})
        except DomainError as error:
            attach_error(form, error)
    return render_template("training/form_page.html", form=form, title=_("Training report"), method="get")
