"""Marshmallow schemas of the governance API."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from core.api import AwareDateTime, Id
from modules.governance.services.tally import METHODS, QUORUM_KINDS, RULES
from modules.governance.services.tally.rules import ABSTENTION_HANDLING


class BodySchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String()
    kind = ma.fields.String()
    seat_kind = ma.fields.String()
    proxy_cap = ma.fields.Integer()
    notice_days = ma.fields.Integer()


class MeetingSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    body_id = ma.fields.Integer()
    title = ma.fields.String()
    starts_at = ma.fields.AwareDateTime()
    ends_at = ma.fields.AwareDateTime()
    mode = ma.fields.String()
    location = ma.fields.String()
    convened_at = ma.fields.AwareDateTime(allow_none=True)


class QuorumSchema(ma.Schema):
    members = ma.fields.Integer()
    present = ma.fields.Integer()
    represented = ma.fields.Integer()
    weight_total = ma.fields.Decimal(as_string=True)
    weight_in = ma.fields.Decimal(as_string=True)
    required_percent = ma.fields.Decimal(as_string=True)
    reached = ma.fields.Boolean()


class OptionSchema(ma.Schema):
    position = ma.fields.Integer()
    label = ma.fields.String()


class PollSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    body_id = Id(required=True)
    meeting_id = Id(allow_none=True, load_default=None)
    question = ma.fields.String(
        required=True, validate=validate.Length(1, 300), metadata={"example": "Which van do we buy together?"}
    )
    description = ma.fields.String(load_default="")
    method = ma.fields.String(required=True, validate=validate.OneOf(METHODS), metadata={"example": "ranked"})
    rule = ma.fields.String(load_default="simple", validate=validate.OneOf(RULES))
    abstentions = ma.fields.String(load_default="excluded", validate=validate.OneOf(ABSTENTION_HANDLING))
    quorum_kind = ma.fields.String(load_default="none", validate=validate.OneOf(QUORUM_KINDS))
    quorum_percent = ma.fields.Decimal(load_default=0, as_string=True, validate=validate.Range(0, 100))
    secret = ma.fields.Boolean(load_default=True)
    allow_change = ma.fields.Boolean(load_default=False)
    max_choices = ma.fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=1, max=100))
    opens_at = AwareDateTime(required=True, metadata={"example": "2026-12-01T09:00:00+01:00"})
    closes_at = AwareDateTime(required=True, metadata={"example": "2026-12-08T18:00:00+01:00"})
    status = ma.fields.String(dump_only=True)
    state = ma.fields.String(dump_only=True)
    result_hash = ma.fields.String(dump_only=True, allow_none=True)
    options = ma.fields.Method(
        "dump_options", deserialize="load_options", metadata={"example": ["Van A", "Van B", "Van C"]}
    )

    def dump_options(self, poll):
        return [o.label for o in poll.options]

    def load_options(self, value):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ma.ValidationError("A list of option texts is expected.")
        return value


class BallotInSchema(ma.Schema):
    voter_id = Id(required=True, metadata={"example": 12})
    choice = ma.fields.Raw(
        required=True,
        allow_none=True,
        metadata={
            "description": "yes_no: 'yes'|'no'|'abstain'|null; single: option number|null; approval: [numbers]; "
            "ranked: [numbers, best first]; judgment: [one grade 0-5 per option]",
            "example": [2, 0, 1],
        },
    )
    receipt = ma.fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "to change a secret ballot (if the poll allows it)"},
    )


class ReceiptSchema(ma.Schema):
    receipt = ma.fields.String()


class SeatSchema(ma.Schema):
    voter_id = ma.fields.Integer()
    label = ma.fields.String()
    weight = ma.fields.Decimal(as_string=True)
    by_proxy = ma.fields.Boolean()
    voted = ma.fields.Boolean()


class PublishedBallotSchema(ma.Schema):
    receipt = ma.fields.String()
    choice = ma.fields.Raw(allow_none=True, metadata={"description": "null for a ballot published in the pool"})
    weight = ma.fields.Decimal(as_string=True, allow_none=True)
    voter = ma.fields.String(allow_none=True)
    pooled = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "Counted in the pool of small weight classes: only its receipt is shown"},
    )


class ProxyInSchema(ma.Schema):
    grantor_id = Id(required=True, metadata={"description": "Your seat (body member) giving the proxy"})
    holder_id = Id(required=True, metadata={"description": "The body member who will vote for you"})
    meeting_id = Id(load_default=None, allow_none=True)
    poll_id = Id(load_default=None, allow_none=True)


class ProxySchema(ma.Schema):
    id = ma.fields.Integer()
    grantor_id = ma.fields.Integer()
    holder_id = ma.fields.Integer()
    meeting_id = ma.fields.Integer(allow_none=True)
    poll_id = ma.fields.Integer(allow_none=True)


class NeedInSchema(ma.Schema):
    organization_id = Id(required=True)
    title = ma.fields.String(required=True, validate=validate.Length(1, 200), metadata={"example": "A shared baler"})
    description = ma.fields.String(load_default="")
    importance = ma.fields.Integer(required=True, validate=validate.Range(1, 5), metadata={"example": 4})
    urgency = ma.fields.Integer(required=True, validate=validate.Range(1, 5), metadata={"example": 2})


class SupportInSchema(ma.Schema):
    organization_id = Id(required=True)
    importance = ma.fields.Integer(required=True, validate=validate.Range(1, 5), metadata={"example": 5})
    urgency = ma.fields.Integer(required=True, validate=validate.Range(1, 5), metadata={"example": 3})


class RankedNeedSchema(ma.Schema):
    rank = ma.fields.Integer()
    id = ma.fields.Function(lambda r: r.need.id)
    title = ma.fields.Function(lambda r: r.need.title)
    organization = ma.fields.Function(lambda r: r.need.organization.name)
    status = ma.fields.Function(lambda r: r.need.status)
    convergence = ma.fields.Integer()
    importance = ma.fields.Decimal(as_string=True)
    urgency = ma.fields.Decimal(as_string=True)


class NeedArgs(ma.Schema):
    page = ma.fields.Integer(load_default=1, validate=validate.Range(1, 100000))
    per_page = ma.fields.Integer(load_default=25, validate=validate.Range(1, 100))
    status = ma.fields.String(load_default="open", validate=validate.OneOf(("open", "retained", "dropped")))
    q = ma.fields.String(load_default=None)


class ActionSchema(ma.Schema):
    id = ma.fields.Integer()
    title = ma.fields.String()
    need_id = ma.fields.Integer(allow_none=True)
    owner_id = ma.fields.Integer()
    due_date = ma.fields.Date()
    status = ma.fields.String()


class StatusInSchema(ma.Schema):
    status = ma.fields.String(
        required=True, validate=validate.OneOf(("todo", "doing", "done")), metadata={"example": "doing"}
    )


class TallySumSchema(ma.Schema):
    voters = ma.fields.Integer()
    weight = ma.fields.String(metadata={"example": "12.5"})


class CountSchema(ma.Schema):
    ballots = ma.fields.Integer()
    weight = ma.fields.String(metadata={"example": "7"})


class QuorumResultSchema(ma.Schema):
    kind = ma.fields.String(metadata={"example": "weight"})
    required = ma.fields.String(metadata={"example": "0.5"})
    participation = ma.fields.String(metadata={"example": "0.75"})
    reached = ma.fields.Boolean()


class DecisionResultSchema(ma.Schema):
    class Meta:
        include = {"for": ma.fields.String(metadata={"example": "9"})}

    rule = ma.fields.String(metadata={"example": "two_thirds"})
    against = ma.fields.String(metadata={"example": "3"})
    base = ma.fields.String(metadata={"example": "12"})
    abstentions = ma.fields.String(metadata={"example": "excluded"})


RANKING = {"description": "groups of tied option numbers, best first", "example": [[2], [0, 1]]}


class SchulzeResultSchema(ma.Schema):
    ranking = ma.fields.List(ma.fields.List(ma.fields.Integer()), metadata=RANKING)
    pairwise = ma.fields.List(ma.fields.List(ma.fields.String()))
    strongest_paths = ma.fields.List(ma.fields.List(ma.fields.String()))
    unweighted_ranking = ma.fields.List(
        ma.fields.List(ma.fields.Integer()),
        allow_none=True,
        metadata={"description": "null when the pool mixes weights (it would split the pool by weight again)"},
    )


class GradeResultSchema(ma.Schema):
    median = ma.fields.Integer(metadata={"example": 4})
    sign = ma.fields.String(metadata={"example": "+"})
    above = ma.fields.String()
    below = ma.fields.String()


class JudgmentResultSchema(ma.Schema):
    ranking = ma.fields.List(ma.fields.List(ma.fields.Integer()), metadata=RANKING)
    options = ma.fields.List(ma.fields.Nested(GradeResultSchema))


class PollResultSchema(ma.Schema):
    """The tally, reproducible from the published ballots (``result_hash`` against ``sealed_hash``)."""

    poll = ma.fields.Integer(metadata={"example": 3})
    method = ma.fields.String(metadata={"example": "single"})
    options = ma.fields.List(ma.fields.String(), metadata={"example": ["Van A", "Van B"]})
    eligible = ma.fields.Nested(TallySumSchema)
    voted = ma.fields.Nested(TallySumSchema)
    quorum = ma.fields.Nested(QuorumResultSchema)
    winners = ma.fields.List(ma.fields.Integer(), metadata={"description": "option numbers", "example": [1]})
    passed = ma.fields.Boolean()
    result_hash = ma.fields.String()
    sealed_hash = ma.fields.String(allow_none=True)
    hash_matches = ma.fields.Boolean(allow_none=True)
    counts = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Nested(CountSchema),
        metadata={"description": "per option number (or yes / no / abstain)"},
    )
    blank = ma.fields.Nested(CountSchema)
    decision = ma.fields.Nested(DecisionResultSchema)
    schulze = ma.fields.Nested(SchulzeResultSchema)
    judgment = ma.fields.Nested(JudgmentResultSchema)
