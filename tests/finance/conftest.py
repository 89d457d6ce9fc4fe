"""Fixtures of the finance tests: the network with its treasurer, member structures with managers,
and helpers posting charges and running rounds (through the services, as people would)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest

from core import ledger
from core.accounts.models import Organization
from core.clock import today
from core.db import utcnow
from core.extensions import db


@pytest.fixture
def erp_modules():
    return "finance"


@dataclass
class World:
    admin: object
    network: object
    treasurer: object
    orgs: list
    managers: list
    staff: object


@pytest.fixture
def world(app, make_org, make_user):
    admin = make_user("network_admin", email="admin@test.example", name="Admin")
    network = db.session.get(Organization, admin.memberships[0].organization_id)
    treasurer = make_user("treasurer", org=network, email="treasurer@test.example", name="Trésorière")
    orgs = [make_org(f"Ressourcerie {c}", address=f"1 rue {c}", city="Tours") for c in "ABC"]
    managers = [make_user("member_manager", org=o, email=f"manager{i}@test.example") for i, o in enumerate(orgs)]
    staff = make_user("member_staff", org=orgs[0], email="staff@test.example")
    return World(admin, network, treasurer, orgs, managers, staff)


@pytest.fixture
def charge(world):
    """charge(debtor, creditor, amount, source="pooling.booking:1"): a ledger charge, committed."""

    def post(debtor, creditor, amount, source="pooling.booking:1", reason="Réservation du camion"):
        posted = ledger.post_charge(debtor.id, creditor.id, Decimal(amount), reason, source)
        db.session.commit()
        return posted

    return post


@pytest.fixture
def make_round(world):
    from modules.finance.services.rounds import create_round

    def run(due_in_days=30):
        created = create_round(world.treasurer, utcnow(), today() + timedelta(days=due_in_days))
        db.session.commit()
        return created

    return run
