"""Every hook fails, each its own way: an exception, a failed SQL statement, a widget that cannot render."""

from sqlalchemy import text

from core.extensions import db
from core.hookspecs import Widget, hookimpl


@hookimpl
def erp_menu_items(user):
    raise RuntimeError("menu is broken")


@hookimpl
def erp_dashboard_widgets(user):
    def render():
        raise ValueError("widget cannot render")

    return [Widget("Faulty card", render, 1)]


@hookimpl
def erp_calendar_events(user, start, end, limit):
    # A failed statement aborts the transaction on PostgreSQL: the page must still be served.
    db.session.execute(text("SELECT * FROM faulty_no_such_table"))


@hookimpl
def erp_scheduled_jobs():
    raise RuntimeError("cannot list jobs")


@hookimpl
def erp_observatory_indicators(start, end, organization_ids):
    raise KeyError("figures")
