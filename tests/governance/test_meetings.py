"""Bodies and terms, meetings: convocation within the notice period with .ics, quorum, proxies, reminders."""

from datetime import timedelta
from decimal import Decimal

import pytest

from core.clock import today
from core.db import utcnow
from core.errors import Conflict, DomainError
from core.extensions import db
from core.jobs import dispatch
from core.mail import OutgoingMail
from modules.governance.jobs import advance_polls, remind_voters
from modules.governance.models import Poll
from modules.governance.services import bodies, meetings, voting
from tests.governance.conftest import seat_voter


def test_terms_do_not_overlap_and_end(assembly, admin):
    with pytest.raises(Conflict):
        bodies.add_member(admin, assembly, organization_id=assembly.orgs[0].id, start_date=today())
    with pytest.raises(DomainError):
        bodies.add_member(
            admin,
            assembly,
            organization_id=assembly.orgs[0].id,
            start_date=today(),
            end_date=today() - timedelta(days=1),
        )
    bodies.end_term(admin, assembly.seats[0], today() - timedelta(days=1))
    db.session.commit()
    assert len(bodies.active_members(assembly.id, today())) == 3
    bodies.add_member(admin, assembly, organization_id=assembly.orgs[0].id, start_date=today())


def test_board_of_persons(admin, make_user):
    board = bodies.create_body(admin, "Board", "board", "person")
    with pytest.raises(DomainError):
        bodies.add_college(admin, board, "College", 50)
    person = make_user("board_member")
    bodies.add_member(admin, board, user_id=person.id, start_date=today(), role_title="Treasurer")
    db.session.commit()
    assert [m.label for m in bodies.seats_of(person, board.id, today())] == [person.name]


def _meeting(admin, body, days: float):
    meeting = meetings.create_meeting(
        admin,
        body,
        "AG",
        utcnow() + timedelta(days=days),
        utcnow() + timedelta(days=days, hours=2),
        "hybrid",
        "Tours",
        "https://visio.example/ag",
    )
    meetings.add_agenda_item(admin, meeting, "Accounts")
    db.session.commit()
    return meeting


def test_convocation_with_ics_within_the_notice_period(assembly, admin, smtp_server):
    late = _meeting(admin, assembly, 5)  # notice period is 10 days
    with pytest.raises(Conflict, match="10"):
        meetings.convene(admin, late.id)
    db.session.rollback()
    meeting = _meeting(admin, assembly, 20)
    assert meetings.convene(admin, meeting.id) == 4
    db.session.commit()
    dispatch()
    assert len(smtp_server.messages) == 4
    message = smtp_server.messages[0]
    assert "AG" in message["Subject"]
    attachments = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    assert attachments and b"BEGIN:VEVENT" in attachments[0].get_payload(decode=True)


def test_meeting_proxies_count_in_the_live_quorum(assembly, admin):
    meeting = _meeting(admin, assembly, 20)
    a, b, c, d = assembly.seats
    voting.grant_proxy(assembly.managers[1], b.id, a.id, meeting_id=meeting.id)
    meetings.record_attendance(admin, meeting, a.id, "present")
    db.session.commit()
    quorum = meetings.live_quorum(meeting)
    assert (quorum.present, quorum.represented, quorum.weight_in, quorum.weight_total) == (1, 1, 3, 5)
    assert quorum.reached  # 3 of 5 >= 50 %
    with pytest.raises(DomainError):
        meetings.record_attendance(admin, meeting, a.id, "dancing")


def test_bad_meeting_input(assembly, admin):
    now = utcnow()
    with pytest.raises(DomainError) as error:
        meetings.create_meeting(admin, assembly, "AG", now + timedelta(days=2), now + timedelta(days=1))
    assert error.value.field == "ends_at"
    with pytest.raises(DomainError) as error:
        meetings.create_meeting(admin, assembly, "AG", now, now + timedelta(hours=1), "online")
    assert error.value.field == "online_url"


def test_jobs_open_close_and_remind(assembly, make_poll, smtp_server):
    poll = make_poll(assembly, "yes_no", opened=False)
    poll.opens_at = utcnow() - timedelta(seconds=1)
    poll.closes_at = utcnow() + timedelta(hours=3)
    db.session.commit()
    advance_polls()
    assert db.session.get(Poll, poll.id).status == "open"
    voting.cast_ballot(assembly.managers[0], poll.id, seat_voter(poll, assembly.seats[0]).id, "yes")
    db.session.commit()
    remind_voters()
    remind_voters()  # idempotent: once per poll
    dispatch()
    assert sorted(m["To"] for m in smtp_server.messages) == sorted(m.email for m in assembly.managers[1:])
    assert db.session.scalar(db.select(db.func.count()).select_from(OutgoingMail)) == 3
    poll.closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    advance_polls()
    closed = db.session.get(Poll, poll.id)
    assert closed.status == "closed" and len(closed.result_hash) == 64


def test_weighted_quorum_decides(assembly, make_poll):
    poll = make_poll(assembly, "yes_no", quorum_kind="weight", quorum_percent=Decimal(50))
    # the heavy seat (2 of 5) alone: 40 % of the weight, quorum missed although it is 1 of 4 voters
    voting.cast_ballot(assembly.managers[0], poll.id, seat_voter(poll, assembly.seats[0]).id, "yes")
    db.session.commit()
    from modules.governance.services.results import poll_result
    from tests.governance.conftest import close_now

    close_now(poll)
    result = poll_result(poll)
    assert not result.tally.quorum.reached and not result.tally.passed


def test_observatory_indicators_and_calendar(assembly, admin, make_poll):
    from datetime import date

    from core.plugins import collect

    meeting = _meeting(admin, assembly, 20)
    meetings.record_attendance(admin, meeting, assembly.seats[0].id, "present")
    poll = make_poll(assembly, "yes_no")
    voting.cast_ballot(assembly.managers[1], poll.id, seat_voter(poll, assembly.seats[1]).id, "yes")
    db.session.commit()
    from tests.governance.conftest import close_now

    close_now(poll)
    start, end = date.today() - timedelta(days=5), date.today() + timedelta(days=60)
    indicators = {
        i.code: i.values for i in collect("erp_observatory_indicators", start=start, end=end, organization_ids=None)
    }
    assert indicators["governance.meetings_attended"] == {assembly.orgs[0].id: 1}
    assert indicators["governance.votes_cast"] == {assembly.orgs[1].id: 1}
    events = collect(
        "erp_calendar_events", user=assembly.managers[0], start=utcnow(), end=utcnow() + timedelta(days=30), limit=None
    )
    assert [e.uid for e in events] == [f"governance-meeting-{meeting.id}"]
