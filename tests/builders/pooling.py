"""Pooling rows of a unit: its own equipment (booked by home, awaiting approval), a request for
the home van (awaiting home's approval), a late and a returned booking, a group purchase closed
with home's pledge, and the unit's pledge to the open network purchase."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from types import SimpleNamespace

from core.clock import from_local, today
from core.db import utcnow
from core.extensions import db
from modules.pooling.models import Booking
from modules.pooling.services import booking, campaign_setup, purchases
from modules.pooling.services.equipment import save_equipment
from modules.pooling.services.pricing import Tier

RULES = {
    "min_hours": 1,
    "max_hours": 24 * 14,
    "lead_hours": 0,
    "buffer_minutes": 0,
    "open_weekdays": "1234567",
    "fee_per_day": Decimal("40"),
    "fee_per_half_day": Decimal("25"),
}


def at(days: int, hour: int) -> datetime:
    return from_local(datetime.combine(today() + timedelta(days=days), time(hour)))


def _products():
    return [
        campaign_setup.ProductInput(
            "GANT", "Gants", "paire", 10, Decimal("20"), [Tier(1, 49, Decimal("4.20")), Tier(50, None, Decimal("3.60"))]
        )
    ]


def campaign(net, title: str, site_ids: list[int]):
    """An open group purchase of gloves (packs of 10) by the network, closing in ten days."""
    return campaign_setup.create_campaign(
        net.admin,
        net.network.id,
        title,
        "EPI Centre",
        utcnow() - timedelta(days=1),
        utcnow() + timedelta(days=10),
        _products(),
        site_ids,
    )


def prepare(net):
    van = save_equipment(
        net.admin,
        net.home.id,
        net.home.id,
        1,
        {"name": "Camion maison", "category": "véhicule", "approval_required": True, **RULES},
    )
    return SimpleNamespace(van=van, campaign=campaign(net, "Achat réseau", [net.home.id]))


def _past(item, org, user, days: int, status: str) -> Booking:
    start, end = at(days, 9), at(days + 1, 18)
    row = Booking(
        equipment_id=item.id,
        unit_id=item.unit_list[-1].id,
        organization_id=org.id,
        user_id=user.id,
        group_key=f"past{item.id}{days}",
        start_at=start,
        end_at=end,
        end_with_buffer=end,
        status=status,
        fee=item.fee_per_day,
        picked_up_at=start,
        returned_at=end if status == "returned" else None,
    )
    db.session.add(row)
    return row


def add(net, unit) -> None:
    own = net.modules["pooling"]
    item = save_equipment(
        net.admin,
        unit.org.id,
        unit.org.id,
        2,
        {
            "name": f"Remorque {unit.index}",
            "category": f"catégorie {unit.index % 3}",
            "approval_required": True,
            **RULES,
        },
    )
    booking.book(net.staff, item.id, at(2, 9), at(2, 12), organization_id=net.home.id)
    booking.book(unit.manager, own.van.id, at(1, 6 + unit.index), at(1, 7 + unit.index))
    _past(item, net.home, net.staff, -3, "picked_up")
    _past(item, net.home, net.staff, -10, "returned")
    closed = campaign(net, f"Achat unité {unit.index}", [net.home.id, unit.org.id])
    purchases.pledge(net.manager, closed.id, closed.products[0].id, 60)
    purchases.pledge(unit.manager, closed.id, closed.products[0].id, 20)
    closed.deadline = utcnow() - timedelta(minutes=1)
    purchases.close_campaign(closed.id)
    purchases.pledge(unit.manager, own.campaign.id, own.campaign.products[0].id, 10 * unit.index)
