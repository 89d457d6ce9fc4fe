"""The coordinator's pages: periods, who has reported, reminders, indicators."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from core.accounts.permissions import require
from core.clock import today
from core.db import get_or_404
from core.extensions import db
from core.spreadsheets import csv_response
from core.web.lifecycle import act, submit
from core.web.pagination import paged
from modules.observatory.forms import IndicatorForm, PeriodForm, RuleForm, YearForm
from modules.observatory.models import Indicator, Period, Rule
from modules.observatory.services import catalog, coordination
from modules.observatory.views import bp
from modules.observatory.views.helpers import counted, form_status, posted


@bp.route("/periods", methods=["GET", "POST"])
@require("observatory.coordinate")
def periods():
    form, year_form = PeriodForm(prefix="period"), YearForm(prefix="year")
    done = None
    if posted(form, "period-kind"):
        done = submit(
            form,
            lambda: catalog.create_period(form.kind.data, form.year.data, form.number.data, form.due_on.data),
            _("Period created."),
            lambda period: url_for("observatory.period", period_id=period.id),
        )
    elif posted(year_form, "year-kind"):
        done = submit(
            year_form,
            lambda: len(catalog.create_year(year_form.kind.data, year_form.year.data)),
            None,
            counted(
                url_for("observatory.periods"),
                lambda n: ngettext("%(num)d period created.", "%(num)d periods created.", n),
            ),
        )
    if done:
        return done
    page = paged(db.select(Period).order_by(Period.start_on.desc()))
    return render_template(
        "observatory/periods.html", form=form, year_form=year_form, page=page, period_label=catalog.period_label
    ), form_status()


@bp.route("/periods/<int:period_id>")
@require("observatory.coordinate")
def period(period_id):
    item = get_or_404(Period, period_id)
    return render_template(
        "observatory/period.html",
        period=item,
        rows=coordination.follow_up(item),
        overdue=today() > item.due_on,
        period_label=catalog.period_label,
    )


@bp.route("/periods/<int:period_id>/follow-up.csv")
@require("observatory.coordinate")
def period_csv(period_id):
    item = get_or_404(Period, period_id)
    rows = [
        [org.name, report.status if report else "missing", report.submitted_at if report else None]
        for org, report in coordination.follow_up(item)
    ]
    return csv_response(
        f"follow-up-{item.year}-{item.kind}-{item.number}.csv", ["structure", "status", "submitted_at"], rows
    )


@bp.route("/periods/<int:period_id>/remind", methods=["POST"])
@require("observatory.coordinate")
def remind(period_id):
    return act(
        lambda: coordination.remind_now(current_user, period_id),
        None,
        counted(
            url_for("observatory.period", period_id=period_id),
            lambda n: ngettext("%(num)d structure reminded.", "%(num)d structures reminded.", n),
        ),
    )


@bp.route("/indicators", methods=["GET", "POST"])
@require("observatory.coordinate")
def indicators():
    form, rule_form = IndicatorForm(prefix="indicator"), RuleForm(prefix="rule")
    choices = [(i.code, catalog.label_of(i)) for i in catalog.active_indicators()]
    rule_form.left.choices = rule_form.right.choices = choices
    here, done = url_for("observatory.indicators"), None
    if posted(rule_form, "rule-message"):
        done = submit(
            rule_form,
            lambda: catalog.create_rule(rule_form.left.data, rule_form.right.data, rule_form.message.data),
            _("Rule created."),
            here,
        )
    elif posted(form, "indicator-code"):
        done = submit(
            form,
            lambda: catalog.create_indicator(
                form.code.data, form.theme.data, form.label.data, form.unit.data, form.decimals.data, form.stock.data
            ),
            _("Indicator created."),
            here,
        )
    if done:
        return done
    items = list(db.session.scalars(db.select(Indicator).order_by(Indicator.position, Indicator.id)))
    rules = list(db.session.scalars(db.select(Rule).order_by(Rule.id)))
    return render_template(
        "observatory/indicators.html",
        form=form,
        rule_form=rule_form,
        items=items,
        rules=rules,
        label_of=catalog.label_of,
        rule_message=catalog.rule_message,
        themes=catalog.THEMES,
        units=catalog.UNITS,
    ), form_status()


@bp.route("/indicators/seed", methods=["POST"])
@require("observatory.coordinate")
def seed():
    return act(
        catalog.seed_standard_indicators,
        None,
        counted(
            url_for("observatory.indicators"),
            lambda n: ngettext("%(num)d standard item added.", "%(num)d standard items added.", n),
        ),
    )


@bp.route("/rules/<int:rule_id>/active", methods=["POST"])
@require("observatory.coordinate")
def toggle_rule(rule_id):
    active = request.form.get("active") == "1"
    return act(lambda: catalog.set_rule_active(rule_id, active), None, url_for("observatory.indicators"))


@bp.route("/indicators/<int:indicator_id>/active", methods=["POST"])
@require("observatory.coordinate")
def toggle_indicator(indicator_id):
    active = request.form.get("active") == "1"
    return act(lambda: catalog.set_indicator_active(indicator_id, active), None, url_for("observatory.indicators"))
