"""The canonical form of a poll's published ballots and its SHA-256, recomputable by anyone.

The document is one JSON object, keys sorted, no spaces (separators "," and ":"), UTF-8,
non-ASCII characters kept as they are:

    {"ballots":[{"choice":...,"receipt":"...","weight":"1.000000"}, ...],
     "method":"ranked","options":["label 0","label 1",...],"poll":42}

Ballots are sorted by receipt code; a weight is a decimal string with six places; a choice is
written as stored (see ``modules.governance.tally``): yes/no/abstain strings, an option number,
a list of option numbers, or a list of grades; a blank ballot's choice is null or [].
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

WEIGHT_PLACES = Decimal("0.000001")


def weight_text(weight) -> str:
    return str(Decimal(weight).quantize(WEIGHT_PLACES))


def canonical_document(poll_id: int, method: str, options: list[str], ballots: list[dict]) -> bytes:
    """``ballots``: dicts with receipt, choice and weight."""
    rows = sorted(
        ({"choice": b["choice"], "receipt": b["receipt"], "weight": weight_text(b["weight"])} for b in ballots),
        key=lambda row: row["receipt"],
    )
    document = {"ballots": rows, "method": method, "options": list(options), "poll": poll_id}
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def result_hash(poll_id: int, method: str, options: list[str], ballots: list[dict]) -> str:
    return hashlib.sha256(canonical_document(poll_id, method, options, ballots)).hexdigest()
