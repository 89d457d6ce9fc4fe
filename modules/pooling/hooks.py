"""Every hook implementation of pooling, and nothing else: its only contact with the shared pages."""

from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from core.accounts.permissions import has_permission
from core.hookspecs import MenuItem, ScheduledJob, Widget, hookimpl
from modules.pooling import jobs
from modules.pooling.services import dashboard


@hookimpl
def erp_menu_items(user):
    return [
        MenuItem(_l("Equipment"), "pooling.search", "pooling.view", 20, _l("Pooling")),
        MenuItem(_l("Bookings"), "pooling.bookings", "pooling.view", 21, _l("Pooling")),
        MenuItem(_l("Approvals"), "pooling.approvals", "pooling.approve", 22, _l("Pooling")),
        MenuItem(_l("Group purchases"), "pooling.campaigns", "pooling.purchase.pledge", 23, _l("Pooling")),
    ]


def _widget_html() -> str:
    return Markup(render_template("pooling/widget.html", **dashboard.widget_figures(current_user)))


@hookimpl
def erp_dashboard_widgets(user):
    if not (has_permission(user, "pooling.view") or has_permission(user, "pooling.purchase.pledge")):
        return []
    return [Widget(_l("Shared equipment and purchases"), _widget_html, 20)]


@hookimpl
def erp_calendar_events(user, start, end, limit):
    return dashboard.calendar_events(user, start, end, limit)


@hookimpl
def erp_scheduled_jobs():
    return [
        ScheduledJob("pooling.close_due_campaigns", jobs.close_due_campaigns, every_minutes=1),
        ScheduledJob("pooling.remind_late_returns", jobs.remind_late_returns, every_minutes=15),
        ScheduledJob("pooling.record_no_shows", jobs.record_no_shows, every_minutes=15),
    ]


@hookimpl
def erp_observatory_indicators(start, end, organization_ids):
    return dashboard.indicators(start, end, organization_ids)
