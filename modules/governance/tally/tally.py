"""One entry point: tally a poll's ballots under its method, majority rule and quorum.

Counts are made twice, unweighted (one ballot, one voice) and weighted (each ballot with its
voter's weight); the decision uses the weighted figures when ``weighted`` is set.
Majority rules apply to yes/no, single choice and approval polls. Ranked and majority judgment
polls elect their winner when the quorum is reached and the winner is unique.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from modules.governance.tally.counts import ABSTAIN, NO, YES, Counts, count_approval, count_single, count_yes_no
from modules.governance.tally.judgment import JudgmentResult, majority_judgment
from modules.governance.tally.rules import Decision, Quorum, decide, quorum_reached
from modules.governance.tally.schulze import SchulzeResult, schulze

METHODS = ("yes_no", "single", "approval", "ranked", "judgment")


@dataclass
class TallyResult:
    method: str
    counts: Counts | None
    quorum: Quorum
    decision: Decision | None
    winners: list[int] = field(default_factory=list)  # option numbers; yes/no: [] (see decision)
    schulze: SchulzeResult | None = None
    schulze_unweighted: SchulzeResult | None = None
    judgment: JudgmentResult | None = None
    judgment_unweighted: JudgmentResult | None = None
    voted_count: int = 0
    voted_weight: object = 0

    @property
    def passed(self) -> bool:
        if not self.quorum.reached:
            return False
        if self.decision is not None:
            return self.decision.passed and (self.method == "yes_no" or len(self.winners) == 1)
        return len(self.winners) == 1


def _is_blank(method: str, choice) -> bool:
    return choice is None or (method in ("approval", "ranked", "judgment") and len(choice) == 0)


def tally(
    method: str,
    n_options: int,
    ballots: list[tuple],
    *,
    rule: str = "simple",
    abstentions: str = "excluded",
    quorum_kind: str = "none",
    quorum_share=Fraction(0),
    eligible_count: int = 0,
    eligible_weight=0,
    weighted: bool = True,
) -> TallyResult:
    """``ballots``: a list of (choice, weight); ``eligible_*``: the frozen voter list."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}")
    voted_count = len(ballots)
    voted_weight = sum((w for _c, w in ballots), 0)
    quorum = quorum_reached(
        quorum_kind, Fraction(quorum_share), voted_count, eligible_count, voted_weight, eligible_weight
    )
    result = TallyResult(method, None, quorum, None, voted_count=voted_count, voted_weight=voted_weight)
    unit = "weight" if weighted else "ballots"
    eligible = eligible_weight if weighted else eligible_count
    if method == "yes_no":
        counts = result.counts = count_yes_no(ballots)
        figures = getattr(counts, unit)
        result.decision = decide(rule, figures[YES], figures[NO], figures[ABSTAIN], eligible, abstentions)
    elif method in ("single", "approval"):
        counter = count_single if method == "single" else count_approval
        counts = result.counts = counter(ballots, n_options)
        figures = getattr(counts, unit)
        expressed = (
            (counts.total_weight - counts.blank_weight) if weighted else (counts.total_ballots - counts.blank_ballots)
        )
        best = max(figures.values(), default=0)
        result.winners = [o for o, v in figures.items() if v == best and v > 0]
        result.decision = decide(rule, best, expressed - best, 0, eligible, abstentions)
    elif method == "ranked":
        unweighted = [(c, 1) for c, _w in ballots]
        result.schulze_unweighted = schulze(unweighted, n_options)
        result.schulze = schulze(ballots, n_options) if weighted else result.schulze_unweighted
        result.winners = list(result.schulze.winners) if any(c for c, _w in ballots) else []
    else:
        unweighted = [(c, 1) for c, _w in ballots]
        result.judgment_unweighted = majority_judgment(unweighted, n_options)
        result.judgment = majority_judgment(ballots, n_options) if weighted else result.judgment_unweighted
        result.winners = list(result.judgment.winners) if any(c for c, _w in ballots) else []
    return result
