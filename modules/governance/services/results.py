"""Results of a closed poll, recomputed from the published ballots every time they are shown."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from flask_babel import gettext as _

from core.errors import Conflict
from core.extensions import db
from modules.governance.models import Ballot, Participation, Poll, PollVoter
from modules.governance.services.polls import state
from modules.governance.tally import TallyResult, tally
from modules.governance.tally.canonical import canonical_document, result_hash, weight_text


def option_labels(poll: Poll) -> list[str]:
    return [o.label for o in poll.options]


def published_ballots(poll: Poll) -> list[dict]:
    """The ballots in receipt order; for a named poll, with who voted (seat) beside each."""
    rows = db.session.execute(
        db.select(Ballot, PollVoter.label)
        .outerjoin(PollVoter, PollVoter.id == Ballot.voter_id)
        .where(Ballot.poll_id == poll.id)
        .order_by(Ballot.receipt)
    )
    return [
        {
            "receipt": b.receipt,
            "choice": json.loads(b.choice),
            "weight": b.weight,
            "voter": label if not poll.secret else None,
        }
        for b, label in rows
    ]


def compute_hash(poll: Poll, ballots: list[dict] | None = None) -> str:
    ballots = published_ballots(poll) if ballots is None else ballots
    return result_hash(poll.id, poll.method, option_labels(poll), ballots)


def canonical(poll: Poll) -> bytes:
    return canonical_document(poll.id, poll.method, option_labels(poll), published_ballots(poll))


def _as_tally_choice(method: str, choice):
    return tuple(choice) if isinstance(choice, list) else choice


@dataclass
class PollResult:
    poll: Poll
    tally: TallyResult
    ballots: list[dict]
    eligible_count: int
    eligible_weight: Decimal
    voted_count: int
    hash: str

    @property
    def hash_matches(self) -> bool:
        return self.hash == self.poll.result_hash

    @property
    def weighted(self) -> bool:
        """Seats weigh differently (weights or colleges): weights are worth showing beside the counts."""
        return is_weighted(self.poll, self.ballots)


def is_weighted(poll: Poll, ballots: list[dict]) -> bool:
    return any(b["weight"] != 1 for b in ballots) or bool(poll.body.colleges)


def eligible(poll: Poll) -> tuple[int, Decimal]:
    count, weight = db.session.execute(
        db.select(db.func.count(PollVoter.id), db.func.coalesce(db.func.sum(PollVoter.weight), 0)).where(
            PollVoter.poll_id == poll.id
        )
    ).one()
    return count, Decimal(weight)


def poll_result(poll: Poll) -> PollResult:
    if state(poll) != "closed" or poll.status != "closed":
        raise Conflict(_("Results are published once the poll is closed."))
    ballots = published_ballots(poll)
    count, weight = eligible(poll)
    weighted = is_weighted(poll, ballots)
    result = tally(
        poll.method,
        len(poll.options),
        [(_as_tally_choice(poll.method, b["choice"]), b["weight"]) for b in ballots],
        rule=poll.rule,
        abstentions=poll.abstentions,
        quorum_kind=poll.quorum_kind,
        quorum_share=Fraction(poll.quorum_percent) / 100,
        eligible_count=count,
        eligible_weight=weight,
        weighted=weighted,
    )
    voted = db.session.scalar(
        db.select(db.func.count()).select_from(Participation).where(Participation.poll_id == poll.id)
    )
    return PollResult(poll, result, ballots, count, weight, voted, compute_hash(poll, ballots))


def ballots_csv(poll: Poll, ballots: list[dict]) -> str:
    """One line per ballot; a secret poll's file has no voter column at all."""
    out = io.StringIO()
    writer = csv.writer(out)
    header = ["receipt", "weight", "choice"] + ([] if poll.secret else ["voter"])
    writer.writerow(header)
    for ballot in ballots:
        row = [ballot["receipt"], weight_text(ballot["weight"]), json.dumps(ballot["choice"], separators=(",", ":"))]
        writer.writerow(row + ([] if poll.secret else [ballot["voter"]]))
    return out.getvalue()


def find_receipt(poll: Poll, receipt: str) -> bool:
    code = (receipt or "").strip().upper()
    return (
        bool(code)
        and db.session.scalar(db.select(Ballot.id).where(Ballot.poll_id == poll.id, Ballot.receipt == code)) is not None
    )
