"""Pages: role matrix, forms with bad input, voting in the browser, results, PDF, query counts."""

from datetime import timedelta

import pytest

from core.clock import local
from core.db import utcnow
from core.extensions import db
from modules.governance.models import Ballot, Meeting, Poll
from modules.governance.services import meetings, voting
from tests.governance.conftest import close_now, seat_voter


@pytest.mark.parametrize(
    "role, status",
    [
        (None, 302),
        ("project_holder", 403),
        ("trainer", 403),
        ("member_staff", 200),
        ("member_manager", 200),
        ("board_member", 200),
        ("network_admin", 200),
    ],
)
def test_role_matrix_on_the_pages(client, make_user, login_as, role, status):
    if role:
        login_as(make_user(role))
    for url in ("/governance/", "/governance/polls", "/governance/bodies", "/governance/needs", "/governance/actions"):
        assert client.get(url).status_code == status, url


@pytest.mark.parametrize("role, status", [("member_staff", 403), ("member_manager", 403), ("board_member", 200)])
def test_only_managers_create_polls(client, assembly, make_user, login_as, role, status):
    login_as(make_user(role))
    assert client.get(f"/governance/bodies/{assembly.id}/polls/new").status_code == status


def test_create_poll_form_keeps_input_and_shows_field_errors(client, assembly, admin, login_as):
    login_as(admin)
    now = local(utcnow())
    data = {
        "question": "Which van?",
        "method": "ranked",
        "options": "Only one",
        "rule": "simple",
        "abstentions": "excluded",
        "quorum_kind": "none",
        "quorum_percent": "0",
        "meeting_id": "0",
        "opens_at": (now + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
    }
    page = client.post(f"/governance/bodies/{assembly.id}/polls/new", data=data)
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert "Which van?" in html and "is-invalid" in html
    assert db.session.scalar(db.select(db.func.count()).select_from(Poll)) == 0
    data["options"] = "Van A\nVan B\n"
    response = client.post(f"/governance/bodies/{assembly.id}/polls/new", data=data)
    assert response.status_code == 302
    poll = db.session.scalar(db.select(Poll))
    assert [o.label for o in poll.options] == ["Van A", "Van B"] and poll.status == "draft"
    assert client.post(f"/governance/polls/{poll.id}/publish").status_code == 302
    assert db.session.get(Poll, poll.id).status == "scheduled"


def test_vote_in_the_browser_and_check_the_receipt(client, assembly, make_poll, login_as):
    poll = make_poll(assembly, "ranked", ["A", "B", "C"])
    voter_id = seat_voter(poll, assembly.seats[0]).id
    login_as(assembly.managers[0])
    page = client.get(f"/governance/polls/{poll.id}").get_data(as_text=True)
    assert f'name="voter_id" value="{voter_id}"' in page
    bad = client.post(f"/governance/polls/{poll.id}", data={"voter_id": voter_id, "rank-0": "1", "rank-1": "1"})
    assert bad.status_code == 422 and "deux fois" in bad.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Ballot)) == 0
    ok = client.post(
        f"/governance/polls/{poll.id}", data={"voter_id": voter_id, "rank-0": "2", "rank-1": "0"}, follow_redirects=True
    )
    assert ok.status_code == 200
    receipt = db.session.scalar(db.select(Ballot.receipt))
    assert receipt in ok.get_data(as_text=True)
    again = client.post(f"/governance/polls/{poll.id}", data={"voter_id": voter_id, "rank-0": "1"})
    assert "déjà été déposé" in again.get_data(as_text=True)
    close_now(poll)
    results = client.get(f"/governance/polls/{poll.id}/results").get_data(as_text=True)
    assert receipt in results and poll.result_hash in results and "sha256sum" in results
    checked = client.post(f"/governance/polls/{poll.id}", data={"check-receipt": receipt, "check-submit": "1"})
    assert 'alert alert-success" role="status"' in checked.get_data(as_text=True)
    unknown = client.post(f"/governance/polls/{poll.id}", data={"check-receipt": "NOPE", "check-submit": "1"})
    assert 'alert alert-danger" role="status"' in unknown.get_data(as_text=True)
    assert client.get(f"/governance/polls/{poll.id}/chart.svg").mimetype == "image/svg+xml"
    csv_body = client.get(f"/governance/polls/{poll.id}/ballots.csv").get_data(as_text=True)
    assert receipt in csv_body and assembly.orgs[0].name not in csv_body


@pytest.mark.parametrize(
    "method, options, data",
    [
        ("yes_no", [], {"choice": "yes"}),
        ("single", ["A", "B"], {"choice": "1"}),
        ("approval", ["A", "B", "C"], {"choice": ["0", "2"]}),
        ("judgment", ["A", "B"], {"grade-0": "5", "grade-1": "2"}),
    ],
)
def test_each_method_through_the_page_and_its_results(client, assembly, make_poll, login_as, method, options, data):
    poll = make_poll(assembly, method, options)
    voter_id = seat_voter(poll, assembly.seats[0]).id
    login_as(assembly.managers[0])
    assert client.post(f"/governance/polls/{poll.id}", data={"voter_id": voter_id, **data}).status_code == 302
    close_now(poll)
    assert client.get(f"/governance/polls/{poll.id}/results").status_code == 200
    assert client.get(f"/governance/polls/{poll.id}/chart.svg").status_code == 200


def test_results_are_hidden_until_the_close(client, assembly, make_poll, login_as):
    poll = make_poll(assembly, "yes_no")
    login_as(assembly.managers[0])
    assert client.get(f"/governance/polls/{poll.id}/results").status_code == 404
    assert client.get(f"/governance/polls/{poll.id}/ballots.csv").status_code == 404


def test_draft_poll_is_404_for_voters(client, assembly, make_poll, login_as):
    poll = make_poll(assembly, "yes_no", opened=False, publish=False)
    login_as(assembly.managers[0])
    assert client.get(f"/governance/polls/{poll.id}").status_code == 404


def test_polls_list_query_count_does_not_grow(client, assembly, make_poll, admin, login_as, query_counter):
    login_as(admin)
    make_poll(assembly, "yes_no")
    make_poll(assembly, "yes_no")
    client.get("/governance/polls")
    with query_counter() as few:
        client.get("/governance/polls")
    for _ in range(18):
        make_poll(assembly, "yes_no", opened=False, publish=False)
    with query_counter() as many:
        client.get("/governance/polls")
    assert many.count == few.count


def test_needs_board_query_count_does_not_grow(client, assembly, login_as, query_counter):
    from modules.governance.services.needs import post_need

    manager, org = assembly.managers[0], assembly.orgs[0]
    login_as(manager)
    for i in range(2):
        post_need(manager, org.id, f"Need {i}", "", 3, 3)
    db.session.commit()
    with query_counter() as few:
        client.get("/governance/needs")
    for i in range(2, 20):
        post_need(manager, org.id, f"Need {i}", "", 3, 3)
    db.session.commit()
    with query_counter() as many:
        client.get("/governance/needs")
    assert many.count == few.count


def test_meeting_page_attendance_quorum_and_minutes(client, assembly, admin, login_as):
    meeting = meetings.create_meeting(
        admin,
        assembly,
        "AG 2027",
        utcnow() + timedelta(days=20),
        utcnow() + timedelta(days=20, hours=2),
        "in_person",
        "Tours",
    )
    item = meetings.add_agenda_item(admin, meeting, "Accounts")
    motion = meetings.add_motion(admin, item, "The accounts are approved.")
    db.session.commit()
    login_as(admin)
    seats = assembly.seats
    client.post(
        f"/governance/meetings/{meeting.id}/attendance",
        data={f"status-{seats[0].id}": "present", f"status-{seats[1].id}": "present"},
    )
    page = client.get(f"/governance/meetings/{meeting.id}").get_data(as_text=True)
    assert "AG 2027" in page
    quorum = meetings.live_quorum(db.session.get(Meeting, meeting.id))
    assert quorum.present == 2 and quorum.weight_in == 3 and quorum.weight_total == 5 and quorum.reached
    assert client.post(f"/motions/{motion.id}/hands").status_code == 404  # wrong prefix
    client.post(
        f"/governance/motions/{motion.id}/hands",
        data={"hands-votes_for": "3", "hands-votes_against": "1", "hands-votes_abstain": "0"},
    )
    pdf = client.get(f"/governance/meetings/{meeting.id}/minutes.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert db.session.get(type(motion), motion.id).adopted is True


def test_body_pages_add_a_college_a_member_and_end_a_term(client, admin, make_org, login_as):
    from datetime import date

    from modules.governance.models import Body, BodyMember

    login_as(admin)
    created = client.post(
        "/governance/bodies",
        data={
            "name": "AG",
            "kind": "assembly",
            "seat_kind": "organization",
            "proxy_cap": "2",
            "notice_days": "15",
            "quorum_percent": "50",
        },
    )
    body_id = db.session.scalar(db.select(Body.id))
    assert created.status_code == 302
    too_much = client.post(
        f"/governance/bodies/{body_id}",
        data={"college-name": "Members", "college-weight_percent": "120", "college-submit": "1"},
    )
    assert too_much.status_code == 422 and "is-invalid" in too_much.get_data(as_text=True)
    client.post(
        f"/governance/bodies/{body_id}",
        data={"college-name": "Members", "college-weight_percent": "70", "college-submit": "1"},
    )
    org = make_org()
    college_id = db.session.get(Body, body_id).colleges[0].id
    added = client.post(
        f"/governance/bodies/{body_id}",
        data={
            "member-holder": org.id,
            "member-college_id": college_id,
            "member-weight": "2",
            "member-start_date": "2026-01-01",
            "member-submit": "1",
        },
    )
    assert added.status_code == 302
    member = db.session.scalar(db.select(BodyMember))
    client.post(f"/governance/members/{member.id}/end", data={"end_date": "2026-06-30"})
    assert db.session.get(BodyMember, member.id).end_date == date(2026, 6, 30)


def test_dashboard_widget_lists_ballots_to_cast_including_proxies(client, assembly, make_poll, login_as):
    from modules.governance.services import polls as poll_services

    poll = make_poll(assembly, "yes_no", opened=False, question="Budget?")
    voting.grant_proxy(assembly.managers[1], assembly.seats[1].id, assembly.seats[0].id, poll_id=poll.id)
    poll.opens_at = utcnow() - timedelta(seconds=1)
    poll_services.advance(poll.id)
    db.session.commit()
    login_as(assembly.managers[0])
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Budget?" in page and "2 bulletins manquants" in page
    voting.cast_ballot(assembly.managers[0], poll.id, seat_voter(poll, assembly.seats[1]).id, "yes")
    db.session.commit()
    assert "1 bulletin manquant" in client.get("/governance/").get_data(as_text=True)
