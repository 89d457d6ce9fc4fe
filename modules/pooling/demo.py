"""Demo data: five items at several sites with past and future bookings, one request pending,
one maintenance period; three group purchases (open near a tier, received short, cancelled)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from core.clock import from_local, today
from core.extensions import db
from modules.pooling.models import (
    Booking,
    Campaign,
    DeliverySite,
    Equipment,
    EquipmentUnit,
    Pledge,
    PriceTier,
    Product,
    Unavailability,
)
from modules.pooling.services import handover, purchases

ITEMS = [
    # key, name, category, owner/site, units, fee/day, half-day, approval, buffer (min)
    ("van", "Camion 20 m³ avec hayon", "véhicule", "tours", 1, "60", "35", True, 60),
    ("trailer", "Remorque bâchée 750 kg", "remorque", "orleans", 2, "15", "10", False, 30),
    ("baler", "Presse à balles textile", "presse", "bourges", 1, "40", "0", True, 120),
    ("stand", "Stand d'exposition 3×3 m", "stand", "blois", 1, "20", "0", False, 0),
    ("tools", "Caisse à outils de réparation", "outillage", "limoges", 3, "5", "3", False, 0),
]


def _at(days: int, hour: int) -> datetime:
    return from_local(datetime.combine(today() + timedelta(days=days), time(hour)))


def _next_week(weekday: int, hour: int, weeks: int = 1) -> datetime:
    """A day of next week (Monday = 0), or of a later week: the van's demo bookings stay clear of
    next week's Tuesday to Thursday, the slot the member's staff journey looks for."""
    monday = today() + timedelta(days=7 * weeks - today().weekday())
    return from_local(datetime.combine(monday + timedelta(days=weekday), time(hour)))


def _equipment(demo) -> dict[str, Equipment]:
    created = {}
    for key, name, category, org, units, fee, half, approval, buffer in ITEMS:
        owner = demo.members[org]
        item = Equipment(
            name=name,
            category=category,
            organization_id=owner.id,
            site_id=owner.id,
            site_address=f"{owner.city}",
            units=units,
            value=Decimal("1000") * units,
            fee_per_day=Decimal(fee),
            fee_per_half_day=Decimal(half),
            deposit=Decimal("200"),
            approval_required=approval,
            buffer_minutes=buffer,
            min_hours=2,
            max_hours=24 * 7,
            lead_hours=12,
            opens_at=time(8),
            closes_at=time(19),
            open_weekdays="123456",
            description=f"{name} ({owner.name})",
            unit_list=[EquipmentUnit(number=n) for n in range(1, units + 1)],
        )
        db.session.add(item)
        created[key] = item
    db.session.flush()
    return created


def _booking(item: Equipment, org, user, start: datetime, end: datetime, status: str, unit: int = 0) -> Booking:
    booking = Booking(
        equipment_id=item.id,
        unit_id=item.unit_list[unit].id,
        organization_id=org.id,
        user_id=user.id,
        group_key=f"demo{item.id}{start:%j%H}{unit}",
        start_at=start,
        end_at=end,
        end_with_buffer=end + timedelta(minutes=item.buffer_minutes),
        status=status,
        fee=item.fee_per_day * max(1, (end - start).days),
    )
    db.session.add(booking)
    return booking


def _bookings(demo, items: dict[str, Equipment]) -> None:
    staff, manager = demo.users["equipe"], demo.users["gestion"]
    orleans_manager = demo.users.get("gestion-orleans", manager)
    for days, org, status in ((-20, "tours", "picked_up"), (-9, "blois", "picked_up")):
        past = _booking(items["trailer"], demo.members[org], staff, _at(days, 9), _at(days + 1, 18), status)
        db.session.flush()
        past.picked_up_at = past.start_at
        handover_return(past)
    _booking(items["van"], demo.members["tours"], staff, _next_week(4, 9), _next_week(5, 18), "approved")
    _booking(
        items["van"],
        demo.members["orleans"],
        orleans_manager,
        _next_week(1, 9, weeks=2),
        _next_week(2, 17, weeks=2),
        "requested",
    )
    _booking(items["trailer"], demo.members["tours"], staff, _at(5, 8), _at(5, 18), "approved")
    _booking(items["tools"], demo.members["limoges"], staff, _at(2, 10), _at(6, 17), "approved", unit=1)
    db.session.add(
        Unavailability(
            equipment_id=items["baler"].id,
            kind="maintenance",
            start_at=_at(1, 8),
            end_at=_at(10, 18),
            reason="Révision annuelle du vérin",
        )
    )


def handover_return(booking: Booking) -> None:
    """Close a past demo booking as returned, with its fee posted like a real return."""
    booking.status, booking.returned_at = "returned", booking.end_at
    handover._post_fee(booking)


def _campaign(
    demo,
    title: str,
    supplier: str,
    opens: datetime,
    deadline: datetime,
    min_quantity: int | None,
    products: list[tuple[str, str, str, int, str, list[tuple[int, int | None, str]]]],
) -> Campaign:
    campaign = Campaign(
        organization_id=demo.network.id,
        title=title,
        supplier_name=supplier,
        supplier_contact="commandes@fournisseur.example",
        supplier_terms="Paiement à 30 jours",
        opens_at=opens,
        deadline=deadline,
        min_total_quantity=min_quantity,
        status="open",
    )
    for ref, name, unit, pack, vat, tiers in products:
        campaign.products.append(
            Product(
                reference=ref,
                name=name,
                unit=unit,
                pack_size=pack,
                vat_rate=Decimal(vat),
                tiers=[PriceTier(min_quantity=a, max_quantity=b, unit_price=Decimal(p)) for a, b, p in tiers],
            )
        )
    campaign.sites = [DeliverySite(organization_id=demo.members[k].id) for k in ("tours", "orleans", "limoges")]
    db.session.add(campaign)
    db.session.flush()
    return campaign


def _pledge(campaign: Campaign, demo, org: str, product: int, quantity: int, site: int = 0) -> None:
    db.session.add(
        Pledge(
            campaign_id=campaign.id,
            organization_id=demo.members[org].id,
            product_id=campaign.products[product].id,
            quantity=quantity,
            delivery_site_id=campaign.sites[site].id,
            user_id=demo.users["gestion"].id,
        )
    )


def _campaigns(demo) -> None:
    gloves = [
        (
            "GANT-L",
            "Gants de manutention taille L",
            "paire",
            10,
            "20",
            [(1, 49, "4.20"), (50, 199, "3.60"), (200, None, "3.10")],
        )
    ]
    current = _campaign(
        demo,
        "Gants et vêtements de travail 2027",
        "EPI Centre",
        _at(-5, 9),
        _at(12, 18),
        100,
        gloves + [("VESTE-M", "Veste de travail M", "pièce", 1, "20", [(1, 19, "38.00"), (20, None, "32.50")])],
    )
    for org, quantity in (("tours", 60), ("orleans", 40), ("blois", 30), ("limoges", 50)):
        _pledge(current, demo, org, 0, quantity, 2 if org == "limoges" else 0)
    _pledge(current, demo, "tours", 1, 8)
    _pledge(current, demo, "blois", 1, 9)

    closed = _campaign(
        demo,
        "Étiquettes et balances 2026",
        "Pesage Loire",
        _at(-60, 9),
        _at(-30, 18),
        10,
        [
            ("ETQ-R", "Rouleaux d'étiquettes prix", "rouleau", 6, "20", [(1, 59, "7.50"), (60, None, "6.20")]),
            ("BAL-30", "Balance 30 kg homologuée", "pièce", 1, "5.5", [(1, 4, "189.00"), (5, None, "165.00")]),
        ],
    )
    for org, rolls, scales in (("tours", 36, 2), ("orleans", 24, 1), ("bourges", 18, 2), ("gueret", 12, 1)):
        _pledge(closed, demo, org, 0, rolls, 0 if org != "gueret" else 2)
        _pledge(closed, demo, org, 1, scales, 0 if org != "gueret" else 2)
    db.session.flush()
    purchases.close_campaign(closed.id)
    purchases.receive(demo.users["coordination"], closed.id, {closed.products[0].id: 72, closed.products[1].id: 6})

    small = _campaign(
        demo,
        "Licences logiciel de caisse",
        "Caisse Solidaire",
        _at(-40, 9),
        _at(-20, 18),
        10,
        [("LIC-1", "Licence annuelle", "licence", 1, "20", [(1, 9, "240.00"), (10, None, "190.00")])],
    )
    _pledge(small, demo, "chartres", 0, 3)
    _pledge(small, demo, "vendome", 0, 2)
    db.session.flush()
    purchases.close_campaign(small.id)


def load(demo) -> None:
    items = _equipment(demo)
    _bookings(demo, items)
    _campaigns(demo)
    db.session.flush()
