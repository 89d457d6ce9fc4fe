"""The coordinator's follow-up: who has not reported, reminders before the due date, hooks."""

import os
from datetime import UTC, datetime

import pytest
from freezegun import freeze_time

from core.extensions import db
from core.mail import OutgoingMail
from core.plugins import collect
from modules.observatory.jobs import remind_before_due
from modules.observatory.models import Period, Reminder
from modules.observatory.services import coordination
from tests.observatory.conftest import fill


def _mails():
    return sorted(m.to_address for m in db.session.scalars(db.select(OutgoingMail)))


def test_follow_up_lists_who_has_not_reported(obs):
    fill(obs.manager_a, obs.org_a, obs.q1, collected_toys="1")
    assert coordination.missing(obs.q1) == [obs.org_b]
    assert [org for org, report in coordination.follow_up(obs.q1) if report] == [obs.org_a]


def test_the_scheduled_job_reminds_once_the_week_before_the_due_date(obs):
    assert "observatory.remind_before_due" in [job.name for job in collect("erp_scheduled_jobs")]
    fill(obs.manager_a, obs.org_a, obs.q2, collected_toys="1")
    with freeze_time("2025-07-10"):
        remind_before_due()
        assert _mails() == []
    with freeze_time("2025-07-26"):
        remind_before_due()
        remind_before_due()
        db.session.commit()
    assert _mails() == [obs.manager_b.email]
    mail = db.session.scalar(db.select(OutgoingMail))
    assert "31/07/2025" in mail.subject and f"/observatory/structures/{obs.org_b.id}/periods/{obs.q2.id}" in mail.body
    assert db.session.scalar(db.select(db.func.count(Reminder.id))) == 1


def test_the_coordinator_reminds_now_from_the_follow_up_page(obs, client, login_as):
    login_as(obs.coordinator)
    assert client.get(f"/observatory/periods/{obs.q1.id}").status_code == 200
    assert client.post(f"/observatory/periods/{obs.q1.id}/remind").status_code == 302
    assert client.post(f"/observatory/periods/{obs.q1.id}/remind").status_code == 302
    assert _mails() == sorted([obs.manager_a.email, obs.manager_b.email] * 2)
    csv = client.get(f"/observatory/periods/{obs.q1.id}/follow-up.csv").get_data(as_text=True)
    assert "Ressourcerie B;missing" in csv


@pytest.mark.skipif(
    os.environ.get("TEST_ERP_MODULES") == "all", reason="asserts the exact contributions of a known module set"
)
def test_widgets_calendar_and_menu(app, obs):
    fill(obs.manager_a, obs.org_a, obs.q1, collected_toys="1")
    with app.test_request_context():
        coordinator_widgets = {str(w.title): w for w in collect("erp_dashboard_widgets", user=obs.coordinator)}
        assert "/observatory/periods" in coordinator_widgets["Activity reports to validate"].render()
        member_widgets = {str(w.title): w for w in collect("erp_dashboard_widgets", user=obs.manager_a)}
        assert f"periods/{obs.q2.id}" in member_widgets["Activity reports to fill"].render()
        # The chart card: the region for the coordinator, one's own structure for a member.
        assert "/observatory/charts/flows.svg?year=" in coordinator_widgets["Activity at a glance"].render()
        assert f"charts/flows.svg?org={obs.org_a.id}" in member_widgets["Activity at a glance"].render()
    events = collect(
        "erp_calendar_events",
        user=obs.manager_a,
        start=datetime(2025, 1, 1, tzinfo=UTC),
        end=datetime(2025, 12, 31, tzinfo=UTC),
        limit=None,
    )
    assert [e.start for e in events] == [obs.q1.due_on, obs.q2.due_on]
    assert (
        collect(
            "erp_calendar_events",
            user=obs.staff_a,
            start=datetime(2025, 1, 1, tzinfo=UTC),
            end=datetime(2025, 12, 31, tzinfo=UTC),
            limit=None,
        )
        == []
    )
    assert {i.endpoint for i in collect("erp_menu_items", user=obs.manager_a)} >= {"observatory.index"}


def test_calendar_gives_the_earliest_due_dates_with_a_link(app, obs):
    from modules.observatory.hooks import erp_calendar_events

    year = (datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 12, 31, tzinfo=UTC))
    first = erp_calendar_events(obs.coordinator, *year, limit=1)
    assert [(e.start, e.url) for e in first] == [(obs.q1.due_on, f"/observatory/periods/{obs.q1.id}")]
    assert {e.url for e in erp_calendar_events(obs.manager_a, *year, limit=None)} == {"/observatory/"}


def test_postgresql_itself_refuses_overlapping_periods(obs):
    from sqlalchemy.exc import IntegrityError

    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite relies on the serialized check of create_period")
    db.session.add(
        Period(
            kind="month",
            year=2025,
            number=2,
            start_on=obs.q1.start_on.replace(month=2),
            end_on=obs.q1.start_on.replace(month=3),
            due_on=obs.q1.due_on,
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_reminders_reach_a_real_smtp_server_in_each_recipients_language(obs, make_user, client, login_as, smtp_server):
    make_user("member_manager", obs.org_b, locale="en")
    login_as(obs.coordinator)
    assert client.post(f"/observatory/periods/{obs.q1.id}/remind").status_code == 302
    subjects = sorted(str(m["Subject"]) for m in smtp_server.messages)
    assert len(subjects) == 3
    assert "Activity report due on 30/04/2025" in subjects
    assert subjects.count("Rapport d’activité à rendre le 30/04/2025") == 2
