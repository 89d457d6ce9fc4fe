"""Redis stops while people write: every write succeeds, jobs wait in the outbox, and run once
each when Redis is back and a worker picks them up."""
import pytest

from core import jobs
from core.extensions import db
from core.mail import OutgoingMail
from tests.faults.servers import RedisServer, run_worker_burst

pytestmark = pytest.mark.slow


@pytest.fixture
def redis_server():
    server = RedisServer()
    if not server.binary:
        pytest.skip("redis-server is not installed")
    server.start()
    yield server
    server.stop()


def test_writes_survive_a_redis_outage_and_jobs_run_once(app, client, make_user, redis_server, smtp_server):
    people = [make_user(None) for _ in range(5)]
    app.config["REDIS_URL"] = redis_server.url
    redis_server.stop()
    for person in people:  # each reset request writes a mail and its delivery job
        assert client.post("/password/forgot", data={"email": person.email}).status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(jobs.Job).where(jobs.Job.status == "pending")) == 5

    redis_server.start()  # back, on the same port
    jobs.dispatch()
    result = run_worker_burst(app, redis_server.url, SMTP_URL=app.config["SMTP_URL"])
    assert result.returncode == 0, result.stderr[-2000:]
    result = run_worker_burst(app, redis_server.url, SMTP_URL=app.config["SMTP_URL"])  # a second worker: no rerun
    db.session.expire_all()
    assert {j.status for j in db.session.scalars(db.select(jobs.Job))} == {"done"}
    assert sorted(m["To"] for m in smtp_server.messages) == sorted(p.email for p in people)
    assert all(m.sent_at for m in db.session.scalars(db.select(OutgoingMail)))
