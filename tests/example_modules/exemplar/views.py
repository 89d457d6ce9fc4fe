"""Thin pages: parse, call the service, let core's lifecycle commit (core.web.lifecycle)."""

from flask import Blueprint, render_template_string, request, url_for
from flask_login import current_user

from core.accounts.permissions import require
from core.extensions import db
from core.web.lifecycle import act
from exemplar import services

bp = Blueprint("exemplar", __name__, url_prefix="/exemplar")


@bp.route("/")
@require("exemplar.read")
def index():
    notes = db.session.scalars(services.visible_notes(current_user)).all()
    return render_template_string("{% for n in notes %}<p>{{ n.text }}</p>{% endfor %}", notes=notes)


@bp.post("/notes")
@require("exemplar.write")
def add_note():
    organization_id = request.form.get("organization_id", type=int) or 0
    return act(
        lambda: services.write_note(current_user, organization_id, request.form.get("text", "")),
        "Note saved.",
        url_for("exemplar.index"),
    )
