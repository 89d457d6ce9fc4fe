"""Condorcet-Schulze: pairwise matrix, strongest paths (widest paths), ranking.

Speed matters (an assembly may be large and a vote is recounted on every results page): ballots
are first merged by identical ranking, then each distinct ranking is turned into one bit mask
per option ("the options this one beats"); masks are merged again (at most 2**(n-1) per option),
so the matrix costs a handful of operations per ballot instead of n*(n-1)/2.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


def _validate(ranking: tuple, n: int) -> None:
    if len(set(ranking)) != len(ranking):
        raise ValueError("an option is ranked twice")
    for option in ranking:
        if not isinstance(option, int) or not 0 <= option < n:
            raise ValueError(f"option out of range: {option!r}")


def pairwise_matrix(ballots: Iterable[tuple], n: int) -> list[list]:
    """d[a][b]: total weight of the ballots ranking a above b (unranked options tie last)."""
    merged: dict[tuple, object] = {}
    for ranking, weight in ballots:
        if ranking:
            merged[ranking] = merged.get(ranking, 0) + weight
    everyone = (1 << n) - 1
    beats: list[dict[int, object]] = [{} for _ in range(n)]
    for ranking, weight in merged.items():
        _validate(ranking, n)
        below = everyone
        for option in ranking:
            below &= ~(1 << option)
        # walking from the last ranked option up, "below" gathers everything ranked under it
        for option in reversed(ranking):
            masks = beats[option]
            masks[below] = masks.get(below, 0) + weight
            below |= 1 << option
    d = [[0] * n for _ in range(n)]
    for a in range(n):
        row = d[a]
        for mask, weight in beats[a].items():
            b = 0
            while mask:
                if mask & 1:
                    row[b] += weight
                mask >>= 1
                b += 1
    return d


def strongest_paths(d: list[list]) -> list[list]:
    """p[a][b]: strength of the strongest path from a to b (Schulze's widest path)."""
    n = len(d)
    p = [[d[a][b] if a != b and d[a][b] > d[b][a] else 0 for b in range(n)] for a in range(n)]
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            pji = p[j][i]
            if not pji:
                continue
            row_j, row_i = p[j], p[i]
            for k in range(n):
                if k != i and k != j:
                    via = pji if pji < row_i[k] else row_i[k]
                    if via > row_j[k]:
                        row_j[k] = via
    return p


@dataclass
class SchulzeResult:
    matrix: list[list]
    paths: list[list]
    ranking: list[list[int]]  # groups of tied options, best first

    @property
    def winners(self) -> list[int]:
        return self.ranking[0] if self.ranking else []


def schulze(ballots: Iterable[tuple], n: int) -> SchulzeResult:
    return schulze_of_matrix(pairwise_matrix(ballots, n))


def schulze_of_matrix(d: list[list]) -> SchulzeResult:
    """Schulze from the pairwise matrix (as published for a pool, added to the individual ballots')."""
    n = len(d)
    p = strongest_paths(d)
    # a beats b when p[a][b] > p[b][a]; this relation is transitive (Schulze 2011, section 4.1),
    # so counting the options each one beats orders them, ties sharing a group.
    wins = [sum(1 for b in range(n) if b != a and p[a][b] > p[b][a]) for a in range(n)]
    groups: dict[int, list[int]] = {}
    for option in range(n):
        groups.setdefault(wins[option], []).append(option)
    ranking = [groups[w] for w in sorted(groups, reverse=True)]
    return SchulzeResult(d, p, ranking)


def condorcet_winner(d: list[list]) -> int | None:
    """The option that beats every other one head to head, if there is one."""
    n = len(d)
    for a in range(n):
        if all(d[a][b] > d[b][a] for b in range(n) if b != a):
            return a
    return None
