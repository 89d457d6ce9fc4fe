"""Core's one request lifecycle: a successful write is committed and its jobs handed over after the
commit; a refusal is rolled back and shown the same way on a page and in problem+json; a constraint
refused at commit is a 409; a GET keeps nothing unless it asks to."""

import pytest
from flask import Blueprint

from core import jobs
from core.extensions import db
from core.web.lifecycle import keep_writes
from exemplar.jobs import touch_note
from exemplar.models import Note


@pytest.fixture
def writer(make_user, make_org):
    org = make_org()
    return make_user("member_manager", org=org), org


def notes() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Note.text).order_by(Note.id)))


def test_a_successful_write_is_committed_once_answered(client, login_as, writer):
    user, org = writer
    login_as(user)
    response = client.post("/exemplar/notes", data={"organization_id": org.id, "text": "Van mardi"})
    assert response.status_code == 302 and notes() == ["Van mardi"]


def test_a_refusal_is_rolled_back_and_shown(client, login_as, writer):
    user, org = writer
    login_as(user)
    response = client.post("/exemplar/notes", data={"organization_id": org.id, "text": "x" * 300})
    assert response.status_code == 302 and notes() == []
    with client.session_transaction() as session:
        assert ("danger", "A note has 1 to 200 characters.") in session["_flashes"]


def test_the_api_gives_the_same_refusal_as_problem_json(client, api_token, writer):
    user, org = writer
    response = client.post(
        "/api/v1/exemplar/notes", json={"organization_id": org.id, "text": " "}, headers=api_token(user)
    )
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert response.json["errors"] == {"text": ["A note has 1 to 200 characters."]}
    assert notes() == []
    created = client.post(
        "/api/v1/exemplar/notes", json={"organization_id": org.id, "text": "ok"}, headers=api_token(user)
    )
    assert created.status_code == 201 and notes() == ["ok"]


def _test_routes(app):
    bp = Blueprint("lifecycle_test", __name__)

    @bp.get("/lifecycle/get-write")
    def get_write():
        db.session.add(Note(organization_id=int(app.config["TEST_ORG"]), text="from a GET"))
        db.session.flush()
        return "ok"

    @bp.get("/lifecycle/get-keep")
    def get_keep():
        db.session.add(Note(organization_id=int(app.config["TEST_ORG"]), text="kept"))
        keep_writes()
        return "ok"

    @bp.post("/lifecycle/duplicate")
    def duplicate():
        # Two rows with one unique key: the database refuses at commit, after the view answered.
        note = Note(organization_id=int(app.config["TEST_ORG"]), text="first")
        db.session.add(note)
        db.session.flush()
        jobs.enqueue(touch_note, note.id)
        db.session.add(jobs.Job(func="x", args="[]", key="same"))
        db.session.add(jobs.Job(func="y", args="[]", key="same"))
        return "saved", 200

    @bp.post("/lifecycle/enqueue")
    def enqueue():
        note = Note(organization_id=int(app.config["TEST_ORG"]), text="ticked")
        db.session.add(note)
        db.session.flush()
        jobs.enqueue(touch_note, note.id)
        return "saved", 200

    app.register_blueprint(bp)


@pytest.fixture
def test_client(app, make_org):
    app.config["TEST_ORG"] = make_org().id
    _test_routes(app)
    return app.test_client()


def test_a_get_keeps_nothing_unless_it_asks(test_client):
    assert test_client.get("/lifecycle/get-write").status_code == 200
    assert notes() == []
    assert test_client.get("/lifecycle/get-keep").status_code == 200
    assert notes() == ["kept"]


def test_a_constraint_refused_at_commit_is_a_409_and_nothing_is_kept(test_client):
    db.session.commit()
    response = test_client.post("/lifecycle/duplicate")
    assert response.status_code == 409
    assert notes() == [] and db.session.scalar(db.select(db.func.count()).select_from(jobs.Job)) == 0


def test_jobs_are_handed_over_after_the_commit(test_client):
    db.session.commit()
    assert test_client.post("/lifecycle/enqueue").status_code == 200
    db.session.expire_all()
    note = db.session.scalar(db.select(Note))
    assert note.ticks == 1  # run in-process once the write was committed
