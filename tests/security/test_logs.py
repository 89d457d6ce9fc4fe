"""No secret reaches a log: every logger at DEBUG records a journey across the modules (log in,
API token, book, pledge, enrol, apply, vote, password reset), and nothing it recorded holds a
password, a token, a reset link, the secret key, a session cookie or a ballot choice."""

from __future__ import annotations

import json
import logging
import re
from datetime import timedelta

import pytest

from core.accounts.models import User
from core.api.tokens import create_token
from core.clock import today
from core.db import utcnow
from core.demo import DEMO_PASSWORD
from core.extensions import db
from core.mail import OutgoingMail
from modules.governance.models import Poll, PollVoter
from modules.incubation.models import Project, Track
from modules.pooling.models import Campaign, Equipment, Product
from modules.training.models import TrainingSession

SECRET_KEY = "s3cret-key-never-logged-4b9e1f"
WRONG_PASSWORD = "Wrong-horse-battery-91"
NEW_PASSWORD = "Brand-new-passphrase-77"


@pytest.fixture
def every_logger_at_debug(caplog):
    loggers = [logging.getLogger()] + [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)]
    levels = [(logger, logger.level) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    yield caplog
    for logger, level in levels:
        logger.setLevel(level)


def _everything_logged(caplog) -> str:
    """Messages, exceptions and the raw arguments and extra fields of every record."""
    parts = [caplog.text]
    for record in caplog.records:
        parts.append(repr(record.args))
        parts.append(repr({k: v for k, v in vars(record).items() if k not in ("msg", "args", "exc_info")}))
    return "\n".join(parts)


def _journey(app, demo) -> dict[str, str]:
    """Walk through every module as real users do; return the secrets it handled."""
    secrets = {
        "password": DEMO_PASSWORD,
        "wrong password": WRONG_PASSWORD,
        "new password": NEW_PASSWORD,
        "secret key": SECRET_KEY,
    }
    manager = demo["gestion"]
    web = app.test_client()
    assert web.post("/login", data={"email": manager.email, "password": WRONG_PASSWORD}).status_code == 200
    signed_in = web.post("/login", data={"email": manager.email, "password": DEMO_PASSWORD})
    assert signed_in.status_code == 302
    secrets["session cookie"] = web.get_cookie("session").value
    page = web.post("/profile", data={"token-name": "tableur", "token-submit": "1"}).get_data(as_text=True)
    token = re.search(r'token-value d-block mt-2">([^<]+)<', page).group(1)
    secrets["api token"] = token
    api = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    call = lambda method, url, body=None: api.open(url, method=method, headers=headers, json=body)  # noqa: E731
    assert call("GET", "/api/v1/me").status_code == 200

    tours = manager.memberships[0].organization_id
    equipment = db.session.scalar(
        db.select(Equipment).where(Equipment.organization_id != tours, Equipment.approval_required.is_(False))
    )
    day = today() + timedelta(days=45)
    while str(day.isoweekday()) not in equipment.open_weekdays:  # a day the item can be picked up
        day += timedelta(days=1)
    booked = call(
        "POST",
        "/api/v1/pooling/bookings",
        {"equipment_id": equipment.id, "organization_id": tours, "start": f"{day}T09:00:00", "end": f"{day}T17:00:00"},
    )
    assert booked.status_code == 201, booked.json
    campaign = db.session.scalar(db.select(Campaign).where(Campaign.status == "open"))
    product = db.session.scalar(db.select(Product).where(Product.campaign_id == campaign.id))
    pledged = call(
        "POST",
        f"/api/v1/pooling/purchases/campaigns/{campaign.id}/pledges",
        {"product_id": product.id, "quantity": 3 * product.pack_size, "organization_id": tours},
    )
    assert pledged.status_code == 200, pledged.json
    session = db.session.scalar(
        db.select(TrainingSession).where(TrainingSession.starts_at > utcnow(), TrainingSession.status != "cancelled")
    )
    enrolled = call(
        "POST",
        f"/api/v1/training/sessions/{session.id}/enrolments",
        {"organization_id": tours, "name": "Inès Martin", "email": "ines@charpente.example"},
    )
    assert enrolled.status_code == 201, enrolled.json

    poll = db.session.scalar(db.select(Poll).where(Poll.status == "open", Poll.secret, Poll.method == "ranked"))
    seat = db.session.scalar(
        db.select(PollVoter).where(PollVoter.poll_id == poll.id, PollVoter.organization_id == tours)
    )
    choice = list(reversed(range(len(poll.options))))
    voted = call("POST", f"/api/v1/governance/polls/{poll.id}/ballots", {"voter_id": seat.id, "choice": choice})
    assert voted.status_code == 201, voted.json
    secrets["ballot receipt"] = voted.json["receipt"]
    secrets["ballot choice"] = json.dumps(choice, separators=(",", ":"))
    secrets["ballot choice, spaced"] = json.dumps(choice)

    project = db.session.scalar(db.select(Project).where(Project.status == "draft"))
    holder = db.session.scalar(
        db.select(User).join(User.memberships).where(User.memberships.any(organization_id=project.organization_id))
    )
    holder_web = app.test_client()
    assert holder_web.post("/login", data={"email": holder.email, "password": DEMO_PASSWORD}).status_code == 302
    _row, holder_token = create_token(holder, "dossier")
    db.session.commit()
    secrets["holder api token"] = holder_token
    track = db.session.scalar(db.select(Track).where(Track.active))
    applied = app.test_client().post(
        f"/api/v1/incubation/projects/{project.id}/application",
        headers={"Authorization": f"Bearer {holder_token}"},
        json={"track_id": track.id, "motivation": "Ouvrir une recyclerie en 2027."},
    )
    assert applied.status_code == 200, applied.json

    staff = demo["equipe"]
    assert web.post("/password/forgot", data={"email": staff.email}).status_code == 302
    mail = db.session.scalar(
        db.select(OutgoingMail).where(OutgoingMail.to_address == staff.email).order_by(OutgoingMail.id.desc())
    )
    link = re.search(r"https?://\S+/password/reset/(\S+)", mail.body)
    secrets["reset link"], secrets["reset token"] = link.group(0), link.group(1)
    path = link.group(0).split("5000", 1)[1]
    other = app.test_client()
    assert other.get(path).status_code == 200
    assert other.post(path, data={"password": NEW_PASSWORD}).status_code == 302
    assert other.post("/login", data={"email": staff.email, "password": NEW_PASSWORD}).status_code == 302
    assert web.post("/logout").status_code == 302
    return secrets


def test_a_journey_across_the_modules_logs_no_secret(app, client, demo, every_logger_at_debug):
    """``client`` makes every test client run each request in its own app context."""
    app.config["SECRET_KEY"] = SECRET_KEY
    secrets = _journey(app, demo)
    logged = _everything_logged(every_logger_at_debug)
    assert len(every_logger_at_debug.records) > 0  # the journey did log (mail, audit, SQL...)
    found = [name for name, value in secrets.items() if value and value in logged]
    assert found == [], f"logged: {found}"
