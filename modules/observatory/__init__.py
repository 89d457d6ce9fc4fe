"""Observatory: members' activity reports per period, regional dashboards, public figures.

It imports no other module: their figures arrive through the erp_observatory_indicators hook.
"""

from core.hookspecs import ScheduledJob, hookimpl
from modules.observatory import models  # noqa: F401 - the tables exist as soon as the module loads
from modules.observatory.hooks import calendar_events, dashboard_widgets, menu_items
from modules.observatory.permissions import PERMISSIONS


@hookimpl
def erp_permissions():
    return PERMISSIONS


@hookimpl
def erp_blueprints():
    from modules.observatory.views import bp

    return [bp]


@hookimpl
def erp_api_blueprints():
    from modules.observatory.api import api

    return [api]


@hookimpl
def erp_menu_items(user):
    return menu_items(user)


@hookimpl
def erp_dashboard_widgets(user):
    return dashboard_widgets(user)


@hookimpl
def erp_calendar_events(user, start, end):
    return calendar_events(user, start, end)


@hookimpl
def erp_scheduled_jobs():
    from modules.observatory.jobs import refresh_contributions, remind_before_due

    return [
        ScheduledJob("observatory.remind_before_due", remind_before_due, every_minutes=60),
        ScheduledJob("observatory.refresh_contributions", refresh_contributions, every_minutes=60),
    ]


@hookimpl
def erp_demo_data(demo):
    from modules.observatory.demo import load

    load(demo)
