"""A tiny module exercising every extension point, so the contract is tested without the
business modules. Its package name is its folder name (it lives outside modules/)."""

from datetime import timedelta
from decimal import Decimal

import marshmallow as ma
from flask import Blueprint, render_template_string
from flask_login import current_user
from flask_smorest import Blueprint as ApiBlueprint

from core.accounts.permissions import require, scope
from core.api import PageArgs, page_of, paginate
from core.extensions import db
from core.hookspecs import CalendarEvent, Indicator, MenuItem, ScheduledJob, Widget, hookimpl
from exemplar.jobs import tick_all
from exemplar.models import Note

bp = Blueprint("exemplar", __name__, url_prefix="/exemplar")
api = ApiBlueprint("exemplar_api", __name__, url_prefix="/api/v1/exemplar", description="Example")


def _notes(user):
    return scope(db.select(Note).order_by(Note.id), Note.organization_id, user, "exemplar.read")


@bp.route("/")
@require("exemplar.read")
def index():
    notes = db.session.scalars(_notes(current_user)).all()
    return render_template_string("{% for n in notes %}<p>{{ n.text }}</p>{% endfor %}", notes=notes)


class NoteSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    text = ma.fields.String()


@api.route("/notes")
@api.arguments(PageArgs, location="query")
@api.response(200, page_of(NoteSchema))
@require("exemplar.read")
def list_notes(args):
    return paginate(_notes(current_user), args["page"], args["per_page"])


@hookimpl
def erp_permissions():
    return {"exemplar.read": "Read notes", "exemplar.write": "Write notes"}


@hookimpl
def erp_blueprints():
    return [bp]


@hookimpl
def erp_api_blueprints():
    return [api]


@hookimpl
def erp_menu_items(user):
    return [MenuItem("Notes", "exemplar.index", "exemplar.read", 50)]


@hookimpl
def erp_dashboard_widgets(user):
    return [Widget("Exemplar notes", lambda: "<p>exemplar widget</p>", 10)]


@hookimpl
def erp_calendar_events(user, start, end):
    notes = db.session.scalars(_notes(user).where(Note.due_at >= start, Note.due_at < end))
    return [
        CalendarEvent(f"exemplar-note-{n.id}", n.text, n.due_at, n.due_at + timedelta(hours=1), "exemplar")
        for n in notes
    ]


@hookimpl
def erp_scheduled_jobs():
    return [ScheduledJob("exemplar.tick_all", tick_all, every_minutes=1)]


@hookimpl
def erp_demo_data(demo):
    db.session.add(Note(organization_id=demo.members["tours"].id, text="Demo note"))


@hookimpl
def erp_observatory_indicators(start, end):
    counts = db.session.execute(db.select(Note.organization_id, db.func.count()).group_by(Note.organization_id))
    return [Indicator("exemplar.notes", "Notes", "count", {org: Decimal(n) for org, n in counts})]
