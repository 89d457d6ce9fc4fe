"""Deadlines pass while no worker runs (a poll's close, a group purchase's pledge deadline, a
training session's go/no-go): late writes are still refused, because the app checks the clock at
every write, and nothing of them is kept; when a worker comes back, each deadline's effect
(sealing the poll, closing the purchase with its shares, cancelling or confirming the session
with its mails and charges) happens, and once, however many times the jobs run. (A poll is also
sealed by the first request that reads it after its close; the other poll waits for the job.)

Time passing is played by moving each deadline into the past, as the other deadline tests do:
the worker is another process, whose clock cannot be frozen."""

from datetime import timedelta
from decimal import Decimal

import pytest

from core import jobs, ledger
from core.api.tokens import create_token
from core.audit import AuditEntry
from core.clock import today
from core.db import utcnow
from core.extensions import db
from core.mail import OutgoingMail
from modules.governance.models import Participation, Poll, PollVoter
from modules.pooling.models import Campaign, Pledge, Share
from modules.pooling.services import purchases
from modules.training.models import Enrolment, TrainingSession
from modules.training.services import catalogue, enrolment
from tests.builders import build_network
from tests.builders.governance import open_poll
from tests.builders.pooling import campaign as new_campaign
from tests.builders.training import session as new_session
from tests.faults.conftest import count_rows
from tests.faults.servers import run_worker_burst

pytestmark = pytest.mark.slow


@pytest.fixture
def erp_modules():
    return "pooling,training,governance"


def _worker_returns(app, redis_url: str, hour: int) -> None:
    """What a worker does when it comes back: its minute tick (on the hour, so every periodic job is
    due), the relay of the outbox to Redis, and the jobs run by a real RQ worker process."""
    jobs.tick(utcnow().replace(minute=0, second=0, microsecond=0) + timedelta(hours=hour))
    db.session.commit()
    result = run_worker_burst(app, redis_url)
    assert result.returncode == 0, result.stderr[-2000:]
    db.session.expire_all()


def _effects(ids) -> dict:
    """What the deadlines' jobs leave behind, to compare after a second run."""
    return {
        "polls": [db.session.get(Poll, ids[key]).result_hash for key in ("poll", "quiet poll")],
        "polls sealed": count_rows(AuditEntry, AuditEntry.action == "governance.poll.close"),
        "shares": sorted(db.session.scalars(db.select(Share.amount).where(Share.campaign_id == ids["campaign"]))),
        "charges": sorted(c.amount for c in ledger.charges_of(f"training.session:{ids['confirmed']}")),
        "mails": sorted(db.session.execute(db.select(OutgoingMail.to_address, OutgoingMail.template)).all()),
    }


def _deadlines_passed(app, net, redis_url: str) -> dict:
    """Two open polls, a group purchase with home's pledge, a session below its minimum and one at
    it; the setup's jobs handed to Redis; then every deadline moved a minute into the past."""
    assembly, trainer = net.modules["governance"].assembly, net.modules["training"].trainer
    polls = [open_poll(net, assembly, question, "yes_no", []) for question in ("Budget ?", "Banque ?")]
    group_purchase = new_campaign(net, "Gants 2027", [net.home.id])
    purchases.pledge(net.manager, group_purchase.id, group_purchase.products[0].id, 60)
    course = catalogue.save_course(net.admin, title="Réparer", duration_hours=Decimal("7"))
    short, confirmed = (
        new_session(net, trainer, course, net.home, today() + timedelta(days=5 + n), 5, minimum=minimum)
        for n, minimum in ((0, 2), (1, 1))
    )
    for session in (short, confirmed):
        enrolment.enrol(net.admin, session.id, net.home.id, net.staff.name, net.staff.email)
    app.config["REDIS_URL"] = redis_url
    jobs.dispatch()  # what the setup queued goes to Redis; no worker runs it yet
    past = utcnow() - timedelta(minutes=1)
    polls[0].closes_at = polls[1].closes_at = group_purchase.deadline = past
    short.go_no_go_at = confirmed.go_no_go_at = past
    db.session.flush()
    return {
        "poll": polls[0].id,
        "quiet poll": polls[1].id,
        "campaign": group_purchase.id,
        "product": group_purchase.products[0].id,
        "short": short.id,
        "confirmed": confirmed.id,
        "seat": db.session.scalar(db.select(PollVoter.id).where(PollVoter.poll_id == polls[0].id)),
    }


def test_late_writes_are_refused_and_deadlines_take_effect_once_the_worker_is_back(app, client, redis_server):
    net = build_network()
    ids = _deadlines_passed(app, net, redis_server.url)
    headers = {"Authorization": f"Bearer {create_token(net.manager, 'late')[1]}"}
    home_id, staff, manager = net.home.id, net.staff.email, net.manager.email
    db.session.commit()
    jobs_before = count_rows(jobs.Job)

    late = [
        client.post(
            f"/api/v1/governance/polls/{ids['poll']}/ballots",
            headers=headers,
            json={"voter_id": ids["seat"], "choice": "yes"},
        ),
        client.post(
            f"/api/v1/pooling/purchases/campaigns/{ids['campaign']}/pledges",
            headers=headers,
            json={"product_id": ids["product"], "quantity": 100},
        ),
        client.post(
            f"/api/v1/training/sessions/{ids['short']}/enrolments",
            headers=headers,
            json={"organization_id": home_id, "name": "En retard", "email": "late@test.example"},
        ),
    ]
    assert [r.status_code for r in late] == [409, 409, 409]
    assert all(r.headers["Content-Type"] == "application/problem+json" for r in late)
    assert count_rows(Participation, Participation.poll_id == ids["poll"]) == 0
    assert db.session.scalar(db.select(Pledge.quantity).where(Pledge.campaign_id == ids["campaign"])) == 60
    assert count_rows(Enrolment, Enrolment.email == "late@test.example") == 0
    assert count_rows(jobs.Job) == jobs_before  # a refused write queues nothing either
    # refused by the clock alone: the deadlines' jobs have not run, and a refused request keeps
    # nothing it wrote (not even the sealing of the poll it met on the way)
    assert db.session.get(Poll, ids["poll"]).status == "open"
    assert db.session.get(Poll, ids["quiet poll"]).status == "open"
    assert db.session.get(Campaign, ids["campaign"]).status == "open"
    assert db.session.get(TrainingSession, ids["short"]).status == "planned"

    _worker_returns(app, redis_server.url, hour=0)
    assert db.session.get(Poll, ids["poll"]).status == "closed"
    assert db.session.get(Poll, ids["quiet poll"]).status == "closed"
    assert db.session.get(Campaign, ids["campaign"]).status == "closed"
    assert db.session.get(TrainingSession, ids["short"]).status == "cancelled"
    assert db.session.get(TrainingSession, ids["confirmed"]).status == "confirmed"
    effects = _effects(ids)
    assert all(effects["polls"]) and effects["polls sealed"] == 2
    assert len(effects["shares"]) == 1 and effects["charges"]
    for recipient, template in (
        (staff, "training/mail/session_cancelled.txt"),
        (staff, "training/mail/convocation.txt"),
        (manager, "pooling/mail/campaign_closed.txt"),
    ):
        assert effects["mails"].count((recipient, template)) == 1
    db.session.commit()

    _worker_returns(app, redis_server.url, hour=1)  # the jobs run again: nothing happens twice
    assert _effects(ids) == effects
