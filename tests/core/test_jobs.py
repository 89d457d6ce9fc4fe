"""The outbox: in-process runs, retries, once-per-minute ticks, Redis outages and a real RQ worker."""

from datetime import timedelta

import pytest

from core import jobs
from core.db import utcnow
from core.extensions import db
from exemplar.jobs import fail_always, touch_note
from exemplar.models import Note
from tests.faults.servers import run_worker_burst


@pytest.fixture
def note(app, make_org):
    note = Note(organization_id=make_org().id, text="n")
    db.session.add(note)
    db.session.commit()
    return note


def test_in_process_mode_runs_the_job_after_commit(app, note):
    job = jobs.enqueue(touch_note, note.id)
    db.session.rollback()  # the change that caused it did not happen: no job either
    assert db.session.scalar(db.select(db.func.count()).select_from(jobs.Job)) == 0
    job = jobs.enqueue(touch_note, note.id)
    db.session.commit()
    jobs.dispatch()
    db.session.refresh(job)
    db.session.refresh(note)
    assert job.status == "done" and job.attempts == 1 and note.ticks == 1
    assert jobs.run_job(job.id) == "skipped"  # a finished job never runs twice


def test_jobs_take_ids_not_objects(app, note):
    with pytest.raises(TypeError):
        jobs.enqueue(touch_note, note)


def test_failures_retry_with_backoff_then_are_listed_for_admins(app, note, client, make_user, login_as):
    failures = []
    from core import signals

    signals.job_failed.connect(lambda job, final: failures.append(final), weak=False)
    job = jobs.enqueue(fail_always, note.id)
    db.session.commit()
    jobs.dispatch()
    db.session.refresh(job)
    assert job.status == "pending" and job.attempts == 1 and "refuses" in job.last_error
    assert job.run_at > utcnow() + timedelta(seconds=20)
    for _ in range(job.max_attempts - 1):
        job.run_at = utcnow()
        db.session.commit()
        jobs.dispatch()
        db.session.refresh(job)
    assert job.status == "dead" and failures[-1] is True
    login_as(make_user("network_admin"))
    assert "RuntimeError: note" in client.get("/admin/jobs?status=dead").get_data(as_text=True)
    assert client.post(f"/admin/jobs/{job.id}/retry").status_code == 302
    db.session.refresh(job)
    assert job.status == "pending" and job.attempts == 0


def test_scheduled_ticks_run_once_per_period_across_workers(app, note):
    now = utcnow()
    assert jobs.tick(now) == 1
    assert jobs.tick(now) == 0  # a second worker ticking the same minute adds nothing
    jobs.dispatch()
    db.session.refresh(note)
    assert note.ticks == 1


def test_stale_running_job_is_recovered(app, note):
    job = jobs.enqueue(touch_note, note.id)
    db.session.commit()
    job.status, job.started_at = "running", utcnow() - timedelta(hours=1)
    db.session.commit()
    assert jobs.recover_stale() == 1
    jobs.dispatch()
    db.session.refresh(note)
    assert note.ticks == 1


def test_outbox_waits_while_redis_is_down_then_a_real_worker_runs_it(app, note, redis_url):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there: Redis is down
    job = jobs.enqueue(touch_note, note.id)
    db.session.commit()
    jobs.dispatch()
    db.session.refresh(job)
    assert job.status == "pending"  # the write succeeded; the job waits in the outbox

    app.config["REDIS_URL"] = redis_url  # Redis is back: the relay hands the row over
    jobs.dispatch()
    db.session.refresh(job)
    assert job.status == "enqueued"
    db.session.commit()
    result = run_worker_burst(app, redis_url)
    assert result.returncode == 0, result.stderr[-2000:]
    db.session.expire_all()
    assert db.session.get(jobs.Job, job.id).status == "done"
    assert db.session.get(Note, note.id).ticks == 1


def test_healthz_reports_database_redis_and_backlog(app, client, note, redis_url):
    jobs.enqueue(touch_note, note.id)
    db.session.commit()
    report = client.get("/healthz").json
    assert report["database"] == "ok" and report["outbox_backlog"] == 1
    assert report["redis"].startswith("not configured")
    app.config["REDIS_URL"] = redis_url
    jobs.tick()
    report = client.get("/healthz").json
    assert report["redis"] == "ok" and report["worker_heartbeat"]
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    report = client.get("/healthz")
    assert report.status_code == 200 and report.json["status"] == "degraded"


def test_a_database_failure_at_job_hand_over_keeps_the_users_success(app, client, make_user, monkeypatch):
    from sqlalchemy.exc import OperationalError

    def database_gone(*_jobs):
        raise OperationalError("SELECT", {}, Exception("server closed the connection unexpectedly"))

    person = make_user(None)
    monkeypatch.setattr(jobs, "dispatch", database_gone)
    response = client.post("/password/forgot", data={"email": person.email})
    assert response.status_code == 302  # the request's own write is committed: success stands
    assert db.session.scalar(db.select(db.func.count()).select_from(jobs.Job).where(jobs.Job.status == "pending")) == 1


def test_a_request_hands_over_its_own_jobs_and_the_relay_the_rest(app, client, note, make_user, redis_url):
    from redis import Redis
    from rq import Queue

    waiting = jobs.enqueue(touch_note, note.id)  # left in the outbox earlier (Redis was down, say)
    db.session.commit()
    app.config["REDIS_URL"] = redis_url
    person = make_user(None)
    assert client.post("/password/forgot", data={"email": person.email}).status_code == 302
    db.session.expire_all()
    mail = db.session.scalar(db.select(jobs.Job).where(jobs.Job.id != waiting.id))
    assert mail.status == "enqueued" and db.session.get(jobs.Job, waiting.id).status == "pending"
    jobs.dispatch()  # the worker's relay
    assert db.session.get(jobs.Job, waiting.id).status == "enqueued"
    assert Queue(jobs.QUEUE, connection=Redis.from_url(redis_url)).count == 2


def test_concurrent_relays_push_every_job_once(app, note, redis_url):
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from redis import Redis
    from rq import Queue

    for _ in range(40):
        jobs.enqueue(touch_note, note.id)
    db.session.commit()
    app.config["REDIS_URL"] = redis_url
    start = Barrier(3)

    def relay():
        with app.app_context():
            start.wait()
            try:
                return jobs.relay_to_redis()
            finally:
                db.session.remove()

    with ThreadPoolExecutor(3) as pool:
        pushed = [f.result() for f in [pool.submit(relay) for _ in range(3)]]
    assert sum(pushed) == 40
    assert Queue(jobs.QUEUE, connection=Redis.from_url(redis_url)).count == 40
    assert (
        db.session.scalar(db.select(db.func.count()).select_from(jobs.Job).where(jobs.Job.status == "enqueued")) == 40
    )
