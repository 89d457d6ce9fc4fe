"""Plain counts: yes/no/abstain, single choice and approval, weighted and unweighted."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

YES, NO, ABSTAIN = "yes", "no", "abstain"


@dataclass
class Counts:
    """Per key (an option number, or yes/no/abstain): ballots and weight; blank ballots apart."""

    ballots: dict = field(default_factory=dict)
    weight: dict = field(default_factory=dict)
    blank_ballots: int = 0
    blank_weight: object = 0
    total_ballots: int = 0
    total_weight: object = 0

    def add(self, key, weight) -> None:
        self.ballots[key] = self.ballots.get(key, 0) + 1
        self.weight[key] = self.weight.get(key, 0) + weight

    def add_ballot(self, weight, blank: bool) -> None:
        self.total_ballots += 1
        self.total_weight += weight
        if blank:
            self.blank_ballots += 1
            self.blank_weight += weight


def count_yes_no(ballots: Iterable[tuple]) -> Counts:
    counts = Counts(ballots={YES: 0, NO: 0, ABSTAIN: 0}, weight={YES: 0, NO: 0, ABSTAIN: 0})
    for choice, weight in ballots:
        counts.add_ballot(weight, choice is None)
        if choice is not None:
            if choice not in counts.ballots:
                raise ValueError(f"not a yes/no/abstain choice: {choice!r}")
            counts.add(choice, weight)
    return counts


def count_single(ballots: Iterable[tuple], n_options: int) -> Counts:
    counts = Counts(ballots=dict.fromkeys(range(n_options), 0), weight=dict.fromkeys(range(n_options), 0))
    for choice, weight in ballots:
        counts.add_ballot(weight, choice is None)
        if choice is not None:
            if choice not in counts.ballots:
                raise ValueError(f"option out of range: {choice!r}")
            counts.add(choice, weight)
    return counts


def count_approval(ballots: Iterable[tuple], n_options: int) -> Counts:
    counts = Counts(ballots=dict.fromkeys(range(n_options), 0), weight=dict.fromkeys(range(n_options), 0))
    for choice, weight in ballots:
        counts.add_ballot(weight, not choice)
        if len(set(choice)) != len(choice):
            raise ValueError("an option is approved twice")
        for option in choice:
            if option not in counts.ballots:
                raise ValueError(f"option out of range: {option!r}")
            counts.add(option, weight)
    return counts
