"""Milestones: submission with checked documents, validation only by the project's coaches."""

from __future__ import annotations

import io

from core.extensions import db
from modules.incubation.models import Document, ProjectMilestone
from modules.incubation.services import tracks
from tests.incubation.conftest import pdf_file


def first_milestone(world) -> ProjectMilestone:
    return tracks.project_milestones(world.project)[0]


def submit(client, world, pm, files):
    return client.post(
        f"/incubation/projects/{world.project.id}/milestones/{pm.id}/submit",
        data={f"m{pm.id}-files": files, f"m{pm.id}-note": "here it is"},
        content_type="multipart/form-data",
    )


def test_documents_are_checked_by_content_and_served_safely(world, make_project, client, login_as, app):
    pm = first_milestone(world)
    pm_id = pm.id
    login_as(world.holder)
    fake = submit(client, world, pm, [(io.BytesIO(b"<script>alert(1)</script>"), "study.pdf")])
    assert fake.status_code == 422
    assert "accept" in fake.get_data(as_text=True)  # "not accepted" / "pas accepté", on the files field
    assert f'id="m{pm_id}-files-error"' in fake.get_data(as_text=True)
    assert db.session.get(ProjectMilestone, pm_id).status == "pending"
    assert db.session.scalar(db.select(db.func.count()).select_from(Document)) == 0
    app.config["MAX_CONTENT_LENGTH"] = 64
    big = io.BytesIO(b"%PDF-1.4\n" + b"0" * 100)
    submit(client, world, db.session.get(ProjectMilestone, pm_id), [(big, "big.pdf")])
    assert db.session.get(ProjectMilestone, pm_id).status == "pending"
    app.config["MAX_CONTENT_LENGTH"] = 16 * 1024 * 1024

    ok = submit(client, world, db.session.get(ProjectMilestone, pm_id), [pdf_file("../../etc/passwd.pdf")])
    assert ok.status_code == 302
    doc = db.session.scalar(db.select(Document))
    assert doc.original_name == "passwd.pdf" and doc.stored_name.startswith("incubation/")
    assert "passwd" not in doc.stored_name
    response = client.get(f"/incubation/documents/{doc.id}")
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("attachment")

    other_holder, _other = make_project("accepted", world.track, name="Projet Aubusson")
    client.post("/logout")
    login_as(other_holder)
    assert client.get(f"/incubation/documents/{doc.id}").status_code == 404
    client.post("/logout")
    login_as(world.coach)
    assert client.get(f"/incubation/documents/{doc.id}").status_code == 200


def test_only_a_coach_of_the_project_validates(world, make_user, client, login_as, api_token):
    pm = first_milestone(world)
    tracks.submit_milestone(world.holder, world.project, pm, "", [_storage()])
    db.session.commit()
    url = f"/api/v1/incubation/projects/{world.project.id}/milestones/{pm.id}/review"
    assert client.post(url, json={"decision": "validate"}, headers=api_token(world.holder)).status_code == 403
    assert client.post(url, json={"decision": "validate"}, headers=api_token(world.outsider)).status_code == 404
    referent_headers = api_token(world.referent)
    assert client.post(url, json={"decision": "validate"}, headers=referent_headers).status_code == 404
    returned = client.post(url, json={"decision": "return"}, headers=api_token(world.coach))
    assert returned.status_code == 422 and returned.mimetype == "application/problem+json"
    done = client.post(url, json={"decision": "validate", "comment": "Well done"}, headers=api_token(world.coach))
    assert done.status_code == 200 and done.json["status"] == "validated"
    again = client.post(url, json={"decision": "validate"}, headers=api_token(world.coach))
    assert again.status_code == 409


def test_validating_a_whole_stage_opens_the_next_one_and_the_timeline_shows_it(world):
    for pm in tracks.project_milestones(world.project):
        tracks.submit_milestone(world.holder, world.project, pm, "", [_storage()])
        tracks.review_milestone(world.admin, world.project, pm, "validate", "")
    assert world.project.stage.position == 2
    from modules.incubation.services.reports import timeline

    kinds = [item.kind for item in timeline(world.holder, world.project)]
    assert kinds.count("milestone_done") == 2 and kinds.count("milestone_target") == 3
    last = tracks.project_milestones(world.project)[-1]
    tracks.submit_milestone(world.holder, world.project, last, "", [_storage()])
    tracks.review_milestone(world.coach, world.project, last, "validate", "")
    assert world.project.status == "completed"


def test_returned_milestone_can_be_submitted_again(world):
    pm = first_milestone(world)
    tracks.submit_milestone(world.holder, world.project, pm, "", [_storage()])
    tracks.review_milestone(world.coach, world.project, pm, "return", "Add the figures")
    assert pm.status == "returned" and pm.comment == "Add the figures"
    tracks.submit_milestone(world.holder, world.project, pm, "figures added", [])
    assert pm.status == "submitted" and len(pm.documents) == 1


def _storage():
    from werkzeug.datastructures import FileStorage

    stream, name = pdf_file()
    return FileStorage(stream=stream, filename=name)
