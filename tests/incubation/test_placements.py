"""Placements: capacity per day, one holder in one place at a time, the host's offer, decisions."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from flask_babel import force_locale

from core.errors import Conflict, DomainError
from core.extensions import db
from modules.incubation.models import Placement
from modules.incubation.services import hosting
from tests.incubation.conftest import day


@pytest.fixture(autouse=True)
def english(app):
    """Messages are compared in English here; the French catalog is checked elsewhere."""
    with force_locale("en"):
        yield


def ask(user, world, start, end=None, kind="immersion", people=1, project=None, site=None):
    return hosting.request_placement(
        user,
        project_id=(project or world.project).id,
        host_site_id=(site or world.site).id,
        kind=kind,
        start=start,
        end=end,
        people=people,
    )


def test_capacity_is_counted_per_day(world, make_project):
    ask(world.holder, world, day(10), day(14), people=2)
    other_holder, other = make_project("accepted", world.track, name="Projet Aubusson")
    with pytest.raises(Conflict) as error:
        ask(other_holder, world, day(14), day(16), project=other)
    assert error.value.field == "start_date" and "full" in error.value.message
    assert ask(other_holder, world, day(15), day(16), project=other).status == "requested"


def test_declined_or_cancelled_frees_the_seats(world, make_project):
    placement = ask(world.holder, world, day(10), day(11), people=2)
    hosting.decide_placement(world.referent, placement, False, "Team on holiday")
    other_holder, other = make_project("accepted", world.track, name="Projet Aubusson")
    second = ask(other_holder, world, day(10), day(10), kind="visit", people=2, project=other)
    hosting.cancel_placement(other_holder, second)
    assert ask(world.holder, world, day(10), day(11), people=2).status == "requested"


def test_overlapping_placements_of_one_holder_are_refused(world, make_org):
    from modules.incubation.models import HostPeriod

    other_site = hosting.save_site(
        world.admin,
        None,
        organization_id=world.host_org.id,
        name="Second site",
        address="2 rue, Tours",
        capacity=5,
        learnings=[],
        description="",
        referent_id=world.referent.id,
    )
    db.session.add(HostPeriod(host_site_id=other_site.id, start_date=day(1), end_date=day(60)))
    ask(world.holder, world, day(10), day(12))
    with pytest.raises(Conflict) as error:
        ask(world.holder, world, day(12), day(12), kind="visit", site=other_site)
    assert "already has a placement" in error.value.message
    assert ask(world.holder, world, day(13), day(13), kind="visit", site=other_site).kind == "visit"


@pytest.mark.parametrize(
    "start,end,field,words",
    [
        (5, 3, "end_date", "before the start"),
        (0, 2, "start_date", "one day ahead"),
        (-3, 2, "start_date", "one day ahead"),
        (118, 125, "start_date", "outside its offer"),
        (2, 40, "end_date", "at most"),
    ],
)
def test_bad_dates_get_a_clear_message(world, start, end, field, words):
    with pytest.raises(DomainError) as error:
        ask(world.holder, world, day(start), day(end))
    assert error.value.field == field and words in error.value.message
    assert db.session.scalar(db.select(db.func.count()).select_from(Placement)) == 0


def test_a_visit_lasts_one_day_and_people_are_bounded(world):
    visit = ask(world.holder, world, day(3), day(9), kind="visit")
    assert visit.end_date == visit.start_date
    with pytest.raises(DomainError) as error:
        ask(world.holder, world, day(20), day(21), people=3)
    assert error.value.field == "people"


def test_only_the_referent_decides_and_acceptance_mails_an_ics(world, app):
    from core.mail import OutgoingMail

    placement = ask(world.holder, world, day(10), day(12))
    with pytest.raises(Exception) as denied:
        hosting.decide_placement(world.holder, placement, True)
    assert type(denied.value).__name__ == "PermissionDenied"
    with pytest.raises(DomainError) as error:
        hosting.decide_placement(world.referent, placement, False, "")
    assert error.value.field == "note"
    hosting.decide_placement(world.referent, placement, True, "Welcome")
    with pytest.raises(Conflict):
        hosting.decide_placement(world.referent, placement, False, "changed my mind")
    mail = db.session.scalar(
        db.select(OutgoingMail).where(OutgoingMail.to_address == world.holder.email, OutgoingMail.ics.is_not(None))
    )
    assert "BEGIN:VEVENT" in mail.ics and "La Charpente" in mail.ics


def test_report_only_after_the_placement(world):
    placement = ask(world.holder, world, day(10), day(12))
    hosting.decide_placement(world.referent, placement, True)
    with pytest.raises(DomainError) as error:
        hosting.write_report(world.referent, placement, "Good week")
    assert error.value.field == "report"
    placement.start_date, placement.end_date = day(-5), day(-2)
    hosting.write_report(world.referent, placement, "Good week")
    assert placement.report == "Good week"


def test_confirmed_placements_are_in_the_calendar_and_ics(world, client, login_as):
    placement = ask(world.holder, world, day(10), day(12))
    hosting.decide_placement(world.referent, placement, True)
    db.session.commit()
    from core.calendar import events_for
    from core.clock import day_start

    for person in (world.holder, world.referent, world.coach, world.admin):
        events = events_for(person, day_start(day(0)), day_start(day(30)))
        assert [e.uid for e in events] == [f"incubation-placement-{placement.id}"]
    assert events_for(world.outsider, day_start(day(0)), day_start(day(30))) == []
    login_as(world.holder)
    response = client.get(f"/incubation/placements/{placement.id}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert b"BEGIN:VCALENDAR" in response.data
    page = client.get("/calendar").get_data(as_text=True)
    assert "La Charpente" in page


def test_placement_form_keeps_input_and_shows_field_errors(world, client, login_as):
    login_as(world.holder)
    response = client.post(
        "/incubation/placements/new",
        data={
            "project_id": world.project.id,
            "host_site_id": world.site.id,
            "kind": "immersion",
            "start_date": day(8).isoformat(),
            "end_date": day(4).isoformat(),
            "people": "1",
            "message": "hello",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="end_date-error"' in page and "précéder le début" in page
    assert "hello" in page
    response = client.post(
        "/incubation/placements/new",
        data={"project_id": world.project.id, "host_site_id": "abc", "kind": "boat", "start_date": "31/31/2020"},
    )
    assert response.status_code == 422
    ok = client.post(
        "/incubation/placements/new",
        data={
            "project_id": world.project.id,
            "host_site_id": world.site.id,
            "kind": "immersion",
            "start_date": day(8).isoformat(),
            "end_date": day(9).isoformat(),
            "people": "1",
        },
    )
    assert ok.status_code == 302


def test_twenty_concurrent_requests_never_overfill_a_day(world, make_project, api_token, live_server):
    """20 holders ask at once for overlapping periods at a 2-seat site: no day ever holds more than 2."""
    site_id, capacity = world.site.id, world.site.capacity
    holders = []
    for n in range(20):
        holder, project = make_project("accepted", world.track, name=f"Projet concurrent {n}")
        holders.append((api_token(holder), project.id, n))
    db.session.commit()  # release SQLite's write lock before the clients need it

    def request(item):
        headers, project_id, n = item
        start = day(10 + n % 3)
        response = requests.post(
            f"{live_server}/api/v1/incubation/placements",
            headers=headers,
            timeout=60,
            json={
                "project_id": project_id,
                "host_site_id": site_id,
                "kind": "immersion",
                "start_date": start.isoformat(),
                "end_date": day(14).isoformat(),
            },
        )
        return response.status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        codes = list(pool.map(request, holders))
    assert set(codes) <= {201, 409}, codes
    db.session.rollback()
    rows = db.session.scalars(db.select(Placement).where(Placement.status == "requested")).all()
    assert len(rows) == codes.count(201) >= 1
    for offset in range(10, 15):
        assert sum(p.people for p in rows if p.start_date <= day(offset) <= p.end_date) <= capacity


def test_concurrent_requests_of_one_holder_never_overlap(world, api_token, live_server):
    from modules.incubation.models import HostPeriod

    other = hosting.save_site(
        world.admin,
        None,
        organization_id=world.host_org.id,
        name="Big site",
        address="3 rue, Tours",
        capacity=50,
        learnings=[],
        description="",
        referent_id=world.referent.id,
    )
    db.session.add(HostPeriod(host_site_id=other.id, start_date=day(1), end_date=day(60)))
    sites, project_id = [world.site.id, other.id], world.project.id
    headers = api_token(world.holder)  # commits, releasing SQLite's write lock

    def request(n):
        response = requests.post(
            f"{live_server}/api/v1/incubation/placements",
            headers=headers,
            timeout=60,
            json={
                "project_id": project_id,
                "host_site_id": sites[n % 2],
                "kind": "visit",
                "start_date": day(20).isoformat(),
            },
        )
        return response.status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        codes = list(pool.map(request, range(20)))
    assert sorted(codes) == [201] + [409] * 19


def test_referent_is_reminded_once_to_write_the_report(world):
    from core.mail import OutgoingMail
    from modules.incubation.jobs import remind_reports

    placement = ask(world.holder, world, day(10), day(12))
    hosting.decide_placement(world.referent, placement, True)
    placement.start_date, placement.end_date = day(-4), day(-1)
    db.session.flush()

    def reminders():
        return db.session.scalar(
            db.select(db.func.count())
            .select_from(OutgoingMail)
            .where(
                OutgoingMail.template == "incubation/mail/report_reminder.txt",
                OutgoingMail.to_address == world.referent.email,
            )
        )

    remind_reports()
    remind_reports()
    assert reminders() == 1
