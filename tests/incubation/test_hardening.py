"""Absurd input gets a message, on the pages and the API alike, and writes nothing: dates years away
(a typo in the year), numbers past what the database holds, ids in the query string."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from core.clock import PARIS
from core.extensions import db
from modules.incubation.models import AuthorityVisit, HostPeriod, JournalEntry, Milestone, Placement
from modules.incubation.services import hosting
from tests.incubation.conftest import day

FAR = date(9999, 12, 30)


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def open_until_year_9999(world) -> None:
    """An offer stored before the horizon rule existed: the placement rule must hold on its own."""
    db.session.add(HostPeriod(host_site_id=world.site.id, start_date=day(1), end_date=date(9999, 12, 31)))
    db.session.commit()


def test_a_period_years_ahead_is_refused_with_a_message(world, client, login_as):
    login_as(world.referent)
    before = count(HostPeriod)
    response = client.post(
        f"/incubation/sites/{world.site.id}", data={"start_date": day(2).isoformat(), "end_date": "9999-12-31"}
    )
    assert response.status_code == 422 and 'id="end_date-error"' in response.get_data(as_text=True)
    assert count(HostPeriod) == before


def test_a_placement_years_ahead_is_refused_on_the_page_and_the_api(world, client, login_as, api_token):
    open_until_year_9999(world)
    login_as(world.holder)
    for start in (FAR, day(366 * 3)):
        page = client.post(
            "/incubation/placements/new",
            data={
                "project_id": world.project.id,
                "host_site_id": world.site.id,
                "kind": "visit",
                "start_date": start.isoformat(),
                "people": 1,
            },
        )
        assert page.status_code == 422 and 'id="start_date-error"' in page.get_data(as_text=True)
        api = client.post(
            "/api/v1/incubation/placements",
            headers=api_token(world.holder),
            json={
                "project_id": world.project.id,
                "host_site_id": world.site.id,
                "kind": "visit",
                "start_date": start.isoformat(),
            },
        )
        assert api.status_code == 422 and api.mimetype == "application/problem+json"
        assert "start_date" in api.get_json()["errors"]
    assert count(Placement) == 0


def test_visits_and_journal_entries_before_2000_are_refused(world, client, login_as, api_token):
    login_as(world.admin)
    page = client.post(
        "/incubation/visits/new",
        data={"authority": "Ville", "visited_on": "0001-01-01", "place": "Mairie", "project_id": world.project.id},
    )
    assert page.status_code == 422 and 'id="visited_on-error"' in page.get_data(as_text=True)
    api = client.post(
        "/api/v1/incubation/visits",
        headers=api_token(world.admin),
        json={"authority": "Ville", "visited_on": "1999-12-31", "place": "Mairie", "project_id": world.project.id},
    )
    assert api.status_code == 422 and "visited_on" in api.get_json()["errors"]
    assert count(AuthorityVisit) == 0
    login_as(world.coach)
    journal = client.post(
        f"/incubation/projects/{world.project.id}/journal",
        data={"journal-written_on": "0001-01-01", "journal-body": "Met the team"},
    )
    assert journal.status_code == 422 and 'id="journal-written_on-error"' in journal.get_data(as_text=True)
    assert count(JournalEntry) == 0


def test_numbers_past_the_database_get_a_message_not_a_500(world, client, login_as, api_token):
    huge = str(2**63 + 1)
    login_as(world.admin)
    site = client.post(
        f"/incubation/sites/{world.site.id}/edit",
        data={
            "organization_id": world.host_org.id,
            "name": "La Charpente",
            "address": "1 rue, Tours",
            "capacity": huge,
            "referent_id": world.referent.id,
        },
    )
    assert site.status_code == 422 and 'id="capacity-error"' in site.get_data(as_text=True)
    stage = world.track.stages[0]
    milestones = count(Milestone)
    milestone = client.post(
        f"/incubation/tracks/{world.track.id}/stages/{stage.id}/milestones",
        data={"milestone-name": "Budget", "milestone-target_days": huge},
    )
    assert milestone.status_code == 422 and 'id="milestone-target_days-error"' in milestone.get_data(as_text=True)
    assert count(Milestone) == milestones
    assert client.get(f"/incubation/placements/new?site={huge}").status_code == 200
    assert client.get(f"/incubation/placements?page={huge}").status_code < 500
    login_as(world.holder)
    placement = client.post(
        "/incubation/placements/new",
        data={
            "project_id": world.project.id,
            "host_site_id": huge,
            "kind": "visit",
            "start_date": day(3).isoformat(),
            "people": huge,
        },
    )
    assert placement.status_code == 422 and 'id="people-error"' in placement.get_data(as_text=True)
    api = client.post(
        "/api/v1/incubation/placements",
        headers=api_token(world.holder),
        json={"project_id": world.project.id, "host_site_id": int(huge), "kind": "visit", "start_date": "2030-01-01"},
    )
    assert api.status_code == 422 and "host_site_id" in api.get_json()["errors"]
    assert count(Placement) == 0


def test_calendar_gives_the_earliest_placements_first_with_their_page(world, make_project, app):
    first = hosting.request_placement(
        world.holder, project_id=world.project.id, host_site_id=world.site.id, kind="visit", start=day(9), end=None
    )
    other_holder, other = make_project("accepted", world.track, name="Projet Aubusson")
    later = hosting.request_placement(
        other_holder, project_id=other.id, host_site_id=world.site.id, kind="visit", start=day(12), end=None
    )
    for placement in (later, first):
        hosting.decide_placement(world.referent, placement, True)
    start = datetime.combine(day(0), datetime.min.time(), PARIS)
    events = hosting.calendar_events(world.admin, start, start + timedelta(days=30), limit=1)
    assert [e.uid for e in events] == [f"incubation-placement-{first.id}"]
    assert events[0].url == f"/incubation/placements/{first.id}"
    assert len(hosting.calendar_events(world.admin, start, start + timedelta(days=30), None)) == 2
