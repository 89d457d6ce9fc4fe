"""The benchmark's generators (bench/) at a tiny scale: every table gets what the scale asks, the
rows keep the invariants the services keep, and the app and the load driver work on them.

Run on SQLite and on PostgreSQL (TEST_DATABASE_URL), where the exclusion constraints and COPY
are exercised, so the generators keep working as the models change.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import timedelta

import pytest

from bench.generate import BENCH_PASSWORD, SCALES, email_of, generate
from core.extensions import db

TINY = SCALES["tiny"]


@pytest.fixture
def erp_modules():
    return None  # every module: each has its generator


@pytest.fixture
def generated(app):
    report = generate("tiny", seed=3)
    db.session.remove()
    return report


def _count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_every_table_gets_what_the_scale_asks(generated):
    from core.accounts.models import Organization, User
    from modules.governance.models import Ballot, Participation, Poll
    from modules.incubation.models import Project
    from modules.observatory.models import Period, Report
    from modules.pooling.models import Booking, Equipment
    from modules.training.models import Enrolment, TrainingSession

    rows = generated["rows"]
    assert _count(User) == rows["core_user"] == TINY["users"]
    assert _count(Organization) == TINY["organizations"] + TINY["projects"]
    assert _count(Equipment) == TINY["equipment"] and _count(Booking) == TINY["bookings"]
    assert _count(TrainingSession) == TINY["sessions"] and _count(Enrolment) == TINY["enrolments"]
    assert _count(Project) == TINY["projects"] and _count(Poll) == TINY["polls"]
    assert _count(Ballot) == _count(Participation) == TINY["ballots"]
    assert db.session.scalar(db.select(db.func.count(Period.id))) == 4 * TINY["years"]
    reported = db.session.scalar(db.select(db.func.count(db.distinct(Report.period_id))))
    assert _count(Report) == rows["observatory_report"] == (TINY["organizations"] - 1) * reported


def test_generated_rows_keep_the_invariants(generated):
    from modules.governance.models import Ballot, Participation, Poll
    from modules.governance.services.results import compute_hash
    from modules.incubation.models import ACTIVE_PLACEMENT, HostSite, Placement
    from modules.observatory.models import Report
    from modules.observatory.services.catalog import active_rules
    from modules.observatory.services.reports import figures_of
    from modules.observatory.services.values import rule_errors
    from modules.pooling.models import ACTIVE, Booking, Campaign, Share
    from modules.pooling.services.purchases import order_lines
    from modules.training.models import ACTIVE as LIVE
    from modules.training.models import HOLDS_SEAT, WAITING, Enrolment, TrainingSession

    held = defaultdict(list)
    for booking in db.session.scalars(db.select(Booking).where(Booking.status.in_(ACTIVE))):
        held[booking.unit_id].append((booking.start_at, booking.end_with_buffer))
    for periods in held.values():
        periods.sort()
        assert all(end <= start for (_s, end), (start, _e) in zip(periods, periods[1:]))

    for campaign in db.session.scalars(db.select(Campaign).where(Campaign.status.in_(("closed", "received")))):
        shares = db.session.scalars(db.select(Share.amount).where(Share.campaign_id == campaign.id))
        assert sum(shares) == sum(line.total for line in order_lines(campaign))

    for session in db.session.scalars(db.select(TrainingSession)):
        people = list(
            db.session.scalars(db.select(Enrolment).where(Enrolment.session_id == session.id).order_by(Enrolment.id))
        )
        seated = [e.id for e in people if e.status in HOLDS_SEAT]
        waiting = [e.id for e in people if e.status == WAITING]
        assert len(seated) <= session.seats
        assert not waiting or not seated or max(seated) < min(waiting)  # nobody overtook the queue
        live = [e for e in people if e.status in LIVE]
        assert len({e.email for e in live}) == len(live)
        if session.cap_per_org:
            assert max(Counter(e.organization_id for e in live).values(), default=0) <= session.cap_per_org

    for site in db.session.scalars(db.select(HostSite)):
        taken = Counter()
        for placement in db.session.scalars(
            db.select(Placement).where(Placement.host_site_id == site.id, Placement.status.in_(ACTIVE_PLACEMENT))
        ):
            day = placement.start_date
            while day <= placement.end_date:
                taken[day] += placement.people
                day += timedelta(days=1)
        assert max(taken.values(), default=0) <= site.capacity

    for poll in db.session.scalars(db.select(Poll)):
        ballots = db.session.scalar(db.select(db.func.count()).select_from(Ballot).where(Ballot.poll_id == poll.id))
        voters = db.session.scalar(
            db.select(db.func.count()).select_from(Participation).where(Participation.poll_id == poll.id)
        )
        assert ballots == voters
        if poll.status == "closed":
            assert poll.result_hash == compute_hash(poll)

    rules = active_rules()
    for report in db.session.scalars(db.select(Report).where(Report.status.in_(("submitted", "validated")))):
        assert rule_errors(figures_of(report), rules) == {}


def test_the_app_and_the_load_driver_work_on_the_generated_network(generated, client):
    from bench import mix

    plan = mix.prepare()
    assert plan.bookable and plan.categories and plan.votes and len(plan.clients) == 8
    email, organization_id, token, _board = plan.clients[0]
    response = client.post("/login", data={"email": email, "password": BENCH_PASSWORD})
    assert response.status_code == 302 and email == email_of(1)
    board_member = mix.clients(plan, [None] * len(plan.clients))[0]
    for call in mix.calls(plan):  # every page and API call of the mix, writes included, once
        request = call.make(board_member, random.Random(1))
        if request is None:
            continue
        headers = {"Authorization": f"Bearer {request.token or token}"} if request.api else {}
        response = client.open(request.path, method=request.method, json=request.json, headers=headers)
        assert response.status_code in call.ok, (call.name, response.status_code)
