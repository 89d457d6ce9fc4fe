"""The tally engine: worked examples with published results, properties, rules, speed."""

import random
import time
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modules.governance.services.tally import decide, majority_judgment, quorum_reached, schulze, tally
from modules.governance.services.tally.canonical import canonical_document, result_hash
from modules.governance.services.tally.schulze import condorcet_winner, pairwise_matrix

ABCDE = "ABCDE"


def expand(groups, names=ABCDE):
    return [(tuple(names.index(c) for c in ranking), 1) for count, ranking in groups for _ in range(count)]


# Wikipedia, "Schulze method", example with 45 voters and 5 candidates (from Schulze 2011).
WIKIPEDIA_45 = [
    (5, "ACBED"),
    (5, "ADECB"),
    (8, "BEDAC"),
    (3, "CABED"),
    (7, "CAEBD"),
    (2, "CBADE"),
    (7, "DCEBA"),
    (8, "EBADC"),
]


def test_schulze_wikipedia_example_45_voters():
    result = schulze(expand(WIKIPEDIA_45), 5)
    assert result.matrix == [
        [0, 20, 26, 30, 22],
        [25, 0, 16, 33, 18],
        [19, 29, 0, 17, 24],
        [15, 12, 28, 0, 14],
        [23, 27, 21, 31, 0],
    ]
    assert result.paths == [
        [0, 28, 28, 30, 24],
        [25, 0, 28, 33, 24],
        [25, 29, 0, 29, 24],
        [25, 28, 28, 0, 24],
        [25, 28, 28, 31, 0],
    ]
    assert result.ranking == [[4], [0], [2], [1], [3]]  # E > A > C > B > D
    assert result.winners == [4]


def test_schulze_tennessee_capital_example():
    # Wikipedia's "Tennessee" example: 42 % Memphis, 26 % Nashville, 15 % Chattanooga, 17 % Knoxville.
    names = "MNCK"
    groups = [(42, "MNCK"), (26, "NCKM"), (15, "CKNM"), (17, "KCNM")]
    result = schulze(expand(groups, names), 4)
    assert result.ranking == [[1], [2], [3], [0]]  # Nashville, Chattanooga, Knoxville, Memphis
    assert condorcet_winner(result.matrix) == 1


def test_schulze_weights_and_partial_rankings():
    # unranked options tie last: "A" alone puts A above B and C, and B, C level
    d = pairwise_matrix([((0,), 3), ((1, 2), Decimal("1.5"))], 3)
    assert d[0][1] == 3 and d[0][2] == 3 and d[1][2] == Decimal("1.5") and d[2][1] == 0
    assert d[1][0] == Decimal("1.5")


def test_schulze_refuses_duplicates_and_unknown_options():
    with pytest.raises(ValueError):
        schulze([((0, 0), 1)], 3)
    with pytest.raises(ValueError):
        schulze([((0, 7), 1)], 3)


def test_schulze_cycle_gives_a_tie():
    # the classic three-way Condorcet cycle with equal margins: no winner stands out
    result = schulze(expand([(1, "ABC"), (1, "BCA"), (1, "CAB")], "ABC"), 3)
    assert result.ranking == [[0, 1, 2]]


rankings = st.integers(min_value=2, max_value=5).flatmap(
    lambda n: st.tuples(st.just(n), st.lists(st.permutations(range(n)).map(tuple), min_size=1, max_size=30))
)


@settings(max_examples=150, deadline=None)
@given(rankings)
def test_schulze_winner_is_the_condorcet_winner_when_there_is_one(data):
    n, ballots = data
    result = schulze([(b, 1) for b in ballots], n)
    winner = condorcet_winner(result.matrix)
    if winner is not None:
        assert result.winners == [winner]


@settings(max_examples=100, deadline=None)
@given(rankings, st.randoms(use_true_random=False))
def test_results_do_not_depend_on_ballot_order(data, rng):
    n, ballots = data
    shuffled = list(ballots)
    rng.shuffle(shuffled)
    assert schulze([(b, 1) for b in ballots], n) == schulze([(b, 1) for b in shuffled], n)
    grades = [(tuple((o * 7 + i) % 6 for o in range(n)), 1) for i, _b in enumerate(ballots)]
    assert majority_judgment(grades, n).ranking == majority_judgment(list(reversed(grades)), n).ranking


@settings(max_examples=100, deadline=None)
@given(
    st.integers(2, 4).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(st.tuples(st.permutations(range(n)).map(tuple), st.integers(1, 4)), min_size=1, max_size=12),
        )
    )
)
def test_weighted_counts_equal_repeated_unweighted_ballots(data):
    n, weighted = data
    repeated = [(ranking, 1) for ranking, weight in weighted for _ in range(weight)]
    assert schulze(weighted, n) == schulze(repeated, n)
    grades = [(tuple((r[o] + o) % 6 for o in range(n)), w) for r, w in weighted]
    grades_repeated = [(g, 1) for g, w in grades for _ in range(w)]
    assert majority_judgment(grades, n).ranking == majority_judgment(grades_repeated, n).ranking
    singles = [(r[0], w) for r, w in weighted]
    singles_repeated = [(c, 1) for c, w in singles for _ in range(w)]
    assert tally("single", n, singles).counts.weight == tally("single", n, singles_repeated).counts.weight
    approvals = [(tuple(sorted(r[:2])), w) for r, w in weighted]
    approvals_repeated = [(c, 1) for c, w in approvals for _ in range(w)]
    assert tally("approval", n, approvals).counts.weight == tally("approval", n, approvals_repeated).counts.weight


def test_majority_judgment_medians_and_gauge():
    # Worked by hand. Grades 0..5; five voters.
    # A: 5 5 2 2 1 -> sorted 1 2 2 5 5, lower median 2 (fair); above 2/5, below 1/5 -> fair+
    # B: 3 2 2 2 0 -> sorted 0 2 2 2 3, median 2; above 1/5, below 1/5 -> fair- (p not > q)
    # C: 4 4 3 1 0 -> sorted 0 1 3 4 4, median 3 (good); wins on the grade alone
    ballots = [((5, 3, 4), 1), ((5, 2, 4), 1), ((2, 2, 3), 1), ((2, 2, 1), 1), ((1, 0, 0), 1)]
    result = majority_judgment(ballots, 3)
    assert [o.median for o in result.options] == [2, 2, 3]
    assert result.options[0].sign == "+" and result.options[1].sign == "-"
    assert result.options[0].above == Fraction(2, 5) and result.options[1].below == Fraction(1, 5)
    assert result.ranking == [[2], [0], [1]]


def test_majority_judgment_even_number_uses_the_lower_median():
    result = majority_judgment([((0,), 1), ((1,), 1), ((4,), 1), ((5,), 1)], 1)
    assert result.options[0].median == 1


def test_majority_judgment_refuses_a_missing_grade():
    with pytest.raises(ValueError):
        majority_judgment([((1,), 1)], 2)


@pytest.mark.parametrize(
    "rule, yes, no, abstain, handling, passed",
    [
        ("simple", 5, 4, 10, "excluded", True),
        ("simple", 5, 4, 10, "counted", False),  # 5 of 19 is not a majority once abstentions count
        ("simple", 4, 4, 0, "excluded", False),  # a tie does not carry
        ("absolute", 5, 0, 0, "excluded", False),  # 5 of 11 on the list
        ("absolute", 6, 0, 0, "excluded", True),
        ("two_thirds", 6, 3, 0, "excluded", True),
        ("two_thirds", 6, 3, 1, "counted", False),
        ("three_quarters", 6, 2, 0, "excluded", True),
        ("three_quarters", 5, 2, 0, "excluded", False),
        ("unanimity", 7, 0, 2, "excluded", True),
        ("unanimity", 7, 0, 2, "counted", False),
        ("unanimity", 7, 1, 0, "excluded", False),
    ],
)
def test_majority_rules(rule, yes, no, abstain, handling, passed):
    assert decide(rule, yes, no, abstain, 11, handling).passed is passed


def test_quorum_by_voters_and_by_weight():
    assert quorum_reached("voters", Fraction(1, 2), 5, 10, 1, 100).reached
    assert not quorum_reached("voters", Fraction(1, 2), 4, 10, 90, 100).reached
    assert quorum_reached("weight", Fraction(1, 2), 4, 10, 60, 100).reached
    assert not quorum_reached("weight", Fraction(1, 2), 9, 10, 40, 100).reached
    assert quorum_reached("none", Fraction(1, 2), 0, 10, 0, 100).reached


def test_yes_no_tally_with_blank_ballots_and_weights():
    ballots = [("yes", Decimal(2)), ("no", Decimal(1)), ("abstain", Decimal(1)), (None, Decimal(3))]
    result = tally(
        "yes_no",
        0,
        ballots,
        rule="simple",
        quorum_kind="weight",
        quorum_share=Fraction(1, 2),
        eligible_count=5,
        eligible_weight=Decimal(10),
    )
    assert result.counts.ballots == {"yes": 1, "no": 1, "abstain": 1}
    assert result.counts.blank_ballots == 1 and result.counts.blank_weight == 3
    assert result.quorum.reached and result.passed  # 7 of 10 took part; 2 for, 1 against
    unweighted = tally("yes_no", 0, ballots, rule="simple", weighted=False)
    assert not unweighted.passed  # one for, one against


def test_single_choice_needs_a_unique_winner():
    result = tally("single", 3, [(0, 1), (1, 1), (None, 1)])
    assert result.winners == [0, 1] and not result.passed


def test_canonical_document_and_hash():
    ballots = [
        {"receipt": "B", "choice": [1, 0], "weight": Decimal("1.5")},
        {"receipt": "A", "choice": None, "weight": 1},
    ]
    document = canonical_document(7, "ranked", ["Été", "Hiver"], ballots)
    assert (
        document
        == (
            '{"ballots":[{"choice":null,"receipt":"A","weight":"1.000000"},'
            '{"choice":[1,0],"receipt":"B","weight":"1.500000"}],"method":"ranked",'
            '"options":["Été","Hiver"],"poll":7}'
        ).encode()
    )
    import hashlib

    assert result_hash(7, "ranked", ["Été", "Hiver"], list(reversed(ballots))) == hashlib.sha256(document).hexdigest()


def test_schulze_100000_ballots_over_10_options_is_fast():
    rng = random.Random(1)
    ballots = [(tuple(rng.sample(range(10), 10)), 1) for _ in range(100_000)]
    started = time.process_time()  # CPU time: other processes on the machine do not count
    result = schulze(ballots, 10)
    elapsed = time.process_time() - started
    assert sum(result.matrix[0][b] + result.matrix[b][0] for b in range(1, 10)) == 9 * 100_000
    assert elapsed < 1.0, elapsed
