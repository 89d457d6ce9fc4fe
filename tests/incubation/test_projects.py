"""Sign-up with e-mail confirmation, applications and review, privacy of projects and journals."""

from __future__ import annotations

import re

import pytest

from core.accounts.models import User
from core.errors import Conflict, DomainError
from core.extensions import db
from core.mail import OutgoingMail
from modules.incubation.models import Project
from modules.incubation.services import projects

SIGNUP = {
    "name": "Amina Diallo",
    "email": "amina@projet.example",
    "password": "ressources-2026",
    "confirm": "ressources-2026",
    "project_name": "Ressourcerie de Vierzon",
    "territory": "Vierzon",
    "needs": "A place",
}


def confirmation_link(address: str) -> str:
    mail = db.session.scalar(db.select(OutgoingMail).where(OutgoingMail.to_address == address))
    return re.search(r"http://\S+/incubation/confirm/\S+", mail.body).group(0).split("5000", 1)[1]


def test_sign_up_confirm_then_apply(world, client, login_as):
    response = client.post("/incubation/signup", data=SIGNUP)
    assert response.status_code == 200 and "amina@projet.example" in response.get_data(as_text=True)
    user = db.session.scalar(db.select(User).where(User.email == "amina@projet.example"))
    project = db.session.scalar(db.select(Project).where(Project.organization_id.in_(user.organization_ids)))
    assert user.email_confirmed_at is None and project.status == "draft"
    assert user.roles == {"project_holder"}

    login_as(user, "ressources-2026")
    refused = client.post(
        f"/incubation/projects/{project.id}/apply",
        data={"apply-track_id": world.track.id, "apply-motivation": "Help us"},
    )
    assert refused.status_code == 422 and "onfirm" in refused.get_data(as_text=True)
    assert db.session.get(Project, project.id).status == "draft"

    assert client.get(confirmation_link(user.email)).status_code == 302
    assert db.session.get(User, user.id).email_confirmed_at is not None
    unknown = client.post(
        f"/incubation/projects/{project.id}/apply", data={"apply-track_id": 99999, "apply-motivation": "Help us"}
    )
    assert unknown.status_code == 422 and "Help us" in unknown.get_data(as_text=True)
    done = client.post(
        f"/incubation/projects/{project.id}/apply",
        data={"apply-track_id": world.track.id, "apply-motivation": "Help us"},
    )
    assert done.status_code == 302
    assert db.session.get(Project, project.id).status == "submitted"


@pytest.mark.parametrize(
    "change,field_words",
    [
        ({"email": "not-an-address"}, "email"),
        ({"password": "short", "confirm": "short"}, "10"),
        ({"confirm": "different-2026"}, "differ"),
        ({"project_name": ""}, "project_name"),
        ({"project_name": "x" * 300}, "project_name"),
        ({"name": " "}, "name"),
    ],
)
def test_sign_up_bad_input_writes_nothing(world, client, change, field_words):
    response = client.post("/incubation/signup", data={**SIGNUP, **change})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "is-invalid" in page
    assert db.session.scalar(db.select(User).where(User.email == "amina@projet.example")) is None


def test_sign_up_duplicates_are_refused_on_their_field(world, client):
    client.post("/incubation/signup", data=SIGNUP)
    again = client.post("/incubation/signup", data={**SIGNUP, "project_name": "Another name"})
    assert "is-invalid" in again.get_data(as_text=True)
    same_project = client.post("/incubation/signup", data={**SIGNUP, "email": "other@projet.example"})
    page = same_project.get_data(as_text=True)
    assert 'id="project_name-error"' in page
    assert db.session.scalar(db.select(User).where(User.email == "other@projet.example")) is None


def test_tampered_confirmation_link_is_refused(world, client):
    client.post("/incubation/signup", data=SIGNUP)
    response = client.get("/incubation/confirm/not-a-token")
    assert response.status_code == 302
    assert db.session.scalar(db.select(User).where(User.email == SIGNUP["email"])).email_confirmed_at is None


def test_review_accept_refuse_and_ask_for_more(world, make_project):
    holder, project = make_project("submitted", world.track, name="Projet Aubusson")
    with pytest.raises(DomainError) as error:
        projects.review(world.admin, project, "refuse", "")
    assert error.value.field == "note"
    projects.review(world.admin, project, "more", "Who is in the team?")
    assert project.status == "needs_info"
    projects.apply(holder, project, world.track.id, "Here is the team")
    projects.review(world.admin, project, "accept", "")
    assert project.status == "accepted" and project.stage.position == 1
    with pytest.raises(Conflict):
        projects.review(world.admin, project, "refuse", "too late")
    subjects = [
        m.subject for m in db.session.scalars(db.select(OutgoingMail).where(OutgoingMail.to_address == holder.email))
    ]
    assert len(subjects) == 2


def test_holder_sees_only_their_own_project(world, make_project, client, login_as, api_token):
    _other_holder, other = make_project("accepted", world.track, name="Projet Aubusson")
    login_as(world.holder)
    assert client.get(f"/incubation/projects/{world.project.id}").status_code == 200
    assert client.get(f"/incubation/projects/{other.id}").status_code == 404
    assert client.post(f"/incubation/projects/{other.id}/describe", data={"project-team": "x"}).status_code == 404
    listing = client.get("/incubation/projects").get_data(as_text=True)
    assert "Projet Vierzon" in listing and "Projet Aubusson" not in listing
    headers = api_token(world.holder)
    assert client.get(f"/api/v1/incubation/projects/{other.id}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/incubation/projects/{other.id}/timeline", headers=headers).status_code == 404
    assert client.get("/api/v1/incubation/projects", headers=headers).json["total"] == 1


def test_journal_is_private_to_coaches_and_coordinator(world, client, login_as):
    projects.write_journal(world.coach, world.project, "Confidential: the team hesitates", None)
    db.session.commit()
    for person, visible in ((world.coach, True), (world.admin, True), (world.holder, False)):
        login_as(person)
        page = client.get(f"/incubation/projects/{world.project.id}").get_data(as_text=True)
        assert ("Confidential" in page) is visible
        client.post("/logout")
    login_as(world.holder)
    response = client.post(f"/incubation/projects/{world.project.id}/journal", data={"journal-body": "mine"})
    assert response.status_code == 404
    with pytest.raises(DomainError):
        projects.write_journal(world.outsider, world.project, "x", None)


def test_only_the_coordinator_assigns_coaches_and_holders_cannot_coach(world):
    with pytest.raises(Exception) as denied:
        projects.assign_coach(world.coach, world.project, world.outsider.id)
    assert type(denied.value).__name__ == "PermissionDenied"
    with pytest.raises(DomainError) as error:
        projects.assign_coach(world.admin, world.project, world.holder.id)
    assert error.value.field == "user_id"
    with pytest.raises(Conflict):
        projects.assign_coach(world.admin, world.project, world.coach.id)
    projects.assign_coach(world.admin, world.project, world.outsider.id)
    assert {c.user_id for c in world.project.coaches} == {world.coach.id, world.outsider.id}


def test_sign_ups_from_one_address_are_throttled(make_app, erp_modules):
    """Each sign-up sends a mail: counted per address like a password reset, shared by every worker."""
    app = make_app(erp_modules, LOGIN_THROTTLE_ENABLED=True, LOGIN_LIMITS="2 per minute")
    client = app.test_client()
    codes = [
        client.post("/incubation/signup", data={**SIGNUP, "email": f"holder{n}@projet.example"}).status_code
        for n in range(3)
    ]
    assert codes[2] == 429 and 429 not in codes[:2]
    with app.app_context():
        assert db.session.scalar(db.select(User).where(User.email == "holder2@projet.example")) is None
