"""Random ballots and poll bodies never produce a 500, and a refused ballot writes nothing."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.extensions import db
from modules.governance.models import Ballot, Poll
from tests.governance.conftest import seat_voter

fuzz = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10, 10**12),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.sampled_from(["yes", "no", "abstain", "0", "1", " 2", "-1", "1e9"]),
)
choices = st.one_of(scalars, st.lists(scalars, max_size=6), st.dictionaries(st.text(max_size=3), scalars, max_size=2))


@fuzz
@given(choice=choices, method=st.sampled_from(["yes_no", "single", "approval", "ranked", "judgment"]))
def test_random_ballots_never_fail(client, assembly, make_poll, api_token, choice, method):
    poll = make_poll(assembly, method, [] if method == "yes_no" else ["A", "B", "C"], allow_change=False)
    voter_id = seat_voter(poll, assembly.seats[0]).id
    response = client.post(
        f"/api/v1/governance/polls/{poll.id}/ballots",
        headers=api_token(assembly.managers[0]),
        json={"voter_id": voter_id, "choice": choice},
    )
    assert response.status_code in (201, 400, 422), response.get_data(as_text=True)
    stored = db.session.scalar(db.select(db.func.count()).select_from(Ballot).where(Ballot.poll_id == poll.id))
    assert stored == (1 if response.status_code == 201 else 0)


@fuzz
@given(
    body=st.dictionaries(
        st.sampled_from(
            [
                "body_id",
                "question",
                "method",
                "options",
                "rule",
                "quorum_kind",
                "quorum_percent",
                "opens_at",
                "closes_at",
                "max_choices",
                "abstentions",
                "secret",
            ]
        ),
        st.one_of(scalars, st.lists(st.text(max_size=250), max_size=4)),
        max_size=12,
    )
)
def test_random_poll_bodies_never_fail(client, admin, api_token, body):
    before = db.session.scalar(db.select(db.func.count()).select_from(Poll))
    response = client.post("/api/v1/governance/polls", json=body, headers=api_token(admin))
    assert response.status_code in (201, 400, 404, 422), response.get_data(as_text=True)
    after = db.session.scalar(db.select(db.func.count()).select_from(Poll))
    assert after == before + (1 if response.status_code == 201 else 0)


text = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        ["", " ", "\x00", "é" * 5000, "<script>", "1e309", "-1", "NaN", "2026-02-30", "2026-12-01T10:00", "0", "3"]
    ),
)
FORMS = {
    "/governance/bodies": ["name", "kind", "seat_kind", "proxy_cap", "notice_days", "quorum_percent"],
    "/governance/bodies/{body}": [
        "college-name",
        "college-weight_percent",
        "college-submit",
        "member-holder",
        "member-college_id",
        "member-weight",
        "member-start_date",
        "member-end_date",
        "member-submit",
    ],
    "/governance/bodies/{body}/polls/new": [
        "question",
        "method",
        "options",
        "max_choices",
        "rule",
        "abstentions",
        "quorum_kind",
        "quorum_percent",
        "opens_at",
        "closes_at",
        "meeting_id",
    ],
    "/governance/bodies/{body}/meetings/new": ["title", "starts_at", "ends_at", "mode", "location", "online_url"],
    "/governance/needs": ["need-organization_id", "need-title", "need-importance", "need-urgency", "need-submit"],
    "/governance/polls/{poll}": ["voter_id", "choice", "rank-0", "rank-1", "grade-0", "receipt"],
    "/governance/actions": ["action-title", "action-owner_id", "action-due_date", "action-submit"],
}


@fuzz
@given(data=st.data())
def test_random_form_posts_never_fail(client, assembly, make_poll, admin, login_as, data):
    poll = make_poll(assembly, "ranked", ["A", "B"])
    login_as(admin)
    for url, fields in FORMS.items():
        values = {field: data.draw(text, label=field) for field in fields}
        response = client.post(url.format(body=assembly.id, poll=poll.id), data=values)
        assert response.status_code < 500, url
