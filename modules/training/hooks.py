"""Every hook implementation of training, and nothing else: its only contact with the shared pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.accounts.permissions import has_permission
from core.hookspecs import Indicator, MenuItem, ScheduledJob, Widget, hookimpl
from modules.training import jobs


@hookimpl
def erp_menu_items(user):
    return [
        MenuItem(_l("Training"), "training.catalogue", "training.view", 30),
        MenuItem(_l("Training demand"), "training.demand", "training.manage", 31, "admin"),
        MenuItem(_l("Trainers and courses"), "training.courses", "training.manage", 32, "admin"),
    ]


@hookimpl
def erp_dashboard_widgets(user):
    from modules.training.views.widgets import coordinator_widget, member_widget, trainer_widget, trains_sessions

    widgets = []
    if has_permission(user, "training.manage"):
        widgets.append(Widget(_l("Training sessions to watch"), coordinator_widget, 30))
    elif has_permission(user, "training.enrol"):
        widgets.append(Widget(_l("Training: seats to confirm"), lambda: member_widget(user), 30))
    if has_permission(user, "training.attendance") and trains_sessions(user):
        widgets.append(Widget(_l("Sessions I train"), lambda: trainer_widget(user), 31))
    return widgets


@hookimpl
def erp_calendar_events(user, start, end, limit):
    from modules.training.services.calendar import events_for

    return events_for(user, start, end, limit)


@hookimpl
def erp_scheduled_jobs():
    return [
        ScheduledJob("training.apply_deadlines", jobs.apply_deadlines, every_minutes=5),
        ScheduledJob("training.send_reminders", jobs.send_reminders, every_minutes=15),
        ScheduledJob("training.send_surveys", jobs.send_surveys, every_minutes=60),
    ]


@hookimpl
def erp_observatory_indicators(start, end, organization_ids):
    from modules.training.services.feedback import hours_per_organization

    return [
        Indicator(
            "training.hours", _l("Training hours attended"), "h", hours_per_organization(start, end, organization_ids)
        )
    ]
