"""Issue 17: secret weighted ballots published without pinning them to a few seats, recounted from the
published document only; full majority judgment; relative majority; the ballots CSV in core's dialect."""

import json
from decimal import Decimal

import pytest

from core.extensions import db
from modules.governance.services import bodies, voting
from modules.governance.services.results import ballots_csv, canonical, poll_result
from modules.governance.services.tally import majority_judgment, tally
from modules.governance.services.tally.publication import K_ANONYMITY, pool_from_document, split_by_weight_class
from tests.governance.conftest import close_now, seat_voter

HEAVY = Decimal("9.333333")
HEAVY_BALLOTS = [[3, 1, 2, 0], [3, 1, 2, 0], [3, 1, 0, 2]]


@pytest.fixture
def college_assembly(assembly, admin, make_org, make_user):
    """The four seats of ``assembly`` (2, 1, 1, 1), three of weight 9.333333, one of weight 3, four of weight 1."""
    from core.clock import today

    for weight in [HEAVY] * 3 + [Decimal(3)] + [Decimal(1)] * 4:
        org = make_org()
        assembly.managers.append(make_user("member_manager", org=org))
        assembly.seats.append(
            bodies.add_member(admin, assembly, organization_id=org.id, weight=weight, start_date=today())
        )
    db.session.commit()
    return assembly


def _vote_and_close(body, poll, choices):
    receipts = []
    for seat, manager, choice in zip(body.seats, body.managers, choices):
        receipts.append(voting.cast_ballot(manager, poll.id, seat_voter(poll, seat).id, choice))
    db.session.commit()
    close_now(poll)
    return receipts


@pytest.mark.parametrize("method", ["ranked", "judgment"])
def test_small_weight_classes_are_never_published_ballot_by_ballot(
    client, college_assembly, make_poll, admin, login_as, api_token, method
):
    poll = make_poll(college_assembly, method, ["A", "B", "C", "D"])
    light = [[0, 1, 2, 3], [3, 2, 1, 0], [1, 0, 2, 3], [2, 3, 0, 1]]
    # seats 2, 1, 1, 1, 9.333333 x3, 3, 1 x4: the weight-1 class has 7 ballots and is shown; the pool (2, 9.333333
    # x3, 3) holds 5
    choices = [
        [1, 0, 3, 2],
        light[0],
        light[1],
        light[2],
        *HEAVY_BALLOTS,
        light[3],
        light[3],
        light[0],
        light[1],
        light[2],
    ]
    if method == "judgment":
        choices = [[min(g + 1, 5) for g in c] for c in choices]
    receipts = _vote_and_close(college_assembly, poll, choices)
    heavy_receipts = receipts[4:8] + receipts[:1]
    document = json.loads(canonical(poll))
    # every ballot published one by one belongs to a class of at least K_ANONYMITY ballots
    classes = {}
    for ballot in document["ballots"]:
        classes[ballot["weight"]] = classes.get(ballot["weight"], 0) + 1
    assert classes == {"1.000000": 7} and all(n >= K_ANONYMITY for n in classes.values())
    assert document["pool"]["ballots"] == 5 and document["pool"]["weights"] == 3
    assert sorted(document["pool"]["receipts"]) == sorted(heavy_receipts)
    published = {b["receipt"] for b in document["ballots"]}
    assert not published & set(heavy_receipts)
    # no artefact shows a heavy ballot's choice or weight beside its receipt
    headers = api_token(admin)
    login_as(admin)
    artefacts = [
        client.get(f"/governance/polls/{poll.id}/results?per_page=100").get_data(as_text=True),
        client.get(f"/governance/polls/{poll.id}/ballots.csv").get_data(as_text=True),
        json.dumps(client.get(f"/api/v1/governance/polls/{poll.id}/ballots?per_page=100", headers=headers).json),
    ]
    for text in artefacts:
        assert "9.333" not in text and "9,333" not in text
        assert [code for code in receipts if code not in text] == [], text[:3000]  # every voter finds their receipt
    api = client.get(f"/api/v1/governance/polls/{poll.id}/ballots?per_page=100", headers=headers).json["items"]
    assert {b["receipt"]: b["choice"] for b in api if b["receipt"] in heavy_receipts} == dict.fromkeys(
        heavy_receipts, None
    )
    pdf = client.get(f"/governance/polls/{poll.id}/minutes.pdf")
    assert pdf.status_code == 200
    # results: the pool mixes weights 2 and 9.333333, so no unweighted figure is published beside the weighted
    results = client.get(f"/api/v1/governance/polls/{poll.id}/results", headers=headers).json
    assert results["hash_matches"]
    assert results["schulze"]["unweighted_ranking"] is None if method == "ranked" else True


def test_the_result_is_recounted_from_the_canonical_document_alone(college_assembly, make_poll):
    poll = make_poll(college_assembly, "judgment", ["A", "B", "C", "D"], rule="simple")
    choices = [
        [5, 0, 1, 2],
        [1, 2, 3, 4],
        [0, 0, 5, 5],
        [2, 3, 1, 1],
        *HEAVY_BALLOTS,
        [],
        [4, 4, 4, 4],
        [0, 1, 2, 3],
        [3, 3, 3, 3],
    ]
    _vote_and_close(college_assembly, poll, choices)
    document = json.loads(canonical(poll))
    recount = tally(
        document["method"],
        len(document["options"]),
        [(tuple(b["choice"]), Decimal(b["weight"])) for b in document["ballots"]],
        pool=pool_from_document(document),
    )
    shown = poll_result(poll).tally
    assert recount.judgment.ranking == shown.judgment.ranking and recount.winners == shown.winners
    assert [o.distribution for o in recount.judgment.options] == [o.distribution for o in shown.judgment.options]
    assert recount.voted_weight == shown.voted_weight and recount.voted_count == shown.voted_count
    # and the figures are those of the full ballots, pool or not
    full = majority_judgment(
        [(tuple(c), w) for c, w in zip(choices, [2, 1, 1, 1, HEAVY, HEAVY, HEAVY, 3, 1, 1, 1, 1])], 4
    )
    assert full.ranking == shown.judgment.ranking


def test_split_by_weight_class_pools_until_k():
    def ballots(weight, n, tag):
        return [{"receipt": f"{tag}{i}", "choice": 0, "weight": Decimal(weight)} for i in range(n)]

    shown, pooled = split_by_weight_class(ballots(1, 6, "a") + ballots(2, 5, "b") + ballots(3, 1, "c"))
    # the lone weight-3 ballot needs company: the smallest large class (weight 2, five ballots) joins it
    assert {b["receipt"][0] for b in shown} == {"a"} and {b["receipt"][0] for b in pooled} == {"b", "c"}
    shown, pooled = split_by_weight_class(ballots(1, 3, "a"))
    # one weight for all (a bureau of three): each ballot hides among every voter, the most there can be,
    # and each voter can still check the choice recorded under their receipt
    assert len(shown) == 3 and pooled == []
    shown, pooled = split_by_weight_class(ballots(1, 2, "a") + ballots(2, 1, "b"))
    assert shown == [] and len(pooled) == 3  # two weights among three voters: nothing one by one
    shown, pooled = split_by_weight_class(ballots(1, 5, "a"))
    assert len(shown) == 5 and pooled == []


def test_majority_judgment_breaks_ties_beyond_the_gauge():
    # A: 1 2 2 2 3 and B: 0 2 2 2 4 share median 2 (fair), p = 1/5 and q = 1/5: the gauge cannot part them.
    # Remove one median grade at a time (lower median of what is left):
    #   A 1 2 2 2 3 -> 2, left 1 2 2 3 -> 2, left 1 2 3 -> 2, left 1 3 -> 1, ...
    #   B 0 2 2 2 4 -> 2, left 0 2 2 4 -> 2, left 0 2 4 -> 2, left 0 4 -> 0, ...
    # the fourth removal parts them: 1 > 0, so A ranks above B.
    ballots = [((1, 0), 1), ((2, 2), 1), ((2, 2), 1), ((2, 2), 1), ((3, 4), 1)]
    assert majority_judgment(ballots, 2).ranking == [[0], [1]]


def test_majority_judgment_even_count_and_weights():
    # Four voters, options A and B (weights: the first voter counts twice, so six grades each).
    # A grades: 3 3 (weight 2), 1, 4, 2 -> sorted 1 2 3 3 3 4
    # B grades: 3 3 (weight 2), 0, 5, 2 -> sorted 0 2 3 3 3 5
    # Removal order with six grades (lower median first, then above, then below...):
    #   A: 3 (pos 3), then 3 (pos 4), then 2 (pos 2), then 3 (pos 5), then 1, then 4
    #   B: 3, 3, 2, 3, then 0 vs A's 1 -> A above B (B's 5 comes only after).
    ballots = [((3, 3), 2), ((1, 0), 1), ((4, 5), 1), ((2, 2), 1)]
    assert majority_judgment(ballots, 2).ranking == [[0], [1]]
    # the same with unit ballots repeated gives the same ranking
    repeated = [((3, 3), 1), ((3, 3), 1), ((1, 0), 1), ((4, 5), 1), ((2, 2), 1)]
    assert majority_judgment(repeated, 2).ranking == [[0], [1]]


def test_majority_judgment_ties_only_identical_profiles():
    # A: 0 5 and B: 5 0 have the same grades in another order -> identical profiles, a true tie;
    # C: 1 4 -> lower median 1 > 0, ranks first.
    ballots = [((0, 5, 1), 1), ((5, 0, 4), 1)]
    assert majority_judgment(ballots, 3).ranking == [[2], [0, 1]]


def test_majority_judgment_with_college_weights_matches_repeated_ballots():
    # 9.333333 is 9333333/1000000: scaled to whole units, the ranking must equal the one of the same
    # ballots given as 9333333 / 1000000 multiples -> compare with the weight 28/3 approximated by hand:
    # A: 2 (w 9.333333), 4 (w 1), 0 (w 1) and B: 2 (w 9.333333), 0 (w 1), 4 (w 1): identical profiles.
    tie = [((2, 2), HEAVY), ((4, 0), Decimal(1)), ((0, 4), Decimal(1))]
    assert majority_judgment(tie, 2).ranking == [[0, 1]]
    # A: 2, 4, 1 against B: 2, 4, 0 -> same median, same share above, A's lowest grade is better.
    apart = [((2, 2), HEAVY), ((4, 4), Decimal(1)), ((1, 0), Decimal(1))]
    assert majority_judgment(apart, 2).ranking == [[0], [1]]


@pytest.mark.parametrize(
    "method, ballots, passed, winners",
    [
        ("single", [(0, 1), (0, 1), (1, 1), (2, 1), (None, 1)], True, [0]),  # 2 of 4: no absolute, but the most
        ("single", [(0, 1), (1, 1), (2, 1)], False, [0, 1, 2]),  # a tie for first place: no decision
        ("single", [(0, Decimal(2)), (1, 1), (1, 1), (2, 1)], False, [0, 1]),  # weights tie too
        ("approval", [((0, 1), 1), ((1,), 1), ((2,), 1)], True, [1]),
        ("yes_no", [("yes", 2), ("no", 1), ("abstain", 5)], True, []),
    ],
)
def test_relative_majority(method, ballots, passed, winners):
    result = tally(method, 3, ballots, rule="relative")
    assert result.passed is passed and result.winners == winners


def test_relative_majority_elects_where_the_simple_majority_does_not():
    ballots = [(0, 1), (0, 1), (1, 1), (2, 1)]  # 2 of 4 expressed: not more than half, but the most
    assert not tally("single", 3, ballots, rule="simple").passed
    assert tally("single", 3, ballots, rule="relative").passed


def test_relative_majority_through_the_api_and_the_form(client, assembly, api_token, admin, login_as):
    from datetime import timedelta

    from core.db import utcnow

    headers = api_token(admin)
    opens = utcnow() + timedelta(days=1)
    body = {
        "body_id": assembly.id,
        "question": "Which van?",
        "method": "single",
        "options": ["A", "B", "C"],
        "rule": "relative",
        "opens_at": opens.isoformat(),
        "closes_at": (opens + timedelta(days=1)).isoformat(),
    }
    created = client.post("/api/v1/governance/polls", json=body, headers=headers)
    assert created.status_code == 201 and created.json["rule"] == "relative"
    login_as(admin)
    form = client.get(f"/governance/bodies/{assembly.id}/polls/new").get_data(as_text=True)
    assert 'value="relative"' in form and "Majorité relative" in form


def test_ballots_csv_uses_core_dialect_and_defuses_formulas(assembly, make_poll, admin):
    db.session.commit()
    poll = make_poll(assembly, "yes_no", secret=False)
    voter = seat_voter(poll, assembly.seats[0])
    voter.label = '=HYPERLINK("http://x")'
    voting.cast_ballot(assembly.managers[0], poll.id, voter.id, "yes")
    db.session.commit()
    close_now(poll)
    text = ballots_csv(poll, poll_result(poll).ballots)
    assert text.startswith("\ufeffreceipt;weight;choice;voter")
    line = text.splitlines()[1]
    assert ";'=HYPERLINK" in line and ';"yes";' in line.replace('"""yes"""', '"yes"') or ';"""yes""";' in line
