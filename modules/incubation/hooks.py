"""Every hook implementation of incubation, and nothing else: its only contact with the shared pages."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from flask import render_template
from flask_babel import lazy_gettext as _l

from core.hookspecs import CalendarEvent, Indicator, MenuItem, ScheduledJob, Widget, hookimpl


@hookimpl
def erp_menu_items(user):
    return [
        MenuItem(_l("Incubation"), "incubation.home", None, 40),
        MenuItem(_l("Start a ressourcerie project"), "incubation.signup", None, 40, "public"),
    ]


@hookimpl
def erp_dashboard_widgets(user):
    from modules.incubation.services.dashboard import todo

    items = todo(user)
    if not items:
        return []
    return [Widget(_l("Incubation"), lambda: render_template("incubation/_widget.html", items=items), 40)]


@hookimpl
def erp_calendar_events(user, start, end) -> list[CalendarEvent]:
    from core.clock import PARIS
    from core.extensions import db
    from modules.incubation.models import Placement
    from modules.incubation.services.hosting import placement_event, placements_stmt

    first, last = start.astimezone(PARIS).date(), end.astimezone(PARIS).date()
    stmt = placements_stmt(user).where(
        Placement.status == "accepted", Placement.start_date <= last, Placement.end_date >= first - timedelta(days=1)
    )
    return [placement_event(p) for p in db.session.scalars(stmt)]


@hookimpl
def erp_scheduled_jobs():
    from modules.incubation.jobs import remind_reports

    return [ScheduledJob("incubation.remind_reports", remind_reports, every_minutes=60)]


@hookimpl
def erp_observatory_indicators(start, end, organization_ids):
    from modules.incubation.services.reports import indicators

    figures = indicators(start, end, organization_ids)
    labels = {
        "projects": (_l("Projects accompanied"), "projects"),
        "placement_days": (_l("Immersion days hosted (person-days)"), "days"),
        "visits": (_l("Holder visits hosted"), "people"),
        "authority_visits": (_l("Visits by local authorities"), "visits"),
    }
    return [
        Indicator(f"incubation.{code}", label, unit, {k: Decimal(v) for k, v in figures[code].items()})
        for code, (label, unit) in labels.items()
    ]
