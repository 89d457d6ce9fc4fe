"""The tally engine: pure functions over ballots, no database, no Flask.

A ballot is ``(choice, weight)``. Choices by method (options are numbered 0..n-1):

- ``yes_no``: "yes", "no", "abstain", or None for a blank ballot;
- ``single``: an option number, or None (blank);
- ``approval``: a tuple of option numbers (empty: blank);
- ``ranked``: a tuple of option numbers, most preferred first; options left out are tied last
  (empty: blank);
- ``judgment``: a tuple with one grade per option (0 "to reject" .. 5 "excellent"; empty: blank).

Weights are numbers (int, Decimal or Fraction); every count is exact, never a float.
"""

from modules.governance.services.tally.counts import Counts, count_approval, count_single, count_yes_no
from modules.governance.services.tally.judgment import GRADES, JudgmentResult, majority_judgment
from modules.governance.services.tally.rules import (
    ABSTENTION_HANDLING,
    QUORUM_KINDS,
    RULES,
    Decision,
    Quorum,
    decide,
    quorum_reached,
)
from modules.governance.services.tally.schulze import SchulzeResult, pairwise_matrix, schulze, strongest_paths
from modules.governance.services.tally.tally import METHODS, TallyResult, tally

__all__ = [
    "ABSTENTION_HANDLING",
    "GRADES",
    "METHODS",
    "QUORUM_KINDS",
    "RULES",
    "Counts",
    "Decision",
    "JudgmentResult",
    "Quorum",
    "SchulzeResult",
    "TallyResult",
    "count_approval",
    "count_single",
    "count_yes_no",
    "decide",
    "majority_judgment",
    "pairwise_matrix",
    "quorum_reached",
    "schulze",
    "strongest_paths",
    "tally",
]
