"""/api/v1/exemplar: schemas beside their endpoints."""

import marshmallow as ma
from flask_login import current_user
from flask_smorest import Blueprint

from core.accounts.permissions import require
from core.api import PageArgs, page_of, paginate
from exemplar import services

blp = Blueprint("exemplar_api", __name__, url_prefix="/api/v1/exemplar", description="Example")


class NoteSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    organization_id = ma.fields.Integer(required=True, load_only=True)
    text = ma.fields.String(required=True)


@blp.route("/notes")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(NoteSchema))
@require("exemplar.read")
def list_notes(args):
    return paginate(services.visible_notes(current_user), args["page"], args["per_page"])


@blp.route("/notes", methods=["POST"])
@blp.arguments(NoteSchema)
@blp.response(201, NoteSchema)
@require("exemplar.write")
def create_note(body):
    return services.write_note(current_user, body["organization_id"], body["text"])
