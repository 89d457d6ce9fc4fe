"""A structure's reports: list, fill (draft, submit), import a CSV, export, consent."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.accounts.models import Organization
from core.accounts.permissions import has_permission, permitted_org_ids, require
from core.db import get_or_404
from core.extensions import db
from core.spreadsheets import csv_response
from core.web.lifecycle import act, submit
from core.web.pagination import paged
from modules.observatory.forms import PREFIX, ConsentForm, CorrectionBase, ImportForm, ReturnForm, figures_form
from modules.observatory.models import Period, Report
from modules.observatory.services import coordination, csvimport, reports
from modules.observatory.services.catalog import THEMES, UNITS, active_indicators, label_of, period_label
from modules.observatory.views import bp
from modules.observatory.views.helpers import figure, form_status, number

CONTEXT = {
    "period_label": period_label,
    "label_of": label_of,
    "number": number,
    "figure": figure,
    "themes": THEMES,
    "units": UNITS,
}


def _typed(figures: dict, indicators) -> dict[str, str]:
    """Stored figures as a person would type them, to fill the form."""
    decimals = {i.code: i.decimals for i in indicators}
    return {PREFIX + code: number(value, decimals.get(code)) for code, value in figures.items()}


def _my_orgs(permission: str) -> list[Organization]:
    orgs = permitted_org_ids(current_user, permission)
    stmt = db.select(Organization).where(Organization.kind == "member").order_by(Organization.name)
    if orgs is not None:
        stmt = stmt.where(Organization.id.in_(orgs or [-1]))
    return list(db.session.scalars(stmt))


@bp.route("/")
@require("observatory.view")
def index():
    q = request.args.get("q", "").strip()[:100]
    stmt = reports.visible_reports(current_user, search=q)
    names = {o.id: o.name for o in _my_orgs("observatory.report")}
    return render_template(
        "observatory/index.html",
        page=paged(stmt),
        todo=coordination.reports_to_fill(current_user),
        names=names,
        q=q,
        **CONTEXT,
    )


@bp.route("/structures/<int:org_id>/periods/<int:period_id>", methods=["GET", "POST"])
@require("observatory.report")
def edit_report(org_id, period_id):
    if not has_permission(current_user, "observatory.view", org_id):
        abort(404)
    period = get_or_404(Period, period_id)
    org = get_or_404(Organization, org_id)
    existing = db.session.scalar(db.select(Report).filter_by(organization_id=org_id, period_id=period_id))
    if existing is not None and existing.status not in reports.EDITABLE:
        return redirect(url_for("observatory.report", report_id=existing.id))
    indicators = active_indicators()
    current = reports.figures_of(existing)
    form = figures_form(indicators, data=_typed(current, indicators))
    if form.validate_on_submit():
        submitting = request.form.get("action") == "submit"
        done = submit(
            form,
            lambda: reports.fill(current_user, org_id, period_id, form.figures(indicators), submitting),
            _("Report submitted to the coordination.") if submitting else _("Draft saved."),
            lambda report: url_for("observatory.report", report_id=report.id),
        )
        if done:
            return done
    previous = reports.previous_figures(existing or Report(organization_id=org_id, period=period))
    return render_template(
        "observatory/edit.html",
        form=form,
        org=org,
        period=period,
        report=existing,
        indicators=indicators,
        previous=previous,
        **CONTEXT,
    ), form_status()


@bp.route("/reports/<int:report_id>")
@require("observatory.view")
def report(report_id):
    item = reports.get_report(current_user, report_id)
    return render_template(
        "observatory/report.html",
        report=item,
        figures=reports.figures_of(item),
        previous=reports.previous_figures(item),
        history=reports.history(item),
        indicators=active_indicators(),
        return_form=ReturnForm(),
        **CONTEXT,
    )


def _transition(report_id, action, message):
    """A button on the report's page; a refusal is flashed there too."""
    return act(action, message, url_for("observatory.report", report_id=report_id))


@bp.route("/reports/<int:report_id>/submit", methods=["POST"], endpoint="submit")
@require("observatory.report")
def submit_report(report_id):
    return _transition(
        report_id, lambda: reports.submit(current_user, report_id), _("Report submitted to the coordination.")
    )


@bp.route("/reports/<int:report_id>/validate", methods=["POST"])
@require("observatory.coordinate")
def validate(report_id):
    return _transition(report_id, lambda: reports.validate(current_user, report_id), _("Report validated."))


@bp.route("/reports/<int:report_id>/return", methods=["POST"])
@require("observatory.coordinate")
def return_report(report_id):
    form = ReturnForm()
    comment = form.comment.data if form.validate_on_submit() else ""
    return _transition(
        report_id,
        lambda: reports.return_report(current_user, report_id, comment),
        _("Report returned to the structure."),
    )


@bp.route("/reports/<int:report_id>/correct", methods=["GET", "POST"])
@require("observatory.coordinate")
def correct(report_id):
    item = reports.get_report(current_user, report_id, "observatory.coordinate")
    indicators = active_indicators()
    form = figures_form(indicators, CorrectionBase, data=_typed(reports.figures_of(item), indicators))
    if form.validate_on_submit():
        done = submit(
            form,
            lambda: reports.correct(current_user, report_id, form.figures(indicators), form.reason.data),
            _("Correction recorded."),
            url_for("observatory.report", report_id=report_id),
        )
        if done:
            return done
    page = render_template("observatory/correct.html", form=form, report=item, indicators=indicators, **CONTEXT)
    return page, form_status()


@bp.route("/reports/<int:report_id>/import", methods=["GET", "POST"])
@require("observatory.report")
def import_csv(report_id):
    item = reports.get_report(current_user, report_id, "observatory.report")
    form, preview = ImportForm(), None
    if form.validate_on_submit():
        confirm = request.form.get("action") == "confirm"
        data = form.content.data if confirm else (form.file.data.read() if form.file.data else b"")
        item, preview = csvimport.import_figures(current_user, report_id, data, confirm)
        if confirm and preview.ok:
            flash(_("Figures imported into the draft."), "success")
            return redirect(url_for("observatory.report", report_id=report_id))
        form.content.data = preview.text
    return render_template("observatory/import.html", form=form, report=item, preview=preview, **CONTEXT)


@bp.route("/reports/<int:report_id>/export.csv")
@require("observatory.view")
def export_report(report_id):
    item = reports.get_report(current_user, report_id)
    figures = reports.figures_of(item)
    rows = [[i.code, label_of(i), i.unit, figures.get(i.code)] for i in active_indicators()]
    return csv_response(f"report-{item.id}.csv", ["indicator", "label", "unit", "value"], rows)


@bp.route("/consent", methods=["GET", "POST"])
@require("observatory.report")
def consent():
    orgs = _my_orgs("observatory.report")
    org = next((o for o in orgs if o.id == request.values.get("org", type=int)), orgs[0] if orgs else None)
    if org is None:
        abort(404)
    form = ConsentForm(data={"consent": coordination.consent_of(org.id)})
    if form.validate_on_submit():
        done = submit(
            form,
            lambda: coordination.set_consent(current_user, org.id, form.consent.data),
            _("Your choice is recorded."),
            url_for("observatory.consent", org=org.id),
        )
        if done:
            return done
    return render_template("observatory/consent.html", form=form, org=org, orgs=orgs), form_status()
