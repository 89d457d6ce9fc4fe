"""Every hook implementation of observatory, and nothing else: menu entries, dashboard cards, due
dates in the calendar, its scheduled jobs. Other modules' figures reach it through the
erp_observatory_indicators hook, which it calls and does not implement."""

from __future__ import annotations

from datetime import timedelta

from flask import render_template
from flask_babel import lazy_gettext as _l

from core.accounts.permissions import has_permission
from core.hookspecs import CalendarEvent, MenuItem, ScheduledJob, Widget, hookimpl
from core.web.urls import path_for
from modules.observatory.services.catalog import period_label
from modules.observatory.services.coordination import periods_due, reports_to_fill, waiting_for_validation
from modules.observatory.views.dashboards import glance_widget


@hookimpl
def erp_menu_items(user):
    return [
        MenuItem(_l("Overview"), "observatory.index", "observatory.view", 60, _l("Observatory")),
        MenuItem(_l("Regional observatory"), "observatory.region", "observatory.region", 61, _l("Observatory")),
        MenuItem(_l("Observatory periods"), "observatory.periods", "observatory.coordinate", 70, "admin"),
    ]


@hookimpl
def erp_dashboard_widgets(user):
    widgets = []
    if has_permission(user, "observatory.view") or has_permission(user, "observatory.region"):
        widgets.append(Widget(_l("Activity at a glance"), lambda: glance_widget(user), 90))
    if has_permission(user, "observatory.coordinate"):
        widgets.append(
            Widget(
                _l("Activity reports to validate"),
                lambda: render_template("observatory/widget_coordinator.html", count=waiting_for_validation()),
                40,
            )
        )
    elif has_permission(user, "observatory.report"):
        todo = reports_to_fill(user)
        widgets.append(
            Widget(
                _l("Activity reports to fill"),
                lambda: render_template("observatory/widget_member.html", todo=todo, period_label=period_label),
                40,
            )
        )
    return widgets


@hookimpl
def erp_calendar_events(user, start, end, limit):
    coordinator = has_permission(user, "observatory.coordinate")
    if not (coordinator or has_permission(user, "observatory.report")):
        return []
    return [
        CalendarEvent(
            f"observatory-period-{p.id}",
            str(_l("Activity reports due: %(period)s", period=period_label(p))),
            p.due_on,
            p.due_on + timedelta(days=1),
            "observatory",
            url=path_for("observatory.period", period_id=p.id) if coordinator else path_for("observatory.index"),
        )
        for p in periods_due(start.date(), end.date(), limit)
    ]


@hookimpl
def erp_scheduled_jobs():
    from modules.observatory.jobs import refresh_contributions, remind_before_due

    return [
        ScheduledJob("observatory.remind_before_due", remind_before_due, every_minutes=60),
        ScheduledJob("observatory.refresh_contributions", refresh_contributions, every_minutes=60),
    ]
