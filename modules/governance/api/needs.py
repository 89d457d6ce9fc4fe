"""API of the shared-needs board and of the actions."""

from __future__ import annotations

from flask_login import current_user

from core.accounts.permissions import require
from core.api import PageArgs, page_of, page_of_list, paginate
from core.extensions import db
from modules.governance.api import blp
from modules.governance.api.schemas import (
    ActionSchema,
    NeedArgs,
    NeedInSchema,
    RankedNeedSchema,
    StatusInSchema,
    SupportInSchema,
)
from modules.governance.models import Action
from modules.governance.services import needs as services
from modules.governance.services.common import NEEDS, VIEW


@blp.route("/needs")
@blp.arguments(NeedArgs, location="query")
@blp.response(200, page_of(RankedNeedSchema))
@require(VIEW)
def ranked(args):
    return page_of_list(services.ranked_needs(args["status"], args["q"]), args["page"], args["per_page"])


@blp.route("/needs", methods=["POST"])
@blp.arguments(NeedInSchema)
@blp.response(201, RankedNeedSchema)
@require(NEEDS)
def post(data):
    need = services.post_need(
        current_user, data["organization_id"], data["title"], data["description"], data["importance"], data["urgency"]
    )
    return next(r for r in services.ranked_needs(None) if r.need.id == need.id)


@blp.route("/needs/<int:need_id>/support", methods=["POST"])
@blp.arguments(SupportInSchema)
@blp.response(200, RankedNeedSchema)
@require(NEEDS)
def support(data, need_id: int):
    services.support_need(current_user, need_id, data["organization_id"], data["importance"], data["urgency"])
    return next(r for r in services.ranked_needs(None) if r.need.id == need_id)


@blp.route("/actions")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(ActionSchema))
@require(VIEW)
def list_actions(args):
    return paginate(db.select(Action).order_by(Action.due_date, Action.id), args["page"], args["per_page"])


@blp.route("/actions/<int:action_id>/status", methods=["POST"])
@blp.arguments(StatusInSchema)
@blp.response(200, ActionSchema)
@require(VIEW)
def action_status(data, action_id: int):
    return services.set_action_status(current_user, action_id, data["status"])
