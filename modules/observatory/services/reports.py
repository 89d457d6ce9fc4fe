"""A structure's report for a period: draft, submit, validate or return, correct with a reason.

Record rule: a user reaches only the reports of organizations where they hold the permission;
any other id looks absent (404). Every state change locks the report row, so two clicks (or two
coordinators) cannot both submit or validate it.
"""

from __future__ import annotations

import json
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from core import audit, mail
from core.accounts.directory import managers_of
from core.accounts.models import Organization
from core.accounts.permissions import PermissionDenied, check, has_permission, scope
from core.clock import today
from core.db import utcnow, valid_id
from core.errors import Conflict, DomainError, NotFound
from core.extensions import db
from modules.observatory.models import VALUE, Period, Report, ReportValue, Revision
from modules.observatory.services.catalog import active_indicators, active_rules, previous_period
from modules.observatory.services.values import parse_figures, rule_errors

EDITABLE = ("draft", "returned")
STORED = Decimal(1).scaleb(-VALUE.scale)


def visible_reports(user, permission: str = "observatory.view", search: str = ""):
    """The select of reports ``user`` may see, newest period first; ``search`` matches the structure."""
    stmt = db.select(Report).join(Report.period).order_by(Period.start_on.desc(), Report.id)
    if search:
        stmt = stmt.join(Organization, Organization.id == Report.organization_id).where(
            Organization.name.ilike(f"%{search}%")
        )
    return scope(stmt, Report.organization_id, user, permission)


def get_report(user, report_id: int, permission: str = "observatory.view", lock: bool = False) -> Report:
    report = db.session.get(Report, report_id) if valid_id(report_id) else None
    if report is None or not has_permission(user, "observatory.view", report.organization_id):
        raise NotFound(_("This report does not exist."))
    if not has_permission(user, permission, report.organization_id):
        raise PermissionDenied(permission)
    if lock:
        stmt = db.select(Report).where(Report.id == report_id).with_for_update(of=Report)
        report = db.session.scalars(stmt.execution_options(populate_existing=True)).one()
    return report


def figures_of(report: Report | None) -> dict[str, Decimal]:
    return {} if report is None else {v.indicator.code: v.value for v in report.values}


def active_figures(report: Report | None) -> dict[str, Decimal]:
    """The figures of the indicators still in use: those a form or a correction can change."""
    active = {i.code for i in active_indicators()}
    return {code: value for code, value in figures_of(report).items() if code in active}


def previous_figures(report: Report) -> dict[str, Decimal]:
    """The same structure's figures for the period before, shown beside the form."""
    period = previous_period(report.period)
    if period is None:
        return {}
    stmt = db.select(Report).where(Report.organization_id == report.organization_id, Report.period_id == period.id)
    return figures_of(db.session.scalar(stmt))


def open_report(user, organization_id: int, period_id: int) -> Report:
    """The structure's report for the period, created as a draft the first time."""
    if not has_permission(user, "observatory.view", organization_id):
        raise NotFound(_("This organization does not exist."))
    check(user, "observatory.report", organization_id)
    org = db.session.get(Organization, organization_id) if valid_id(organization_id) else None
    period = db.session.get(Period, period_id) if valid_id(period_id) else None
    if org is None or org.kind != "member":
        raise NotFound(_("This organization does not exist."))
    if period is None:
        raise NotFound(_("This period does not exist."))
    if today() < period.start_on:
        raise DomainError(_("This period has not started yet."), field="period_id")
    stmt = db.select(Report).where(Report.organization_id == organization_id, Report.period_id == period_id)
    report = db.session.scalar(stmt)
    if report is not None:
        return report
    try:
        with db.session.begin_nested():
            report = Report(organization_id=organization_id, period_id=period_id)
            db.session.add(report)
            db.session.flush()
    except IntegrityError:  # opened at the same moment by another request: use that one
        return db.session.scalars(stmt.execution_options(populate_existing=True)).one()
    audit.record("observatory.report.open", "report", report.id, organization_id=organization_id, period_id=period_id)
    return report


def _check_figures(raw: dict) -> dict[str, Decimal | None]:
    figures = parse_figures(raw, active_indicators())
    broken = rule_errors(figures, active_rules())
    if broken:
        raise DomainError(_("The figures are inconsistent; nothing was saved."), errors=broken)
    return figures


def _apply(report: Report, figures: dict[str, Decimal | None]) -> dict[str, list]:
    """Replace the report's figures; returns the changes as {code: [old, new]}."""
    by_code = {i.code: i for i in active_indicators()}
    current = {v.indicator.code: v for v in report.values}
    changes = {}
    for code, typed in figures.items():
        # At the column's scale: the answer given before the commit reads as every later one.
        value = None if typed is None else typed.quantize(STORED)
        row = current.get(code)
        old = None if row is None else row.value
        if old == value:
            continue
        changes[code] = [None if old is None else str(old), None if typed is None else str(typed)]
        if value is None:
            report.values.remove(row)
        elif row is None:
            report.values.append(ReportValue(indicator=by_code[code], value=value))
        else:
            row.value = value
    db.session.flush()
    return changes


def _revision(report: Report, user, action: str, reason: str | None = None, changes: dict | None = None):
    db.session.add(
        Revision(
            report_id=report.id,
            user_id=getattr(user, "id", None),
            action=action,
            reason=reason,
            changes=json.dumps(changes or {}, ensure_ascii=False),
        )
    )
    audit.record(f"observatory.report.{action}", "report", report.id, user=user, reason=reason, changes=changes or {})


def save_draft(user, report_id: int, raw: dict) -> Report:
    """Keep the figures typed so far; the report stays editable."""
    report = get_report(user, report_id, "observatory.report", lock=True)
    if report.status not in EDITABLE:
        raise Conflict(_("This report was submitted; it can no longer be changed here."))
    figures = _check_figures(raw)
    changes = _apply(report, figures)
    if changes:
        audit.record("observatory.report.save", "report", report.id, user=user, changes=changes)
    return report


def submit(user, report_id: int) -> Report:
    report = get_report(user, report_id, "observatory.report", lock=True)
    if report.status not in EDITABLE:
        raise Conflict(_("This report was submitted already."))
    if today() < report.period.end_on:
        raise DomainError(_("A report can be submitted once its period is over."))
    if not report.values:
        raise DomainError(_("Fill in at least one figure before submitting."))
    broken = rule_errors(figures_of(report), active_rules())
    if broken:
        raise DomainError(_("The figures are inconsistent; correct them before submitting."), errors=broken)
    report.status, report.submitted_at, report.return_comment = "submitted", utcnow(), None
    _revision(report, user, "submit")
    return report


def fill(user, organization_id: int, period_id: int, raw: dict, submitting: bool = False) -> Report:
    """The report form's one action: open the report (the first time), keep its figures, and submit
    it when asked."""
    report = open_report(user, organization_id, period_id)
    save_draft(user, report.id, raw)
    return submit(user, report.id) if submitting else report


def validate(user, report_id: int) -> Report:
    report = get_report(user, report_id, "observatory.coordinate", lock=True)
    if report.status != "submitted":
        raise Conflict(_("Only a submitted report can be validated."))
    report.status, report.validated_at = "validated", utcnow()
    _revision(report, user, "validate")
    return report


def return_report(user, report_id: int, comment: str) -> Report:
    """Send a submitted report back to its structure with what to correct."""
    report = get_report(user, report_id, "observatory.coordinate", lock=True)
    comment = (comment or "").strip()
    if not comment:
        raise DomainError(_("Say what needs correcting."), field="comment")
    if report.status != "submitted":
        raise Conflict(_("Only a submitted report can be returned."))
    report.status, report.return_comment = "returned", comment
    _revision(report, user, "return", reason=comment)
    for manager in managers_of(report.organization_id):
        mail.send("observatory/mail/returned.txt", manager, report=report, comment=comment)
    return report


def correct(user, report_id: int, raw: dict, reason: str) -> Report:
    """Change a validated report's figures; the reason and the changes stay in its history."""
    report = get_report(user, report_id, "observatory.coordinate", lock=True)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for this correction."), field="reason")
    if report.status != "validated":
        raise Conflict(_("Only a validated report is corrected this way."))
    figures = _check_figures({**active_figures(report), **raw})
    changes = _apply(report, figures)
    if not changes:
        raise DomainError(_("These figures are the ones already validated."))
    _revision(report, user, "correct", reason=reason, changes=changes)
    return report


def history(report: Report) -> list[Revision]:
    stmt = db.select(Revision).where(Revision.report_id == report.id).order_by(Revision.at, Revision.id)
    return list(db.session.scalars(stmt))
