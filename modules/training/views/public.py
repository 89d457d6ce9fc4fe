"""Pages without login: certificate verification and download by code, the survey by token."""

from __future__ import annotations

from flask import Response, render_template, request, url_for
from flask_babel import gettext as _

from core.errors import NotFound
from core.extensions import db, limiter
from core.web.lifecycle import submit
from modules.training.forms import SurveyForm, VerifyForm
from modules.training.models import SurveyResponse
from modules.training.services import attendance as svc
from modules.training.services import feedback
from modules.training.views import bp
from modules.training.views.helpers import form_status

# Codes are unguessable (128+ bits); the limit also keeps brute force and scraping out.
PUBLIC_LIMIT = "30 per minute"


@bp.route("/verify")
@bp.route("/verify/<code>")
@limiter.limit(PUBLIC_LIMIT)
def verify(code: str | None = None):
    form = VerifyForm(request.args, code=code)
    certificate, status = None, 200
    if code or request.args.get("code"):
        try:
            certificate = svc.find_certificate(code or form.code.data or "")
        except NotFound as error:
            form.code.errors = [error.message]
            status = 404
    qr = svc.qr_svg(certificate.code) if certificate else None
    return render_template("training/verify.html", form=form, certificate=certificate, qr=qr), status


@bp.route("/certificates/<code>.pdf")
@limiter.limit(PUBLIC_LIMIT)
def certificate_pdf(code: str):
    certificate = svc.find_certificate(code)
    return Response(
        svc.certificate_pdf(certificate),
        mimetype="application/pdf",
        headers={"Content-Disposition": f"inline; filename=certificate-{certificate.id}.pdf"},
    )


@bp.route("/survey/<token>", methods=["GET", "POST"])
@limiter.limit(PUBLIC_LIMIT)
def survey(token: str):
    enrolment = feedback.survey_enrolment(token)
    form = SurveyForm()
    if form.validate_on_submit():
        done = submit(
            form,
            lambda: feedback.submit_survey(
                token, int(form.overall.data), int(form.content.data), int(form.trainer.data), form.comment.data
            ),
            _("Thank you for your answers!"),
            url_for("training.survey", token=token),
        )
        if done:
            return done
    answered = db.session.scalar(
        db.select(db.func.count()).select_from(SurveyResponse).where(SurveyResponse.enrolment_id == enrolment.id)
    )
    page = render_template("training/survey.html", form=form, enrolment=enrolment, answered=bool(answered))
    return page, form_status()
