"""One entry point: tally a poll's ballots under its method, majority rule and quorum.

Counts are made twice, unweighted (one ballot, one voice) and weighted (each ballot with its
voter's weight); the decision uses the weighted figures when ``weighted`` is set.
Majority rules apply to yes/no, single choice and approval polls. Ranked and majority judgment
polls elect their winner when the quorum is reached and the winner is unique.

A secret poll's pooled ballots (``modules.governance.services.tally.publication``) come as one ``Pool`` of
weighted figures that are added to the individual ballots' figures. When the pool mixes several
weights its unweighted figures are unknown, and so are the poll's: ``unweighted_known`` is False
and the unweighted counts, Schulze ranking and judgment are left out (None).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from modules.governance.services.tally.counts import (
    ABSTAIN,
    NO,
    YES,
    Counts,
    count_approval,
    count_single,
    count_yes_no,
)
from modules.governance.services.tally.judgment import JudgmentResult, distributions_of, judge
from modules.governance.services.tally.publication import Pool
from modules.governance.services.tally.rules import Decision, Quorum, decide, quorum_reached
from modules.governance.services.tally.schulze import SchulzeResult, pairwise_matrix, schulze_of_matrix

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
    unweighted_known: bool = True

    @property
    def passed(self) -> bool:
        if not self.quorum.reached:
            return False
        if self.decision is not None:
            return self.decision.passed and (self.method == "yes_no" or len(self.winners) == 1)
        return len(self.winners) == 1


def _add(figures: list, extra: list) -> list:
    """Element-wise sum of two lists (nested lists for matrices)."""
    return [_add(a, b) if isinstance(a, list) else a + b for a, b in zip(figures, extra)]


def _counts(method: str, n_options: int, ballots: list[tuple], pool: Pool | None, unweighted_known: bool) -> Counts:
    if method == "yes_no":
        counts = count_yes_no(ballots)
    else:
        counts = (count_single if method == "single" else count_approval)(ballots, n_options)
    if pool is None:
        return counts
    extra = pool.figures if method == "yes_no" else dict(enumerate(pool.figures))
    per_ballot = pool.weight / pool.ballots if unweighted_known else None
    for key, weight in extra.items():
        counts.weight[key] += weight
        if per_ballot is not None:
            counts.ballots[key] += int(weight / per_ballot)
    counts.total_ballots += pool.ballots
    counts.total_weight += pool.weight
    counts.blank_weight += pool.blank
    if per_ballot is None:
        counts.ballots = counts.blank_ballots = None
    else:
        counts.blank_ballots += int(pool.blank / per_ballot)
    return counts


def _unit_figures(figures_of, ballots: list[tuple], n_options: int, pool: Pool | None) -> list:
    """Unweighted matrix or grades: one voice per ballot, the pool's (one weight) divided by that weight."""
    figures = figures_of([(c, 1) for c, _w in ballots], n_options)
    if pool is None:
        return figures
    per_ballot = pool.weight / pool.ballots
    return _add(figures, [[v / per_ballot for v in row] for row in pool.figures])


def _plurality(figures: dict) -> tuple[list, object, object]:
    """(options with the most, the most, the runner-up's figure)."""
    ordered = sorted(figures.values(), reverse=True)
    best = ordered[0] if ordered else 0
    winners = [o for o, v in figures.items() if v == best and v > 0]
    runner_up = best if len(winners) > 1 else (ordered[1] if len(ordered) > 1 else 0)
    return winners, best, runner_up


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
    pool: Pool | None = None,
) -> TallyResult:
    """``ballots``: a list of (choice, weight); ``eligible_*``: the frozen voter list; ``pool``: see above."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}")
    voted_count = len(ballots) + (pool.ballots if pool else 0)
    voted_weight = sum((w for _c, w in ballots), 0) + (pool.weight if pool else 0)
    quorum = quorum_reached(
        quorum_kind, Fraction(quorum_share), voted_count, eligible_count, voted_weight, eligible_weight
    )
    unweighted_known = pool is None or pool.weights == 1
    result = TallyResult(
        method,
        None,
        quorum,
        None,
        voted_count=voted_count,
        voted_weight=voted_weight,
        unweighted_known=unweighted_known,
    )
    unit = "weight" if weighted or not unweighted_known else "ballots"
    eligible = eligible_weight if unit == "weight" else eligible_count
    anyone = any(c for c, _w in ballots) or (pool is not None and pool.blank < pool.weight)
    if method == "yes_no":
        counts = result.counts = _counts(method, n_options, ballots, pool, unweighted_known)
        figures = getattr(counts, unit)
        result.decision = decide(rule, figures[YES], figures[NO], figures[ABSTAIN], eligible, abstentions)
    elif method in ("single", "approval"):
        counts = result.counts = _counts(method, n_options, ballots, pool, unweighted_known)
        figures = getattr(counts, unit)
        expressed = (
            (counts.total_weight - counts.blank_weight)
            if unit == "weight"
            else (counts.total_ballots - counts.blank_ballots)
        )
        result.winners, best, runner_up = _plurality(figures)
        against = runner_up if rule == "relative" else expressed - best
        result.decision = decide(rule, best, against, 0, eligible, abstentions)
    elif method == "ranked":
        matrix = pairwise_matrix(ballots, n_options)
        result.schulze = schulze_of_matrix(_add(matrix, pool.figures) if pool else matrix)
        if unweighted_known:
            unit_matrix = _unit_figures(pairwise_matrix, ballots, n_options, pool)
            result.schulze_unweighted = schulze_of_matrix(unit_matrix) if weighted else result.schulze
        result.winners = list(result.schulze.winners) if anyone else []
    else:
        grades = distributions_of(ballots, n_options)
        result.judgment = judge(_add(grades, pool.figures) if pool else grades)
        if unweighted_known:
            unit_grades = _unit_figures(distributions_of, ballots, n_options, pool)
            result.judgment_unweighted = judge(unit_grades) if weighted else result.judgment
        result.winners = list(result.judgment.winners) if anyone else []
    return result
