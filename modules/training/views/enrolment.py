"""Enrolment, the waiting list, interest, a participant's history and the organization's report."""

from __future__ import annotations

from flask import flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.accounts.permissions import require
from core.clock import today
from core.extensions import db
from core.spreadsheets import csv_response
from core.web.forms import query_id
from core.web.lifecycle import act, submit
from modules.training.forms import EnrolForm, InterestForm, ReportForm
from modules.training.models import ENROLLED, Course, Enrolment, Interest
from modules.training.services import enrolment as svc
from modules.training.services import feedback
from modules.training.services.common import get_session
from modules.training.views import bp
from modules.training.views.catalogue import render_session
from modules.training.views.helpers import form_status, member_choices


@bp.route("/sessions/<int:session_id>/enrol", methods=["POST"])
@require("training.enrol")
def enrol(session_id: int):
    session = get_session(session_id, current_user)
    form = EnrolForm()
    form.organization_id.choices = member_choices("training.enrol")
    if form.validate_on_submit():
        done = submit(
            form,
            lambda: _enrol(session.id, form),
            None,
            url_for("training.session_detail", session_id=session.id),
        )
        if done:
            return done
    return render_session(session, form), 422


def _enrol(session_id: int, form: EnrolForm) -> Enrolment:
    """Enrol, and say whether the person got a seat or joined the waiting list."""
    data = form.data
    enrolment = svc.enrol(
        current_user, session_id, data["organization_id"], data["name"], data["email"], data["volunteer"]
    )
    if enrolment.status == ENROLLED:
        flash(_("%(name)s is enrolled.", name=enrolment.name), "success")
    else:
        flash(_("The session is full: %(name)s is on the waiting list.", name=enrolment.name), "warning")
    return enrolment


def _enrolment_action(action, enrolment_id: int, message: str):
    return act(
        lambda: action(current_user, enrolment_id),
        message,
        lambda enrolment: url_for("training.session_detail", session_id=enrolment.session_id),
        back=request.referrer or url_for("training.history"),
    )


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
    form = InterestForm(course_id=query_id("course"))
    form.course_id.choices = [
        (c.id, c.title) for c in db.session.scalars(db.select(Course).where(Course.active).order_by(Course.title))
    ]
    choices = member_choices("training.interest")
    form.organization_id.choices = choices
    if form.validate_on_submit():
        done = submit(
            form,
            lambda: feedback.register_interest(
                current_user,
                form.course_id.data,
                form.organization_id.data,
                form.people.data,
                [int(m) for m in form.months.data or []],
                form.places.data,
                form.comment.data,
            ),
            _("Interest registered. The coordinator will tell you when a session opens."),
            url_for("training.interest"),
        )
        if done:
            return done
    mine = db.session.scalars(
        db.select(Interest).where(Interest.organization_id.in_([i for i, _n in choices])).order_by(Interest.id)
    ).all()
    return render_template("training/interest.html", form=form, mine=mine), form_status()


@bp.route("/interest/<int:interest_id>/withdraw", methods=["POST"])
@require("training.interest")
def interest_withdraw(interest_id: int):
    return act(
        lambda: feedback.withdraw_interest(current_user, interest_id),
        _("Interest withdrawn."),
        url_for("training.interest"),
    )


@bp.route("/report")
@require("training.report")
def report():
    form = ReportForm(request.args, year=today().year)
    form.organization_id.choices = member_choices("training.report")
    if request.args and form.validate():
        header, rows = feedback.organization_report(current_user, form.organization_id.data, form.year.data)
        return csv_response(f"training-{form.year.data}-{form.organization_id.data}.csv", header, rows)
    status = 422 if request.args else 200
    return render_template("training/form_page.html", form=form, title=_("Training report"), method="get"), status
