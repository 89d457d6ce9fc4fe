"""Every hook implementation of incubation, and nothing else: its only contact with the shared pages."""

from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l

from core.hookspecs import CalendarEvent, MenuItem, ScheduledJob, Widget, hookimpl


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
def erp_calendar_events(user, start, end, limit) -> list[CalendarEvent]:
    from modules.incubation.services.hosting import calendar_events

    return calendar_events(user, start, end, limit)


@hookimpl
def erp_scheduled_jobs():
    from modules.incubation.jobs import remind_reports

    return [ScheduledJob("incubation.remind_reports", remind_reports, every_minutes=60)]


@hookimpl
def erp_observatory_indicators(start, end, organization_ids):
    from modules.incubation.services.reports import observatory_indicators

    return observatory_indicators(start, end, organization_ids)
