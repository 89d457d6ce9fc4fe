"""Results of a closed poll, recomputed from the published ballots every time they are shown.

A secret poll publishes its ballots through ``modules.governance.services.tally.publication``: one by one
in weight classes of at least ``K_ANONYMITY`` ballots, the rest as one pooled aggregate (receipts
without choices, weighted figures). The page, the API, the CSV, the canonical document and the
minutes all read ``poll_result``, and the tally itself is computed from that publication only,
so what is shown is exactly what anyone can recount.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from flask_babel import gettext as _

from core.errors import Conflict
from core.extensions import db
from core.spreadsheets import csv_text
from modules.governance.models import Ballot, Participation, Poll, PollVoter
from modules.governance.services.polls import state
from modules.governance.services.tally import TallyResult, tally
from modules.governance.services.tally.canonical import canonical_document, weight_text
from modules.governance.services.tally.publication import (
    K_ANONYMITY,
    Pool,
    make_pool,
    pool_document,
    split_by_weight_class,
)


def option_labels(poll: Poll) -> list[str]:
    return [o.label for o in poll.options]


def all_ballots(poll: Poll) -> list[dict]:
    """Every ballot in receipt order; for a named poll, with who voted (seat) beside each. Not for publication
    as such: a secret poll publishes ``publication(poll)``."""
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


def publication(poll: Poll, ballots: list[dict] | None = None) -> tuple[list[dict], Pool | None]:
    """(ballots published one by one, the pooled aggregate or None)."""
    ballots = all_ballots(poll) if ballots is None else ballots
    if not poll.secret:
        return ballots, None
    shown, pooled = split_by_weight_class(ballots)
    return shown, make_pool(poll.method, len(poll.options), pooled)


def published_rows(shown: list[dict], pool: Pool | None) -> list[dict]:
    """The list of the page, the API and the CSV: individual ballots, then the pooled receipts (no choice)."""
    if pool is None:
        return shown
    pooled = [{"receipt": r, "choice": None, "weight": None, "voter": None, "pooled": True} for r in pool.receipts]
    return sorted(shown + pooled, key=lambda row: row["receipt"])


def published_ballots(poll: Poll) -> list[dict]:
    return published_rows(*publication(poll))


def _document(poll: Poll, shown: list[dict], pool: Pool | None) -> bytes:
    return canonical_document(
        poll.id, poll.method, option_labels(poll), shown, pool=pool_document(pool) if pool else None
    )


def hash_of(document: bytes) -> str:
    return hashlib.sha256(document).hexdigest()


def compute_hash(poll: Poll) -> str:
    """The SHA-256 of the canonical document, sealed at the close."""
    return hash_of(canonical(poll))


def canonical(poll: Poll) -> bytes:
    return _document(poll, *publication(poll))


def _as_tally_choice(choice):
    return tuple(choice) if isinstance(choice, list) else choice


@dataclass
class PollResult:
    poll: Poll
    tally: TallyResult
    ballots: list[dict]  # as published: individual ballots and pooled receipts, in receipt order
    pool: Pool | None
    eligible_count: int
    eligible_weight: Decimal
    voted_count: int
    hash: str
    weighted: bool  # seats weigh differently (weights or colleges): weights are shown beside the counts

    k_anonymity = K_ANONYMITY

    @property
    def hash_matches(self) -> bool:
        return self.hash == self.poll.result_hash


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
    ballots = all_ballots(poll)
    shown, pool = publication(poll, ballots)
    count, weight = eligible(poll)
    weighted = is_weighted(poll, ballots)
    result = tally(
        poll.method,
        len(poll.options),
        [(_as_tally_choice(b["choice"]), b["weight"]) for b in shown],
        rule=poll.rule,
        abstentions=poll.abstentions,
        quorum_kind=poll.quorum_kind,
        quorum_share=Fraction(poll.quorum_percent) / 100,
        eligible_count=count,
        eligible_weight=weight,
        weighted=weighted,
        pool=pool,
    )
    voted = db.session.scalar(
        db.select(db.func.count()).select_from(Participation).where(Participation.poll_id == poll.id)
    )
    digest = hash_of(_document(poll, shown, pool))
    return PollResult(poll, result, published_rows(shown, pool), pool, count, weight, voted, digest, weighted)


def ballots_csv(poll: Poll, ballots: list[dict]) -> str:
    """One line per published ballot (core's CSV dialect); a secret poll's file has no voter column at all,
    and a pooled ballot's line has its receipt only, its choice being "pooled" (see the canonical document)."""
    header = ["receipt", "weight", "choice"] + ([] if poll.secret else ["voter"])
    rows = (
        [ballot["receipt"], _weight_cell(ballot["weight"]), _choice_cell(ballot)]
        + ([] if poll.secret else [ballot["voter"]])
        for ballot in ballots
    )
    return csv_text(header, rows)


def _weight_cell(weight) -> Decimal | None:
    return None if weight is None else Decimal(weight_text(weight))


def _choice_cell(ballot: dict) -> str:
    return "pooled" if ballot.get("pooled") else json.dumps(ballot["choice"], separators=(",", ":"))


def find_receipt(poll: Poll, receipt: str) -> bool:
    code = (receipt or "").strip().upper()
    return (
        bool(code)
        and db.session.scalar(db.select(Ballot.id).where(Ballot.poll_id == poll.id, Ballot.receipt == code)) is not None
    )
