"""What is measured and when: indicators grouped by theme, their rules, reporting periods."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from core import audit
from core.db import get_or_404
from core.errors import Conflict, DomainError
from core.extensions import db
from modules.observatory.models import PERIOD_KINDS, Indicator, Period, Rule

THEMES = {
    "collection": _l("Tonnages collected by flow"),
    "outcome": _l("What became of the tonnages"),
    "economy": _l("Sales"),
    "jobs": _l("Jobs and volunteering"),
    "visits": _l("Visits"),
    "awareness": _l("Awareness"),
    "other": _l("Other indicators"),
}
UNITS = {"t": _l("tonnes"), "EUR": _l("euros"), "FTE": _l("full-time equivalents"), "count": _l("number")}

# code, theme, label, unit, decimals
STANDARD = [
    ("collected_furniture", "collection", _l("Furniture collected"), "t", 3),
    ("collected_textiles", "collection", _l("Textiles collected"), "t", 3),
    ("collected_electrical", "collection", _l("Electrical and electronic equipment collected"), "t", 3),
    ("collected_books", "collection", _l("Books collected"), "t", 3),
    ("collected_toys", "collection", _l("Toys collected"), "t", 3),
    ("collected_dishes", "collection", _l("Dishes collected"), "t", 3),
    ("collected_other", "collection", _l("Other flows collected"), "t", 3),
    ("reused_sold", "outcome", _l("Reused: sold"), "t", 3),
    ("reused_given", "outcome", _l("Reused: given"), "t", 3),
    ("recycled", "outcome", _l("Recycled"), "t", 3),
    ("discarded", "outcome", _l("Discarded"), "t", 3),
    ("sales", "economy", _l("Sales"), "EUR", 2),
    ("jobs_fte", "jobs", _l("Jobs (full-time equivalents)"), "FTE", 2),
    ("contracts_permanent", "jobs", _l("Permanent contracts"), "count", 0),
    ("contracts_fixed_term", "jobs", _l("Fixed-term contracts"), "count", 0),
    ("contracts_insertion", "jobs", _l("Insertion contracts"), "count", 0),
    ("volunteers", "jobs", _l("Volunteers"), "count", 0),
    ("visits", "visits", _l("Visits received"), "count", 0),
    ("awareness_actions", "awareness", _l("Awareness actions"), "count", 0),
    ("people_reached", "awareness", _l("People reached by awareness actions"), "count", 0),
]
STOCKS = {"jobs_fte", "contracts_permanent", "contracts_fixed_term", "contracts_insertion", "volunteers"}
STANDARD_LABELS = {code: label for code, _theme, label, _unit, _dec in STANDARD}
COLLECTED = [code for code, theme, *_rest in STANDARD if theme == "collection"]
REUSED = ["reused_sold", "reused_given"]
OUTCOMES = [*REUSED, "recycled", "discarded"]
STANDARD_RULES = [
    (
        "outcomes_within_collected",
        OUTCOMES,
        COLLECTED,
        _l("Reused, recycled and discarded tonnages together cannot exceed the tonnages collected."),
    ),
]
RULE_MESSAGES = {code: message for code, _left, _right, message in STANDARD_RULES}

YEARS = range(2000, 2101)  # the years the observatory covers: periods, dashboards, exports, API


def label_of(indicator: Indicator) -> str:
    """Standard indicators are translated; the coordinator's own keep the label typed."""
    return str(STANDARD_LABELS.get(indicator.code, indicator.label))


def rule_message(rule: Rule) -> str:
    return str(RULE_MESSAGES.get(rule.code, rule.message))


def seed_standard_indicators() -> int:
    """Create the standard indicators and rules that are missing; returns how many were added.

    Safe to run any number of times (demo data and the coordinator's admin action both call it).
    """
    existing = set(db.session.scalars(db.select(Indicator.code)))
    added = 0
    for position, (code, theme, label, unit, decimals) in enumerate(STANDARD):
        if code not in existing:
            db.session.add(
                Indicator(
                    code=code,
                    theme=theme,
                    label=str(label),
                    unit=unit,
                    decimals=decimals,
                    stock=code in STOCKS,
                    position=(position + 1) * 10,
                )
            )
            added += 1
    rules = set(db.session.scalars(db.select(Rule.code)))
    for code, left, right, message in STANDARD_RULES:
        if code not in rules:
            db.session.add(
                Rule(code=code, left_codes=" ".join(left), right_codes=" ".join(right), message=str(message))
            )
            added += 1
    db.session.flush()
    if added:
        audit.record("observatory.indicators.seed", "indicator", None, added=added)
    return added


def active_indicators() -> list[Indicator]:
    stmt = db.select(Indicator).where(Indicator.active).order_by(Indicator.position, Indicator.id)
    return list(db.session.scalars(stmt))


def active_rules() -> list[Rule]:
    return list(db.session.scalars(db.select(Rule).where(Rule.active).order_by(Rule.id)))


def create_indicator(code: str, theme: str, label: str, unit: str, decimals: int, stock: bool = False) -> Indicator:
    code = (code or "").strip().lower()
    if not code.replace("_", "").isalnum():
        raise DomainError(_("Use letters, digits and underscores only."), field="code")
    if theme not in THEMES:
        raise DomainError(_("Unknown theme."), field="theme")
    if unit not in UNITS:
        raise DomainError(_("Unknown unit."), field="unit")
    if not 0 <= decimals <= 3:
        raise DomainError(_("Between 0 and 3 decimals."), field="decimals")
    if db.session.scalar(db.select(Indicator.id).where(Indicator.code == code)):
        raise Conflict(_("An indicator with this code exists already."), field="code")
    last = db.session.scalar(db.select(db.func.max(Indicator.position))) or 0
    indicator = Indicator(
        code=code, theme=theme, label=label.strip(), unit=unit, decimals=decimals, stock=stock, position=last + 10
    )
    db.session.add(indicator)
    db.session.flush()
    audit.record("observatory.indicator.create", "indicator", indicator.id, code=code)
    return indicator


def set_indicator_active(indicator_id: int, active: bool) -> Indicator:
    indicator = get_or_404(Indicator, indicator_id)
    indicator.active = active
    audit.record("observatory.indicator.active", "indicator", indicator.id, active=active)
    return indicator


def create_rule(left: list[str], right: list[str], message: str) -> Rule:
    """A coordinator's rule: the sum of the ``left`` figures may not exceed the sum of the ``right`` ones."""
    known = {i.code for i in active_indicators()}
    if not left or set(left) - known:
        raise DomainError(_("Choose indicators that exist."), field="left")
    if not right or set(right) - known:
        raise DomainError(_("Choose indicators that exist."), field="right")
    if set(left) & set(right):
        raise DomainError(_("An indicator cannot be on both sides of a rule."), field="right")
    message = (message or "").strip()
    if not message:
        raise DomainError(_("Write the message shown when the rule is broken."), field="message")
    count = db.session.scalar(db.select(db.func.count(Rule.id))) or 0
    rule = Rule(code=f"rule_{count + 1}", left_codes=" ".join(left), right_codes=" ".join(right), message=message)
    try:
        with db.session.begin_nested():
            db.session.add(rule)
            db.session.flush()
    except IntegrityError:
        raise Conflict(_("Another rule was added at the same time; try again.")) from None
    audit.record("observatory.rule.create", "rule", rule.id, left=rule.left_codes, right=rule.right_codes)
    return rule


def set_rule_active(rule_id: int, active: bool) -> Rule:
    rule = get_or_404(Rule, rule_id)
    rule.active = active
    audit.record("observatory.rule.active", "rule", rule.id, active=active)
    return rule


def period_bounds(kind: str, year: int, number: int) -> tuple[date, date]:
    if kind not in PERIOD_KINDS:
        raise DomainError(_("A period is a month or a quarter."), field="kind")
    if year not in YEARS:
        raise DomainError(_("Give a year between 2000 and 2100."), field="year")
    months = 1 if kind == "month" else 3
    if not 1 <= number <= 12 // months:
        raise DomainError(_("This period number does not exist for this kind of period."), field="number")
    first_month = (number - 1) * months + 1
    start = date(year, first_month, 1)
    last_month = first_month + months - 1
    end = date(year, last_month, calendar.monthrange(year, last_month)[1]) + timedelta(days=1)
    return start, end


def create_period(kind: str, year: int, number: int, due_on: date | None = None) -> Period:
    """A new reporting period; due one month after it ends unless told otherwise."""
    start, end = period_bounds(kind, year, number)
    due_on = due_on or end + timedelta(days=30)
    if due_on < end:
        raise DomainError(_("The due date cannot come before the end of the period."), field="due_on")
    overlap = db.session.scalar(db.select(Period.id).where(Period.start_on < end, Period.end_on > start))
    if overlap:
        raise Conflict(_("This period overlaps an existing period."), field="number")
    period = Period(kind=kind, year=year, number=number, start_on=start, end_on=end, due_on=due_on)
    try:
        with db.session.begin_nested():
            db.session.add(period)
            db.session.flush()
    except IntegrityError:
        raise Conflict(_("This period overlaps an existing period."), field="number") from None
    audit.record("observatory.period.create", "period", period.id, kind=kind, year=year, number=number)
    return period


def create_year(kind: str, year: int) -> list[Period]:
    """Every month or quarter of a year that does not exist yet."""
    created = []
    for number in range(1, (12 if kind == "month" else 4) + 1):
        start, end = period_bounds(kind, year, number)
        if not db.session.scalar(db.select(Period.id).where(Period.start_on < end, Period.end_on > start)):
            created.append(create_period(kind, year, number))
    return created


def period_label(period: Period) -> str:
    if period.kind == "quarter":
        return _("Q%(number)d %(year)d", number=period.number, year=period.year)
    return f"{period.start_on:%m}/{period.year}"


def previous_period(period: Period) -> Period | None:
    stmt = db.select(Period).where(Period.end_on <= period.start_on).order_by(Period.end_on.desc()).limit(1)
    return db.session.scalar(stmt)


def years() -> list[int]:
    return list(db.session.scalars(db.select(Period.year).distinct().order_by(Period.year.desc())))
