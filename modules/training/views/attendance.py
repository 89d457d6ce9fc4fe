"""Attendance per half-day (phone-friendly), the sign-in sheet, certificates and survey results."""

from __future__ import annotations

from flask import Response, abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.accounts.permissions import PermissionDenied, require
from core.extensions import db
from core.web.lifecycle import act, submit
from modules.training.forms import AttendanceForm
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
    form = AttendanceForm()
    if form.validate_on_submit():
        presence = _posted_presence()
        done = submit(
            form,
            lambda: svc.record_attendance(current_user, slot.id, presence),
            _("Attendance saved for %(n)d people.", n=len(presence)),
            url_for("training.attendance", slot_id=slot.id),
        )
        return done or (
            render_template(
                "training/attendance.html", slot=slot, session=session, people=people, marks=presence, posted=True
            ),
            422,
        )
    marks = {e: p for (e, s), p in svc.marks(session.id).items() if s == slot.id}
    return render_template(
        "training/attendance.html", slot=slot, session=session, people=people, marks=marks, posted=False
    )


def _posted_presence() -> dict[int, bool]:
    """enrolment id -> present, from the radio buttons "present-<id>" of the sheet."""
    presence = {}
    for key in request.form:
        if key.startswith("present-"):
            raw_id = key.removeprefix("present-")
            if not (raw_id.isascii() and raw_id.isdigit()):
                abort(400)
            presence[int(raw_id)] = request.form[key] == "1"
    return presence


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
        return act(lambda: _issue(session.id), None, url_for("training.certificates", session_id=session.id))
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


def _issue(session_id: int) -> None:
    issued = svc.issue_certificates(current_user, session_id)
    flash(_("%(n)d certificates issued and sent.", n=len(issued)), "success")


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
