"""Majority judgment (Balinski & Laraki): each option's majority grade (lower median), ranked by
the full majority-value rule.

The majority value of an option is the sequence of grades obtained by taking its lower median,
removing that one grade, taking the lower median of what is left, and so on until no grade is
left. Options are ranked by comparing these sequences lexicographically: the first removal where
two options' medians differ decides (Balinski & Laraki, "Majority Judgment", MIT Press 2011,
chapter 13). Two options stay tied only when their grade profiles are identical.

Weighted ballots count as that many grades: a seat of weight 2 gives two grades. Weights that are
not whole numbers (a college share such as 9.333333) are scaled to whole units first, by an even
factor so that the order in which grades are removed is the one of unit ballots. The sequence is
never spelt out grade by grade (millions of units): the sorted grades are a few runs, and the
removal order is "the centre, then outwards, one side then the other", so the first difference
is found run by run.

The share above (p) and below (q) the majority grade are kept for display (the "majority gauge":
"g+" when p > q, "g-" otherwise).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from functools import cmp_to_key

GRADES = 6  # 0 to reject, 1 poor, 2 fair, 3 good, 4 very good, 5 excellent


@dataclass
class OptionJudgment:
    option: int
    distribution: list  # weight per grade, index = grade
    median: int
    above: Fraction  # p
    below: Fraction  # q

    @property
    def sign(self) -> str:
        return "+" if self.above > self.below else "-"


@dataclass
class JudgmentResult:
    options: list[OptionJudgment]
    ranking: list[list[int]]  # groups of tied options, best first

    @property
    def winners(self) -> list[int]:
        return self.ranking[0] if self.ranking else []


def lower_median(distribution: list) -> int:
    """The lowest grade whose cumulative weight reaches half of the total (lower median)."""
    total = sum(distribution)
    running = 0
    for grade, weight in enumerate(distribution):
        running += weight
        if total and 2 * running >= total:
            return grade
    return 0


def _unit_scale(distributions: list[list]) -> int:
    """An even whole number turning every weight into whole units (even: see the module docstring)."""
    denominators = [Fraction(w).denominator for dist in distributions for w in dist]
    return 2 * math.lcm(1, *denominators)


def _runs(distribution: list, scale: int) -> list[tuple[int, int]]:
    """(last position, grade) of each run of equal grades, positions 1..N in ascending grade order."""
    runs, end = [], 0
    for grade, weight in enumerate(distribution):
        units = int(Fraction(weight) * scale)
        if units:
            end += units
            runs.append((end, grade))
    return runs


def _removal_rank(position: int, median: int, odd: bool) -> int:
    """When ``position`` is removed: 0 for the lower median, then outwards alternately.

    With N odd, the grade below goes first (1, 2, 3, 4, 5 -> 3, 2, 4, 1, 5); with N even the one
    above (1, 2, 3, 4 -> 2, 3, 1, 4).
    """
    distance = position - median
    if distance == 0:
        return 0
    below_first = odd
    if distance < 0:
        return 2 * -distance - (1 if below_first else 0)
    return 2 * distance - (0 if below_first else 1)


def _compare(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> int:
    """-1, 0 or 1 as option a's majority value is below, equal to or above option b's."""
    total = a[-1][0] if a else 0
    if not total:
        return 0
    median, odd = (total + 1) // 2, total % 2 == 1
    best = None  # (rank, grade of a, grade of b) at the earliest removal where they differ
    start, i, j = 1, 0, 0
    while i < len(a) and j < len(b):
        end = min(a[i][0], b[j][0])
        grade_a, grade_b = a[i][1], b[j][1]
        if grade_a != grade_b:
            nearest = min(max(median, start), end)  # the position of [start, end] removed first
            rank = _removal_rank(nearest, median, odd)
            if best is None or rank < best[0]:
                best = (rank, grade_a, grade_b)
        start = end + 1
        i += a[i][0] == end
        j += b[j][0] == end
    if best is None:
        return 0
    return 1 if best[1] > best[2] else -1


def _ranking(runs: list[list[tuple[int, int]]]) -> list[list[int]]:
    def compare(x: int, y: int) -> int:
        return _compare(runs[x], runs[y])

    order = sorted(range(len(runs)), key=cmp_to_key(compare), reverse=True)
    groups: list[list[int]] = []
    for option in order:
        if groups and compare(groups[-1][0], option) == 0:
            groups[-1].append(option)
        else:
            groups.append([option])
    return groups


def distributions_of(ballots: Iterable[tuple], n: int) -> list[list]:
    """Weight per grade of each option; blank ballots (no grade) are left out."""
    distributions = [[0] * GRADES for _ in range(n)]
    for grades, weight in ballots:
        if not grades:
            continue
        if len(grades) != n:
            raise ValueError("a grade is needed for every option")
        for option, grade in enumerate(grades):
            if not isinstance(grade, int) or not 0 <= grade < GRADES:
                raise ValueError(f"grade out of range: {grade!r}")
            distributions[option][grade] += weight
    return distributions


def judge(distributions: list[list]) -> JudgmentResult:
    """Majority judgment from the weight per grade of each option (as published for a pool)."""
    judged = []
    for option, dist in enumerate(distributions):
        total = sum(dist)
        median = lower_median(dist)
        above = Fraction(sum(dist[median + 1 :])) / Fraction(total) if total else Fraction(0)
        below = Fraction(sum(dist[:median])) / Fraction(total) if total else Fraction(0)
        judged.append(OptionJudgment(option, dist, median, above, below))
    scale = _unit_scale(distributions)
    return JudgmentResult(judged, _ranking([_runs(dist, scale) for dist in distributions]))


def majority_judgment(ballots: Iterable[tuple], n: int) -> JudgmentResult:
    return judge(distributions_of(ballots, n))
