"""A worker killed (SIGKILL, with its work-horse) in the middle of a job: the job's change is not
committed, the row stays 'running' until it is stale, then goes back to the outbox, runs again on
another worker, and its effect happens once."""

from datetime import timedelta

import pytest
from freezegun import freeze_time

from core import jobs, ledger
from core.db import utcnow
from core.extensions import db
from tests.faults.conftest import wait_until
from tests.faults.gate_job import SOURCE, charge_after_gate
from tests.faults.servers import kill_worker, run_worker_burst, start_worker_burst

pytestmark = pytest.mark.slow


def _job(job_id: int) -> jobs.Job:
    db.session.expire_all()
    return db.session.get(jobs.Job, job_id)


def test_a_job_killed_midway_is_retried_and_takes_effect_once(app, make_org, redis_server, tmp_path):
    debtor_id, creditor_id = make_org().id, make_org().id
    gate = tmp_path / "gate"
    gate.mkdir()
    (gate / "closed").touch()
    app.config["REDIS_URL"] = redis_server.url
    job = jobs.enqueue(charge_after_gate, debtor_id, creditor_id, str(gate))
    db.session.commit()
    job_id = job.id
    db.session.commit()

    worker = start_worker_burst(app, redis_server.url, tmp_path / "worker.log")
    try:
        wait_until(lambda: (gate / "started").exists(), 90, "the worker to start the job")
    finally:
        kill_worker(worker)
    job = _job(job_id)
    assert (job.status, job.attempts) == ("running", 1)
    assert ledger.charges_of(SOURCE) == []  # the killed run committed nothing
    (gate / "closed").unlink()
    db.session.commit()

    assert run_worker_burst(app, redis_server.url).returncode == 0
    assert _job(job_id).status == "running"  # not stale yet: nobody runs it a second time meanwhile
    db.session.commit()
    with freeze_time(utcnow() + jobs.STALE_AFTER + timedelta(minutes=1)):
        assert jobs.recover_stale() == 1
    result = run_worker_burst(app, redis_server.url)  # relays the recovered row, then runs it
    assert result.returncode == 0, result.stderr[-2000:]
    job = _job(job_id)
    assert (job.status, job.attempts) == ("done", 2)
    assert [c.amount for c in ledger.charges_of(SOURCE)] == [25]
    db.session.commit()

    assert run_worker_burst(app, redis_server.url).returncode == 0
    assert _job(job_id).attempts == 2 and len(ledger.charges_of(SOURCE)) == 1
