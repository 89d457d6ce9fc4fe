"""The pages' forms: refused input stays on the form with the field marked, one id per field, lists
searchable, and the dashboard links straight to what needs an answer."""

from __future__ import annotations

from core.extensions import db
from modules.incubation.models import Coach, Placement, ProjectMilestone
from modules.incubation.services import hosting, tracks, visits
from tests.incubation.conftest import day, pdf_file


def request_immersion(world) -> Placement:
    placement = hosting.request_placement(
        world.holder,
        project_id=world.project.id,
        host_site_id=world.site.id,
        kind="immersion",
        start=day(5),
        end=day(6),
    )
    db.session.commit()
    return placement


def test_each_milestone_form_has_its_own_field_ids(world, client, login_as):
    login_as(world.holder)
    page = client.get(f"/incubation/projects/{world.project.id}").get_data(as_text=True)
    ids = [pm.id for pm in tracks.project_milestones(world.project)]
    for pm_id in ids:
        assert page.count(f'id="m{pm_id}-files"') == 1 and f'for="m{pm_id}-note"' in page


def test_a_returned_milestone_without_comments_keeps_the_decision_on_the_form(world, client, login_as):
    pm = tracks.project_milestones(world.project)[0]
    tracks.submit_milestone(world.holder, world.project, pm, "", [_upload()])
    db.session.commit()
    login_as(world.coach)
    response = client.post(
        f"/incubation/projects/{world.project.id}/milestones/{pm.id}/review",
        data={f"r{pm.id}-decision": "return", f"r{pm.id}-comment": ""},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="r{pm.id}-comment-error"' in page and '<option selected value="return">' in page
    assert db.session.get(ProjectMilestone, pm.id).status == "submitted"


def test_declining_without_a_reason_marks_the_message_field(world, client, login_as):
    placement = request_immersion(world)
    login_as(world.referent)
    response = client.post(f"/incubation/placements/{placement.id}/decline", data={"note": ""})
    assert response.status_code == 422 and 'id="note-error"' in response.get_data(as_text=True)
    assert db.session.get(Placement, placement.id).status == "requested"
    ok = client.post(f"/incubation/placements/{placement.id}/decline", data={"note": "Full that week"})
    assert ok.status_code == 302 and db.session.get(Placement, placement.id).status == "declined"


def test_coaches_are_chosen_among_the_network_not_among_holders(world, client, login_as, make_project):
    other_holder, _other = make_project("accepted", world.track, name="Projet Aubusson")
    login_as(world.admin)
    page = client.get(f"/incubation/projects/{world.project.id}").get_data(as_text=True)
    assert other_holder.email not in page and world.referent.email in page
    empty = client.post(f"/incubation/projects/{world.project.id}/coaches", data={"coach-user_id": "0"})
    assert empty.status_code == 422 and 'id="coach-user_id-error"' in empty.get_data(as_text=True)
    holder = client.post(f"/incubation/projects/{world.project.id}/coaches", data={"coach-user_id": other_holder.id})
    assert holder.status_code == 422
    assert db.session.scalar(db.select(db.func.count()).select_from(Coach)) == 1
    assert 'data-confirm="' in page  # removing a coach asks first


def test_placements_and_visits_are_searchable(world, client, login_as):
    request_immersion(world)
    visits.record_visit(
        world.admin,
        authority="Ville de Vierzon",
        visitors="",
        visited_on=day(-3),
        place="Mairie",
        project_id=world.project.id,
    )
    db.session.commit()
    login_as(world.admin)
    assert world.holder.name in client.get("/incubation/placements?q=charpente").get_data(as_text=True)
    assert world.holder.name in client.get("/incubation/placements?q=vierzon").get_data(as_text=True)
    none = client.get("/incubation/placements?q=limoges").get_data(as_text=True)
    assert world.holder.name not in none and "Aucun accueil ne correspond" in none
    assert "Ville de Vierzon" in client.get("/incubation/visits?q=vierzon").get_data(as_text=True)
    assert "Ville de Vierzon" not in client.get("/incubation/visits?q=tours").get_data(as_text=True)


def test_the_referents_dashboard_links_to_the_requests_waiting(world, client, login_as):
    request_immersion(world)
    login_as(world.referent)
    page = client.get("/dashboard").get_data(as_text=True)
    assert '/incubation/placements?status=requested">1 demande d&#39;accueil à traiter' in page


def _upload():
    from werkzeug.datastructures import FileStorage

    stream, name = pdf_file()
    return FileStorage(stream=stream, filename=name, content_type="application/pdf")
