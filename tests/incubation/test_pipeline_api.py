"""Pipeline with stalled projects, chart, observatory indicators, API, bounded queries on lists."""

from __future__ import annotations

import pytest

from core.clock import day_start
from core.extensions import db
from modules.incubation.models import AuthorityVisit, Placement
from modules.incubation.services import hosting, reports
from tests.incubation.conftest import day


def test_stalled_projects_are_flagged(world, make_project, client, login_as):
    _h, idle = make_project("accepted", world.track, name="Projet endormi")
    idle.last_activity_at = day_start(day(-90))
    _h, late = make_project("accepted", world.track, name="Projet en retard")
    for pm in db.session.scalars(
        db.select(reports.ProjectMilestone).where(reports.ProjectMilestone.project_id == late.id)
    ):
        pm.target_date = day(-45)
    db.session.commit()
    rows = {row.project.name: row for group in reports.pipeline(world.admin).values() for row in group}
    assert rows["Projet endormi"].stalled and rows["Projet en retard"].stalled
    assert not rows["Projet Vierzon"].stalled
    login_as(world.admin)
    page = client.get("/incubation/pipeline").get_data(as_text=True)
    assert page.count("table-warning") == 2
    chart = client.get("/incubation/pipeline/chart.svg")
    assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
    assert "Projet Vierzon" in client.get("/incubation/pipeline?q=Vierzon").get_data(as_text=True)


def test_pipeline_is_for_the_coordinator_only(world, client, login_as):
    login_as(world.coach)
    assert client.get("/incubation/pipeline").status_code == 403
    assert client.get("/incubation/pipeline/chart.svg").status_code == 403


def test_observatory_indicators(world, app):
    from core.plugins import collect

    placement = hosting.request_placement(
        world.holder,
        project_id=world.project.id,
        host_site_id=world.site.id,
        kind="immersion",
        start=day(10),
        end=day(12),
    )
    hosting.decide_placement(world.referent, placement, True)
    db.session.add(
        AuthorityVisit(
            host_site_id=world.site.id,
            authority="Ville de Tours",
            visited_on=day(0),
            place="Tours",
            recorded_by_id=world.admin.id,
        )
    )
    db.session.flush()
    figures = {
        i.code: i.values
        for i in collect("erp_observatory_indicators", start=day(0), end=day(30), organization_ids=None)
    }
    assert figures["incubation.projects"] == {world.project.organization_id: 1}
    assert figures["incubation.placement_days"] == {world.host_org.id: 3}
    assert figures["incubation.authority_visits"] == {world.host_org.id: 1}
    before = {
        i.code: i.values
        for i in collect("erp_observatory_indicators", start=day(-60), end=day(-30), organization_ids=None)
    }
    assert before["incubation.placement_days"] == {}
    for chosen in ({world.host_org.id}, {world.project.organization_id}, set()):
        some = {
            i.code: i.values
            for i in collect("erp_observatory_indicators", start=day(0), end=day(30), organization_ids=chosen)
        }
        for code in ("incubation.projects", "incubation.placement_days", "incubation.authority_visits"):
            assert some[code] == {org: v for org, v in figures[code].items() if org in chosen}


def test_api_placement_flow_and_problems(world, client, api_token):
    holder, referent = api_token(world.holder), api_token(world.referent)
    bad = client.post(
        "/api/v1/incubation/placements",
        headers=holder,
        json={
            "project_id": world.project.id,
            "host_site_id": world.site.id,
            "kind": "immersion",
            "start_date": day(9).isoformat(),
            "end_date": day(5).isoformat(),
        },
    )
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
    garbage = client.post("/api/v1/incubation/placements", headers=holder, json={"kind": "boat", "start_date": "x"})
    assert garbage.status_code == 422
    created = client.post(
        "/api/v1/incubation/placements",
        headers=holder,
        json={
            "project_id": world.project.id,
            "host_site_id": world.site.id,
            "kind": "visit",
            "start_date": day(9).isoformat(),
        },
    )
    assert created.status_code == 201 and created.json["status"] == "requested"
    pid = created.json["id"]
    assert (
        client.post(f"/api/v1/incubation/placements/{pid}/decision", headers=holder, json={"accept": True}).status_code
        == 403
    )
    decided = client.post(f"/api/v1/incubation/placements/{pid}/decision", headers=referent, json={"accept": True})
    assert decided.status_code == 200 and decided.json["status"] == "accepted"
    listing = client.get("/api/v1/incubation/placements", headers=referent).json
    assert listing["total"] == 1
    outsider = api_token(world.outsider)
    assert client.get("/api/v1/incubation/placements", headers=outsider).json["total"] == 0
    timeline = client.get(f"/api/v1/incubation/projects/{world.project.id}/timeline", headers=holder).json
    assert [item["day"] for item in timeline if item["kind"] == "placement"] == [day(9).isoformat()]


def test_api_tracks_applications_and_visits(world, make_project, client, api_token):
    admin = api_token(world.admin)
    made = client.post(
        "/api/v1/incubation/tracks",
        headers=admin,
        json={"name": "Launch", "stages": [{"name": "Opening", "milestones": [{"name": "Open", "target_days": 30}]}]},
    )
    assert made.status_code == 201 and made.json["stages"][0]["milestones"][0]["name"] == "Open"
    assert (
        client.post("/api/v1/incubation/tracks", headers=api_token(world.coach), json={"name": "X"}).status_code == 403
    )
    holder, project = make_project("draft", name="Projet Tulle")
    headers = api_token(holder)
    unknown = client.post(
        f"/api/v1/incubation/projects/{project.id}/application",
        headers=headers,
        json={"track_id": 9999, "motivation": "Please"},
    )
    assert unknown.status_code == 422
    sent = client.post(
        f"/api/v1/incubation/projects/{project.id}/application",
        headers=headers,
        json={"track_id": made.json["id"], "motivation": "Please"},
    )
    assert sent.status_code == 200 and sent.json["status"] == "submitted"
    reviewed = client.post(
        f"/api/v1/incubation/projects/{project.id}/review", headers=admin, json={"decision": "accept"}
    )
    assert reviewed.json["status"] == "accepted"
    future = client.post(
        "/api/v1/incubation/visits",
        headers=admin,
        json={"authority": "Ville", "visited_on": day(3).isoformat(), "place": "Tulle"},
    )
    assert future.status_code == 422
    visit = client.post(
        "/api/v1/incubation/visits",
        headers=admin,
        json={
            "authority": "Ville de Tulle",
            "visited_on": day(-3).isoformat(),
            "place": "Tulle",
            "project_id": project.id,
        },
    )
    assert visit.status_code == 201
    assert client.get("/api/v1/incubation/visits", headers=headers).json["total"] == 1
    assert client.get("/api/v1/incubation/visits", headers=api_token(world.holder)).json["total"] == 0


@pytest.mark.parametrize(
    "url", ["/incubation/placements", "/incubation/projects", "/incubation/sites", "/incubation/visits"]
)
def test_lists_run_a_bounded_number_of_queries(world, make_project, client, login_as, query_counter, url):
    login_as(world.admin)

    def add(n):
        for i in range(n):
            holder, project = make_project("accepted", world.track, name=f"Projet {url} {n} {i}")
            db.session.add(
                Placement(
                    host_site_id=world.site.id,
                    project_id=project.id,
                    holder_id=holder.id,
                    requested_by_id=holder.id,
                    kind="visit",
                    start_date=day(5 + i),
                    end_date=day(5 + i),
                )
            )
            db.session.add(
                AuthorityVisit(
                    project_id=project.id,
                    host_site_id=world.site.id,
                    authority="Ville",
                    visited_on=day(-1),
                    place="Ici",
                    recorded_by_id=world.admin.id,
                )
            )
            db.session.add(
                hosting.HostSite(
                    organization_id=world.host_org.id,
                    name=f"Site {n} {i}",
                    address="a",
                    capacity=1,
                    referent_id=world.referent.id,
                )
            )
        db.session.commit()

    def count():
        with query_counter() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    add(2)
    small = count()
    add(18)
    assert count() == small
