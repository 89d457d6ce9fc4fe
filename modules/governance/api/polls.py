"""API of bodies, meetings, polls, ballots, proxies and results."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user

from core.accounts.permissions import has_permission, require
from core.api import PageArgs, page_of, page_of_list, paginate
from core.db import get_or_404
from core.errors import Conflict, NotFound
from core.extensions import db
from core.web.lifecycle import keep_writes
from modules.governance.api import blp
from modules.governance.api.schemas import (
    BallotInSchema,
    BodySchema,
    MeetingSchema,
    PollResultSchema,
    PollSchema,
    ProxyInSchema,
    ProxySchema,
    PublishedBallotSchema,
    QuorumSchema,
    ReceiptSchema,
    SeatSchema,
)
from modules.governance.models import Body, Meeting, Poll
from modules.governance.services import polls as services
from modules.governance.services import voting
from modules.governance.services.common import MANAGE, VIEW, VOTE
from modules.governance.services.meetings import live_quorum
from modules.governance.services.results import poll_result
from modules.governance.services.tally.canonical import weight_text


def _poll(poll_id: int) -> Poll:
    poll = get_or_404(Poll, poll_id)
    if poll.status == "draft" and not has_permission(current_user, MANAGE):
        raise NotFound(_("Not found."))
    if (poll.status == "scheduled" and services.state(poll) != "scheduled") or (
        poll.status == "open" and services.state(poll) == "closed"
    ):
        poll = services.advance(poll.id)
        keep_writes()  # the opening or closing the job has not done yet stays, even on a GET
    poll.state = services.state(poll)
    return poll


@blp.route("/bodies")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(BodySchema))
@require(VIEW)
def list_bodies(args):
    return paginate(db.select(Body).order_by(Body.name), args["page"], args["per_page"])


@blp.route("/meetings")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(MeetingSchema))
@require(VIEW)
def list_meetings(args):
    return paginate(db.select(Meeting).order_by(Meeting.starts_at.desc()), args["page"], args["per_page"])


@blp.route("/meetings/<int:meeting_id>/quorum")
@blp.response(200, QuorumSchema)
@require(VIEW)
def meeting_quorum(meeting_id: int):
    return live_quorum(get_or_404(Meeting, meeting_id))


@blp.route("/polls")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(PollSchema))
@require(VIEW)
def list_polls(args):
    stmt = db.select(Poll).options(db.selectinload(Poll.options)).order_by(Poll.closes_at.desc(), Poll.id.desc())
    if not has_permission(current_user, MANAGE):
        stmt = stmt.where(Poll.status != "draft")
    page = paginate(stmt, args["page"], args["per_page"])
    for poll in page.items:
        poll.state = services.state(poll)
    return page


@blp.route("/polls", methods=["POST"])
@blp.arguments(PollSchema)
@blp.response(201, PollSchema)
@require(MANAGE)
def create_poll(data):
    body = db.session.get(Body, data.pop("body_id"))
    if body is None:
        raise NotFound(_("Unknown body."), field="body_id")
    meeting_id = data.pop("meeting_id")
    meeting = get_or_404(Meeting, meeting_id) if meeting_id else None
    poll = services.create_poll(current_user, body, data.pop("options", []) or [], meeting=meeting, **data)
    poll.state = services.state(poll)
    return poll


@blp.route("/polls/<int:poll_id>")
@blp.response(200, PollSchema)
@require(VIEW)
def get_poll(poll_id: int):
    return _poll(poll_id)


@blp.route("/polls/<int:poll_id>/publish", methods=["POST"])
@blp.response(200, PollSchema)
@require(MANAGE)
def publish_poll(poll_id: int):
    poll = services.publish_poll(current_user, _poll(poll_id).id)
    poll.state = services.state(poll)
    return poll


@blp.route("/polls/<int:poll_id>/seats")
@blp.response(200, SeatSchema(many=True))
@require(VOTE)
def my_seats(poll_id: int):
    poll = _poll(poll_id)
    seats = voting.casting_voters(current_user, poll)
    voted = voting.voted_ids(poll.id, [s.id for s in seats])
    return [
        {
            "voter_id": s.id,
            "label": s.label,
            "weight": s.weight,
            "by_proxy": s.proxy_holder_id is not None,
            "voted": s.id in voted,
        }
        for s in seats
    ]


@blp.route("/polls/<int:poll_id>/ballots", methods=["POST"])
@blp.arguments(BallotInSchema)
@blp.response(201, ReceiptSchema)
@require(VOTE)
def cast(data, poll_id: int):
    poll = _poll(poll_id)
    code = voting.cast_ballot(current_user, poll.id, data["voter_id"], data["choice"], receipt=data["receipt"])
    return {"receipt": code}


@blp.route("/polls/<int:poll_id>/ballots")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(PublishedBallotSchema))
@require(VIEW)
def published(args, poll_id: int):
    poll = _poll(poll_id)
    if poll.status != "closed":
        raise Conflict(_("Ballots are published once the poll is closed."))
    return page_of_list(poll_result(poll).ballots, args["page"], args["per_page"])


def _fraction(value) -> str:
    return weight_text(value.numerator / value.denominator) if hasattr(value, "numerator") else weight_text(value)


def result_payload(poll: Poll) -> dict:
    result = poll_result(poll)
    tally = result.tally
    data = {
        "poll": poll.id,
        "method": poll.method,
        "options": [o.label for o in poll.options],
        "eligible": {"voters": result.eligible_count, "weight": weight_text(result.eligible_weight)},
        "voted": {"voters": tally.voted_count, "weight": weight_text(tally.voted_weight)},
        "quorum": {
            "kind": tally.quorum.kind,
            "required": str(float(tally.quorum.required)),
            "participation": str(round(float(tally.quorum.participation), 6)),
            "reached": tally.quorum.reached,
        },
        "winners": tally.winners,
        "passed": tally.passed,
        "result_hash": result.hash,
        "sealed_hash": poll.result_hash,
        "hash_matches": result.hash_matches,
    }
    if tally.counts is not None:
        data["counts"] = {
            # a secret poll pooling several weights publishes weights only (see tally.publication)
            str(k): {
                "ballots": tally.counts.ballots[k] if tally.unweighted_known else None,
                "weight": weight_text(tally.counts.weight[k]),
            }
            for k in tally.counts.weight
        }
        data["blank"] = {
            "ballots": tally.counts.blank_ballots if tally.unweighted_known else None,
            "weight": weight_text(tally.counts.blank_weight),
        }
    if tally.decision is not None:
        data["decision"] = {
            "rule": tally.decision.rule,
            "for": _fraction(tally.decision.in_favour),
            "against": _fraction(tally.decision.against),
            "base": _fraction(tally.decision.base),
            "abstentions": poll.abstentions,
        }
    if tally.schulze is not None:
        data["schulze"] = {
            "ranking": tally.schulze.ranking,
            "pairwise": [[weight_text(v) for v in row] for row in tally.schulze.matrix],
            "strongest_paths": [[weight_text(v) for v in row] for row in tally.schulze.paths],
            "unweighted_ranking": tally.schulze_unweighted.ranking if tally.schulze_unweighted else None,
        }
    if tally.judgment is not None:
        data["judgment"] = {
            "ranking": tally.judgment.ranking,
            "options": [
                {"median": o.median, "sign": o.sign, "above": str(float(o.above)), "below": str(float(o.below))}
                for o in tally.judgment.options
            ],
        }
    return data


@blp.route("/polls/<int:poll_id>/results")
@blp.response(200, PollResultSchema)
@require(VIEW)
def results(poll_id: int):
    return result_payload(_poll(poll_id))


@blp.route("/proxies", methods=["POST"])
@blp.arguments(ProxyInSchema)
@blp.response(201, ProxySchema)
@require(VOTE)
def give_proxy(data):
    return voting.grant_proxy(
        current_user, data["grantor_id"], data["holder_id"], meeting_id=data["meeting_id"], poll_id=data["poll_id"]
    )


@blp.route("/proxies/<int:proxy_id>", methods=["DELETE"])
@blp.response(204)
@require(VOTE)
def revoke(proxy_id: int):
    voting.revoke_proxy(current_user, proxy_id)
