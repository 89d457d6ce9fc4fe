"""Redis stops while people write: every write succeeds, jobs wait in the outbox, and run once
each when Redis is back and a worker picks them up."""

import pytest

from core import jobs
from core.api.tokens import create_token
from core.extensions import db
from core.mail import OutgoingMail
from modules.governance.models import Participation, PollVoter
from modules.pooling.models import Booking, Pledge
from modules.training.models import Enrolment
from tests.builders import build_network
from tests.builders.governance import open_poll
from tests.builders.pooling import at
from tests.faults.conftest import count_rows
from tests.faults.servers import run_worker_burst

pytestmark = pytest.mark.slow


@pytest.fixture
def erp_modules():
    return "pooling,training,governance"


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


def _seat(poll) -> int:
    return db.session.scalar(db.select(PollVoter.id).where(PollVoter.poll_id == poll.id))


def _module_writes(client, net, polls) -> list:
    """People book the van, enrol colleagues, pledge and vote, through the API."""
    token = {
        who: {"Authorization": f"Bearer {create_token(getattr(net, who), 'outage')[1]}"}
        for who in ("staff", "manager", "board")
    }
    shared = net.modules
    van, session, campaign = shared["pooling"].van, shared["training"].session, shared["pooling"].campaign
    seats = {who: _seat(poll) for who, poll in polls.items()}
    home_id, product_id = net.home.id, campaign.products[0].id
    return [
        *(
            client.post(
                "/api/v1/pooling/bookings",
                headers=token["staff"],
                json={"equipment_id": van.id, "start": at(1, hour).isoformat(), "end": at(1, hour + 1).isoformat()},
            )
            for hour in (8, 10, 12)
        ),
        *(
            client.post(
                f"/api/v1/training/sessions/{session.id}/enrolments",
                headers=token["manager"],
                json={"organization_id": home_id, "name": f"Collègue {n}", "email": f"collegue{n}@test.example"},
            )
            for n in range(3)
        ),
        client.post(
            f"/api/v1/pooling/purchases/campaigns/{campaign.id}/pledges",
            headers=token["manager"],
            json={"product_id": product_id, "quantity": 20},
        ),
        *(
            client.post(
                f"/api/v1/governance/polls/{polls[who].id}/ballots",
                headers=token[who],
                json={"voter_id": seats[who], "choice": "yes"},
            )
            for who in ("manager", "board")
        ),
    ]


def test_bookings_enrolments_pledges_and_votes_survive_a_redis_outage(app, client, redis_server, smtp_server):
    net = build_network()
    governance = net.modules["governance"]
    polls = {
        "manager": open_poll(net, governance.assembly, "Adhérer ?", "yes_no", []),
        "board": open_poll(net, governance.board, "Recruter ?", "yes_no", []),
    }
    jobs.dispatch()  # the setup's own mails go out before the outage
    smtp_server.messages.clear()
    last_job = db.session.scalar(db.select(db.func.max(jobs.Job.id)))
    last_mail = db.session.scalar(db.select(db.func.max(OutgoingMail.id)))
    app.config["REDIS_URL"] = redis_server.url
    redis_server.stop()

    responses = _module_writes(client, net, polls)
    assert [r.status_code for r in responses] == [201] * 6 + [200] + [201] * 2
    assert count_rows(Booking) == 3 and count_rows(Enrolment, Enrolment.email.like("collegue%")) == 3
    assert count_rows(Participation) == 2 and db.session.scalar(db.select(Pledge.quantity)) == 20
    queued = list(db.session.scalars(db.select(jobs.Job).where(jobs.Job.id > last_job)))
    mails = list(db.session.scalars(db.select(OutgoingMail).where(OutgoingMail.id > last_mail)))
    assert len(mails) >= 6 and len(queued) == len(mails)  # one delivery job per mail, all waiting
    assert {j.status for j in queued} == {"pending"}
    db.session.commit()

    redis_server.start()  # back, on the same port
    jobs.dispatch()
    for _ in range(2):  # a second worker finds nothing left to run
        result = run_worker_burst(app, redis_server.url, SMTP_URL=app.config["SMTP_URL"])
        assert result.returncode == 0, result.stderr[-2000:]
    db.session.expire_all()
    assert {(j.status, j.attempts) for j in db.session.scalars(db.select(jobs.Job).where(jobs.Job.id > last_job))} == {
        ("done", 1)
    }
    expected = sorted((m.to_address, m.subject) for m in mails)
    assert sorted((m["To"], m["Subject"]) for m in smtp_server.messages) == expected  # each mail once
