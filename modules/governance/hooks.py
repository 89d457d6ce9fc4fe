"""Every hook implementation of governance, and nothing else: its only contact with the shared pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.accounts.permissions import has_permission
from core.hookspecs import MenuItem, ScheduledJob, Widget, hookimpl


@hookimpl
def erp_menu_items(user):
    return [
        MenuItem(_l("Overview"), "governance.index", "governance.view", 40, _l("Governance")),
        MenuItem(_l("Shared needs"), "governance.needs", "governance.view", 41, _l("Governance")),
    ]


@hookimpl
def erp_dashboard_widgets(user):
    if not has_permission(user, "governance.vote"):
        return []
    from modules.governance.views.widgets import render_widget

    return [Widget(_l("Votes waiting for you"), lambda: render_widget(user), 20)]


@hookimpl
def erp_calendar_events(user, start, end, limit):
    if not has_permission(user, "governance.view"):
        return []
    from modules.governance.services.calendar import calendar_events

    return calendar_events(start, end, limit)


@hookimpl
def erp_scheduled_jobs():
    from modules.governance.jobs import advance_polls, remind_voters

    return [
        ScheduledJob("governance.advance_polls", advance_polls, every_minutes=1),
        ScheduledJob("governance.remind_voters", remind_voters, every_minutes=15),
    ]


@hookimpl
def erp_observatory_indicators(start, end, organization_ids):
    """Meetings held and polls closed in [start, end), per organization that took part."""
    from modules.governance.services.indicators import indicators

    return indicators(start, end, organization_ids)
