"""Every hook implementation of the module, and nothing else: its only contact with shared pages."""

from core.hookspecs import Indicator, MenuItem, ScheduledJob, Widget, hookimpl
from exemplar import services
from exemplar.jobs import tick_all


@hookimpl
def erp_menu_items(user):
    return [MenuItem("Notes", "exemplar.index", "exemplar.read", 50)]


@hookimpl
def erp_dashboard_widgets(user):
    return [Widget("Exemplar notes", lambda: "<p>exemplar widget</p>", 10)]


@hookimpl
def erp_calendar_events(user, start, end):
    return services.note_events(user, start, end)


@hookimpl
def erp_scheduled_jobs():
    return [ScheduledJob("exemplar.tick_all", tick_all, every_minutes=1)]


@hookimpl
def erp_observatory_indicators(start, end):
    return [Indicator("exemplar.notes", "Notes", "count", services.notes_per_organization())]


@hookimpl
def erp_charge_sources(sources):
    return services.describe_sources(sources)
