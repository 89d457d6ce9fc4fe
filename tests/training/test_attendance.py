"""Attendance per half-day, the sign-in sheet, certificates (only for people marked present) with
a public verification, and the satisfaction survey."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.accounts.permissions import PermissionDenied
from core.errors import Conflict, DomainError
from core.extensions import db
from modules.training.models import Attendance, Certificate
from modules.training.services import attendance as svc
from modules.training.services import feedback
from tests.training.conftest import shift_to_past


@pytest.fixture
def past_session(world, make_session, enrol_many):
    """A confirmed two-day session (four half-days of 3.5 h) that ended yesterday, three people."""
    session = make_session(seats=6, minimum=2, slots=4, start_in_days=4, go_days_before=1)
    people = enrol_many(session, 3, org_index=None)
    shift_to_past(session, 7)
    return session, people


def test_attendance_then_certificates_only_for_people_marked_present(world, past_session):
    session, (alice, bob, carol) = past_session
    slots = session.slots
    for index, slot in enumerate(slots):
        svc.record_attendance(world.trainer_user, slot.id, {alice.id: True, bob.id: index < 2, carol.id: False})
    db.session.commit()
    issued = svc.issue_certificates(world.trainer_user, session.id)
    db.session.commit()
    by_person = {c.enrolment_id: c for c in issued}
    assert set(by_person) == {alice.id, bob.id}
    assert by_person[alice.id].hours == Decimal("14.000") and by_person[bob.id].hours == Decimal("7.000")
    assert len(by_person[alice.id].code) >= 24 and by_person[alice.id].code != by_person[bob.id].code
    assert svc.issue_certificates(world.trainer_user, session.id) == []  # idempotent
    assert svc.certificate_pdf(by_person[alice.id]).startswith(b"%PDF")


def test_attendance_for_someone_not_enrolled_writes_nothing(world, past_session, make_session, enrol_many):
    session, (alice, _bob, _carol) = past_session
    other = enrol_many(make_session(), 1, prefix="other")[0]
    with pytest.raises(DomainError) as refused:
        svc.record_attendance(world.coordinator, session.slots[0].id, {alice.id: True, other.id: True})
    assert refused.value.field == "presence" and str(other.id) in refused.value.message
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(Attendance.id))) == 0


def test_attendance_is_for_the_sessions_trainer_or_the_coordinator(world, past_session):
    session, (alice, _bob, _carol) = past_session
    with pytest.raises(PermissionDenied):
        svc.record_attendance(world.managers[0], session.slots[0].id, {alice.id: True})


def test_attendance_and_certificates_wait_for_the_session(world, make_session, enrol_many):
    session = make_session(start_in_days=5)
    alice = enrol_many(session, 1)[0]
    with pytest.raises(Conflict, match="L'appel s'ouvre"):
        svc.record_attendance(world.coordinator, session.slots[0].id, {alice.id: True})
    with pytest.raises(Conflict, match="dernière demi-journée"):
        svc.issue_certificates(world.coordinator, session.id)


def test_sign_in_sheet_has_a_line_per_participant(world, past_session):
    session, _people = past_session
    pdf = svc.sign_in_sheet(session)
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000


def test_public_verification_page_and_api(client, world, past_session):
    session, (alice, _bob, _carol) = past_session
    svc.record_attendance(world.coordinator, session.slots[0].id, {alice.id: True})
    certificate = svc.issue_certificates(world.coordinator, session.id)[0]
    db.session.commit()
    code = certificate.code
    page = client.get(f"/training/verify/{code}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "person 0" in text and "<svg" in text
    assert client.get(f"/training/verify?code={code}").status_code == 200
    assert client.get("/training/verify/not-a-real-code").status_code == 404
    api = client.get(f"/api/v1/training/certificates/{code}")
    assert api.status_code == 200 and api.json["hours"] == "3.500" and api.json["participant"] == "person 0"
    missing = client.get("/api/v1/training/certificates/nope")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    pdf = client.get(f"/training/certificates/{code}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"


def test_survey_after_the_session_and_results(client, world, past_session):
    from modules.training import jobs

    session, (alice, bob, carol) = past_session
    svc.record_attendance(world.coordinator, session.slots[0].id, {alice.id: True, bob.id: True})
    db.session.commit()
    jobs.send_surveys()
    db.session.commit()
    assert alice.survey_sent_at is not None and carol.survey_sent_at is None  # carol never came
    url = f"/training/survey/{alice.survey_token}"
    assert client.get(url).status_code == 200
    bad = client.post(url, data={"overall": "9", "content": "4", "trainer": "5"})
    assert bad.status_code == 422 and "is-invalid" in bad.get_data(as_text=True)
    assert (
        client.post(url, data={"overall": "5", "content": "4", "trainer": "5", "comment": "Très utile"}).status_code
        == 302
    )
    with pytest.raises(Conflict):
        feedback.submit_survey(alice.survey_token, 1, 1, 1)
    db.session.rollback()
    feedback.submit_survey(bob.survey_token, 3, 3, 4)
    results = feedback.survey_results(session_id=session.id)
    assert (results.responses, results.overall, results.trainer) == (2, Decimal("4.0"), Decimal("4.5"))
    assert results.comments == ["Très utile"]
    assert feedback.survey_results(course_id=session.course_id).responses == 2
    assert client.get("/training/survey/unknown-token").status_code == 404


def test_no_certificate_without_presence(world, past_session):
    session, _people = past_session
    assert svc.issue_certificates(world.coordinator, session.id) == []
    assert db.session.scalar(db.select(db.func.count(Certificate.id))) == 0


def test_certificates_page_issues_and_links_them(client, login_as, world, past_session):
    session, (alice, _bob, _carol) = past_session
    svc.record_attendance(world.coordinator, session.slots[0].id, {alice.id: True})
    db.session.commit()
    login_as(world.trainer_user)
    url = f"/training/sessions/{session.id}/certificates"
    assert client.post(url).status_code == 302
    page = client.get(url).get_data(as_text=True)
    code = db.session.scalars(db.select(Certificate.code)).one()
    assert f"/training/certificates/{code}.pdf" in page and "Jamais noté présent" in page
