"""Every hook implementation of the module, and nothing else: its only contact with shared pages."""

from datetime import timedelta
from decimal import Decimal

from core.extensions import db
from core.hookspecs import CalendarEvent, Indicator, MenuItem, ScheduledJob, Widget, hookimpl
from core.web.urls import path_for
from exemplar import services
from exemplar.jobs import tick_all
from exemplar.models import Note


@hookimpl
def erp_menu_items(user):
    return [MenuItem("Notes", "exemplar.index", "exemplar.read", 50)]


@hookimpl
def erp_dashboard_widgets(user):
    return [Widget("Exemplar notes", lambda: "<p>exemplar widget</p>", 10)]


@hookimpl
def erp_calendar_events(user, start, end):
    notes = db.session.scalars(services.visible_notes(user).where(Note.due_at >= start, Note.due_at < end))
    return [
        CalendarEvent(
            f"exemplar-note-{n.id}",
            n.text,
            n.due_at,
            n.due_at + timedelta(hours=1),
            "exemplar",
            url=path_for("exemplar.index"),
        )
        for n in notes
    ]


@hookimpl
def erp_scheduled_jobs():
    return [ScheduledJob("exemplar.tick_all", tick_all, every_minutes=1)]


@hookimpl
def erp_observatory_indicators(start, end):
    counts = db.session.execute(db.select(Note.organization_id, db.func.count()).group_by(Note.organization_id))
    return [Indicator("exemplar.notes", "Notes", "count", {org: Decimal(n) for org, n in counts})]
