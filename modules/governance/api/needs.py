"""API of the shared-needs board and of the actions."""

from __future__ import annotations

from flask_login import current_user

from core.accounts.permissions import require
from core.api import PageArgs, page_of, paginate
from core.extensions import db
from modules.governance.api import api
from modules.governance.api.schemas import (
    ActionSchema,
    NeedArgs,
    NeedInSchema,
    RankedNeedSchema,
    StatusInSchema,
    SupportInSchema,
)
from modules.governance.models import Action
from modules.governance.paging import page_of_list
from modules.governance.services import needs as services
from modules.governance.services.common import NEEDS, VIEW


@api.route("/needs")
@api.arguments(NeedArgs, location="query")
@api.response(200, page_of(RankedNeedSchema))
@require(VIEW)
def ranked(args):
    return page_of_list(services.ranked_needs(args["status"], args["q"]), args["page"], args["per_page"])


@api.route("/needs", methods=["POST"])
@api.arguments(NeedInSchema)
@api.response(201, RankedNeedSchema)
@require(NEEDS)
def post(data):
    need = services.post_need(
        current_user, data["organization_id"], data["title"], data["description"], data["importance"], data["urgency"]
    )
    db.session.commit()
    return next(r for r in services.ranked_needs(None) if r.need.id == need.id)


@api.route("/needs/<int:need_id>/support", methods=["POST"])
@api.arguments(SupportInSchema)
@api.response(200, RankedNeedSchema)
@require(NEEDS)
def support(data, need_id: int):
    services.support_need(current_user, need_id, data["organization_id"], data["importance"], data["urgency"])
    db.session.commit()
    return next(r for r in services.ranked_needs(None) if r.need.id == need_id)


@api.route("/actions")
@api.arguments(PageArgs, location="query")
@api.response(200, page_of(ActionSchema))
@require(VIEW)
def list_actions(args):
    return paginate(db.select(Action).order_by(Action.due_date, Action.id), args["page"], args["per_page"])


@api.route("/actions/<int:action_id>/status", methods=["POST"])
@api.arguments(StatusInSchema)
@api.response(200, ActionSchema)
@require(VIEW)
def action_status(data, action_id: int):
    action = services.set_action_status(current_user, action_id, data["status"])
    db.session.commit()
    return action
