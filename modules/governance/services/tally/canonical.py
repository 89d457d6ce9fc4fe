"""The canonical form of a poll's published ballots and its SHA-256, recomputable by anyone.

The document is one JSON object, keys sorted, no spaces (separators "," and ":"), UTF-8,
non-ASCII characters kept as they are:

    {"ballots":[{"choice":...,"receipt":"...","weight":"1.000000"}, ...],
     "method":"ranked","options":["label 0","label 1",...],"poll":42}

Ballots are sorted by receipt code; a weight is a decimal string with six places; a choice is
written as stored (see ``modules.governance.services.tally``): yes/no/abstain strings, an option number,
a list of option numbers, or a list of grades; a blank ballot's choice is null or [].

A secret poll whose small weight classes are pooled (``modules.governance.services.tally.publication``)
lists only the other ballots under "ballots" and adds the key "pool":

    "pool":{"ballots":4,"blank":"0.000000","figures":...,"receipts":["..."],"weight":"5.000000","weights":2}

``figures`` are the pool's weighted figures: {"abstain","no","yes"} for yes/no, one weight per
option for single choice and approval, the pairwise matrix (row preferred to column) for ranked,
six weights per option (grades 0 to 5) for majority judgment. Without a pool the document is
unchanged, so hashes sealed before pools existed still match.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

WEIGHT_PLACES = Decimal("0.000001")


def weight_text(weight) -> str:
    return str(Decimal(weight).quantize(WEIGHT_PLACES))


def canonical_document(
    poll_id: int, method: str, options: list[str], ballots: list[dict], pool: dict | None = None
) -> bytes:
    """``ballots``: dicts with receipt, choice and weight; ``pool``: see ``publication.pool_document``."""
    rows = sorted(
        ({"choice": b["choice"], "receipt": b["receipt"], "weight": weight_text(b["weight"])} for b in ballots),
        key=lambda row: row["receipt"],
    )
    document = {"ballots": rows, "method": method, "options": list(options), "poll": poll_id}
    if pool is not None:
        document["pool"] = pool
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def result_hash(poll_id: int, method: str, options: list[str], ballots: list[dict], pool: dict | None = None) -> str:
    return hashlib.sha256(canonical_document(poll_id, method, options, ballots, pool)).hexdigest()
