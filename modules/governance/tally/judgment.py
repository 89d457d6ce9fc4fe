"""Majority judgment (Balinski & Laraki): each option's majority grade (lower median) and the
majority gauge to separate options sharing the same grade.

For an option with majority grade g, p is the share of grades above g and q the share below.
If p > q the option is "g+" and ranks above every "g-" option; among "g+" the larger p wins,
among "g-" the smaller q wins (Balinski & Laraki, "A theory of measuring, electing and
ranking", PNAS 2007). Options still equal after that share their place.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

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

    def key(self) -> tuple:
        if self.above > self.below:
            return (self.median, 1, self.above)
        return (self.median, 0, -self.below)


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


def majority_judgment(ballots: Iterable[tuple], n: int) -> JudgmentResult:
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
    judged = []
    for option, dist in enumerate(distributions):
        total = sum(dist)
        median = lower_median(dist)
        above = Fraction(sum(dist[median + 1 :])) / Fraction(total) if total else Fraction(0)
        below = Fraction(sum(dist[:median])) / Fraction(total) if total else Fraction(0)
        judged.append(OptionJudgment(option, dist, median, above, below))
    keys: dict[tuple, list[int]] = {}
    for item in judged:
        keys.setdefault(item.key(), []).append(item.option)
    ranking = [keys[k] for k in sorted(keys, reverse=True)]
    return JudgmentResult(judged, ranking)
