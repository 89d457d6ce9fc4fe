"""Majority rules and quorum, with the handling of abstentions and blank ballots spelled out.

- Blank ballots count for participation (quorum) and never in the base of a majority.
- Abstentions count for participation; in the base of the majority only when the poll says
  ``abstentions="counted"`` (then abstaining weighs like voting against).
- ``simple``: more for than against (for > half of the base).
- ``absolute``: more than half of everyone on the voter list, voted or not.
- ``two_thirds`` / ``three_quarters``: at least that share of the base.
- ``unanimity``: nobody against (nor abstaining when abstentions are counted) and someone for.
- ``relative``: relative majority (plurality): the option with the most votes wins, ``against``
  being the runner-up's votes (yes/no: the votes against); abstentions never count; a tie for
  first place is no decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

RULES = ("simple", "absolute", "two_thirds", "three_quarters", "unanimity", "relative")
ABSTENTION_HANDLING = ("excluded", "counted")
QUORUM_KINDS = ("none", "voters", "weight")
THRESHOLDS = {"two_thirds": Fraction(2, 3), "three_quarters": Fraction(3, 4)}


@dataclass
class Quorum:
    kind: str  # none, voters, weight
    required: Fraction  # share of the voter list (count or weight), e.g. 1/2
    participation: Fraction  # share reached
    reached: bool


def quorum_reached(
    kind: str, share: Fraction, voted_count: int, eligible_count: int, voted_weight, eligible_weight
) -> Quorum:
    if kind not in QUORUM_KINDS:
        raise ValueError(f"unknown quorum kind {kind!r}")
    if kind == "weight":
        reached_share = Fraction(voted_weight) / Fraction(eligible_weight) if eligible_weight else Fraction(0)
    else:
        reached_share = Fraction(voted_count, eligible_count) if eligible_count else Fraction(0)
    return Quorum(kind, Fraction(share), reached_share, kind == "none" or reached_share >= share)


@dataclass
class Decision:
    rule: str
    in_favour: object
    against: object
    base: object  # the amount the threshold is measured against
    passed: bool


def decide(rule: str, in_favour, against, abstentions, eligible, abstentions_handling: str = "excluded") -> Decision:
    """Whether ``in_favour`` carries the vote; all amounts are in the same unit (ballots or weight)."""
    if rule not in RULES:
        raise ValueError(f"unknown majority rule {rule!r}")
    if abstentions_handling not in ABSTENTION_HANDLING:
        raise ValueError(f"unknown abstention handling {abstentions_handling!r}")
    in_favour, against = Fraction(in_favour), Fraction(against)
    counted_abstentions = Fraction(abstentions) if abstentions_handling == "counted" else Fraction(0)
    base = in_favour + against + counted_abstentions
    if rule == "absolute":
        base = Fraction(eligible)
        passed = 2 * in_favour > base
    elif rule == "simple":
        passed = 2 * in_favour > base
    elif rule == "relative":
        base = in_favour + against
        passed = in_favour > against
    elif rule == "unanimity":
        passed = in_favour > 0 and against == 0 and counted_abstentions == 0
    else:
        passed = base > 0 and in_favour >= THRESHOLDS[rule] * base
    return Decision(rule, in_favour, against, base, passed)
