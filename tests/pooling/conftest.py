"""Fixtures of the pooling tests: a small network (owner, booker, other), equipment, times."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest

from core.clock import from_local, today
from core.extensions import db


@pytest.fixture
def erp_modules():
    return "pooling"


@pytest.fixture
def app(make_app, erp_modules):
    """English outside requests, so that the services' messages can be matched in assertions;
    pages follow each user's language (French by default) as in production."""
    app = make_app(erp_modules, BABEL_DEFAULT_LOCALE="en")
    with app.app_context():
        yield app
        db.session.rollback()


def at(days: int, hour: int = 9, minute: int = 0) -> datetime:
    """A Paris wall-clock time ``days`` from today, as aware UTC."""
    return from_local(datetime.combine(today() + timedelta(days=days), time(hour, minute)))


@pytest.fixture
def net(make_org, make_user):
    owner = make_org("Ressourcerie Propriétaire", latitude=47.3941, longitude=0.6848)
    booker = make_org("Ressourcerie Emprunteuse", latitude=47.9030, longitude=1.9093)
    other = make_org("Ressourcerie Tierce", latitude=45.8336, longitude=1.2611)
    return SimpleNamespace(
        owner=owner,
        booker=booker,
        other=other,
        admin=make_user("network_admin"),
        owner_manager=make_user("member_manager", owner),
        owner_staff=make_user("member_staff", owner),
        staff=make_user("member_staff", booker),
        manager=make_user("member_manager", booker),
        other_staff=make_user("member_staff", other),
        board=make_user("board_member"),
    )


@pytest.fixture
def make_equipment(net):
    from modules.pooling.services.equipment import save_equipment

    def factory(units: int = 1, **rules):
        values = {
            "name": rules.pop("name", "Camion"),
            "category": rules.pop("category", "vehicle"),
            "min_hours": 1,
            "max_hours": 24 * 14,
            "lead_hours": 0,
            "buffer_minutes": 0,
            "fee_per_day": Decimal("50"),
            "fee_per_half_day": Decimal("30"),
            "open_weekdays": "1234567",
            **rules,
        }
        site = values.pop("site", net.owner)
        item = save_equipment(net.admin, net.owner.id, site.id, units, values)
        db.session.commit()
        return item

    return factory


@pytest.fixture
def make_campaign(net):
    """An open campaign of gloves (packs of 10, tiers 1-49 / 50-199 / 200+) paid by the network."""
    from modules.pooling.services.campaign_setup import ProductInput, create_campaign
    from modules.pooling.services.pricing import Tier

    def factory(deadline_days: float = 10, min_quantity: int | None = None, vat: str = "20", **fields):
        from core.db import utcnow

        gloves = ProductInput(
            "GANT-L",
            "Gloves L",
            "pair",
            10,
            Decimal(vat),
            [Tier(1, 49, Decimal("12.00")), Tier(50, 199, Decimal("10.50")), Tier(200, None, Decimal("9.20"))],
        )
        jackets = ProductInput(
            "VESTE",
            "Jacket",
            "piece",
            1,
            Decimal("5.5"),
            [Tier(1, 9, Decimal("40.00")), Tier(10, None, Decimal("33.33"))],
        )
        campaign = create_campaign(
            net.admin,
            fields.pop("payer", net.owner).id,
            "Workwear",
            "EPI Centre",
            utcnow() - timedelta(days=1),
            utcnow() + timedelta(days=deadline_days),
            [gloves, jackets],
            [net.owner.id, net.booker.id],
            min_total_quantity=min_quantity,
            **fields,
        )
        db.session.commit()
        return campaign

    return factory
