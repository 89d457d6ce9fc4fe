"""Attendance per half-day (phone-friendly), the sign-in sheet, certificates and survey results."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.accounts.permissions import PermissionDenied, require
from core.errors import DomainError
from core.extensions import db
from modules.training.models import Certificate, Enrolment
from modules.training.services import attendance as svc
from modules.training.services.common import get_session, get_slot
from modules.training.services.feedback import survey_results
from modules.training.views import bp


@bp.route("/slots/<int:slot_id>/attendance", methods=["GET", "POST"])
@require()
def attendance(slot_id: int):
    slot = get_slot(slot_id)
    session = slot.session
    svc.check_can_take_attendance(current_user, session)
    people = svc.participants(session.id)
    if request.method == "POST":
        presence = {}
        for key in request.form:
            if key.startswith("present-"):
                raw_id = key.removeprefix("present-")
                if not raw_id.isdigit():
                    abort(400)
                presence[int(raw_id)] = request.form[key] == "1"
        try:
            count = svc.record_attendance(current_user, slot.id, presence)
            db.session.commit()
            flash(_("Attendance saved for %(n)d people.", n=count), "success")
            return redirect(url_for("training.attendance", slot_id=slot.id))
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
            return render_template(
                "training/attendance.html", slot=slot, session=session, people=people, marks=presence, posted=True
            ), 422
    marks = {e: p for (e, s), p in svc.marks(session.id).items() if s == slot.id}
    return render_template(
        "training/attendance.html", slot=slot, session=session, people=people, marks=marks, posted=False
    )


@bp.route("/sessions/<int:session_id>/sign-in-sheet.pdf")
@require()
def sign_in_sheet(session_id: int):
    session = get_session(session_id)
    svc.check_can_take_attendance(current_user, session)
    return Response(
        svc.sign_in_sheet(session),
        mimetype="application/pdf",
        headers={"Content-Disposition": f"inline; filename=sign-in-sheet-{session.id}.pdf"},
    )


@bp.route("/sessions/<int:session_id>/certificates", methods=["GET", "POST"])
@require()
def certificates(session_id: int):
    session = get_session(session_id)
    svc.check_can_take_attendance(current_user, session)
    if request.method == "POST":
        try:
            issued = svc.issue_certificates(current_user, session.id)
            db.session.commit()
            flash(_("%(n)d certificates issued and sent.", n=len(issued)), "success")
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        return redirect(url_for("training.certificates", session_id=session.id))
    issued = {
        c.enrolment_id: c
        for c in db.session.scalars(db.select(Certificate).join(Enrolment).where(Enrolment.session_id == session.id))
    }
    return render_template(
        "training/certificates.html",
        session=session,
        issued=issued,
        hours=svc.hours_attended(session),
        people=svc.participants(session.id),
    )


@bp.route("/sessions/<int:session_id>/survey")
@require()
def session_survey(session_id: int):
    session = get_session(session_id)
    try:
        svc.check_can_take_attendance(current_user, session)
    except PermissionDenied:
        abort(403)
    return render_template(
        "training/survey_results.html", session=session, results=survey_results(session_id=session.id)
    )
