"""What a secret poll publishes: ballots one by one only inside large weight classes, the rest as
one aggregate, so that no published ballot belongs to fewer than ``K_ANONYMITY`` seats.

A ballot carries its seat's weight, and the body's page tells which seats weigh what: a weight
shared by three seats would pin each of those ballots to one of three members. So the ballots of
a secret poll are grouped by weight ("weight classes"):

- a class of at least ``K_ANONYMITY`` ballots is published ballot by ballot (receipt, choice,
  weight), as before;
- every smaller class goes into one *pool*; when the pool holds fewer than ``K_ANONYMITY`` ballots,
  the smallest large classes join it until it does (or everything is pooled);
- the pool is published as its receipts (sorted, no choice: each voter still finds their own
  receipt) and the weighted figures the tally needs: the weight per answer (yes/no, single,
  approval), the weighted pairwise matrix (ranked) or the weight per grade of each option
  (majority judgment), and the weight of its blank ballots. Its unweighted figures are not
  published when it mixes several weights: set beside the weighted ones they would split it again
  by class.

``tally(..., pool=Pool)`` recomputes the result from exactly this; named polls publish every
ballot with its voter and have no pool.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from modules.governance.services.tally.canonical import weight_text
from modules.governance.services.tally.counts import count_approval, count_single, count_yes_no
from modules.governance.services.tally.judgment import distributions_of
from modules.governance.services.tally.schulze import pairwise_matrix

K_ANONYMITY = 5


@dataclass
class Pool:
    """The aggregate of the pooled ballots; ``figures`` as published (see ``pool_figures``)."""

    ballots: int
    weight: object
    blank: object  # weight of the blank ballots
    figures: object  # dict per answer, list per option, pairwise matrix or grades per option
    receipts: list[str] = field(default_factory=list)
    weights: int = 1  # how many distinct weights it mixes: its unweighted figures are known only when 1


def split_by_weight_class(ballots: list[dict], k: int = K_ANONYMITY) -> tuple[list[dict], list[dict]]:
    """(ballots published one by one, pooled ballots); ballots are dicts with receipt, choice, weight."""
    classes: dict[str, list[dict]] = {}
    for ballot in ballots:
        classes.setdefault(weight_text(ballot["weight"]), []).append(ballot)
    if len(classes) <= 1:  # one weight: every ballot hides among all the voters, the most there can be
        return sorted(ballots, key=lambda b: b["receipt"]), []
    large = sorted((c for c in classes.values() if len(c) >= k), key=lambda c: (len(c), weight_text(c[0]["weight"])))
    pooled = [b for c in classes.values() if len(c) < k for b in c]
    while pooled and len(pooled) < k and large:
        pooled += large.pop(0)
    shown = sorted((b for c in large for b in c), key=lambda b: b["receipt"])
    return shown, pooled


def _choice(choice):
    return tuple(choice) if isinstance(choice, list) else choice


def pool_figures(method: str, n: int, ballots: list[tuple]) -> object:
    """The weighted figures of ``ballots`` ((choice, weight) pairs) that the tally of ``method`` adds up."""
    if method == "yes_no":
        return count_yes_no(ballots).weight
    if method in ("single", "approval"):
        counter = count_single if method == "single" else count_approval
        weights = counter(ballots, n).weight
        return [weights[o] for o in range(n)]
    if method == "ranked":
        return pairwise_matrix(ballots, n)
    return distributions_of(ballots, n)


def make_pool(method: str, n: int, pooled: list[dict]) -> Pool | None:
    if not pooled:
        return None
    pairs = [(_choice(b["choice"]), b["weight"]) for b in pooled]
    blank = sum((w for c, w in pairs if c is None or c == ()), 0)
    return Pool(
        ballots=len(pooled),
        weight=sum((w for _c, w in pairs), 0),
        blank=blank,
        figures=pool_figures(method, n, pairs),
        receipts=sorted(b["receipt"] for b in pooled),
        weights=len({weight_text(b["weight"]) for b in pooled}),
    )


def _texts(figures):
    if isinstance(figures, dict):
        return {key: weight_text(value) for key, value in figures.items()}
    return [_texts(value) if isinstance(value, list) else weight_text(value) for value in figures]


def pool_document(pool: Pool) -> dict:
    """The pool as it appears in the canonical document (every weight a decimal string, six places)."""
    return {
        "ballots": pool.ballots,
        "blank": weight_text(pool.blank),
        "figures": _texts(pool.figures),
        "receipts": pool.receipts,
        "weight": weight_text(pool.weight),
        "weights": pool.weights,
    }


def _numbers(figures):
    if isinstance(figures, dict):
        return {key: Decimal(value) for key, value in figures.items()}
    return [_numbers(value) if isinstance(value, list) else Decimal(value) for value in figures]


def pool_from_document(document: dict) -> Pool | None:
    """The pool read back from a canonical document, to recount the poll from what is published."""
    data = document.get("pool")
    if not data:
        return None
    return Pool(
        ballots=data["ballots"],
        weight=Decimal(data["weight"]),
        blank=Decimal(data["blank"]),
        figures=_numbers(data["figures"]),
        receipts=list(data["receipts"]),
        weights=data["weights"],
    )
