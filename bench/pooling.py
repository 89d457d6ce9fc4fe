"""Pooling at scale: equipment with units and rules, years of bookings, group purchases.

Bookings follow each other on every unit with at least a day between them (the buffer included),
so no two active bookings ever overlap and PostgreSQL's exclusion constraint accepts them all.
Group-purchase shares come from the module's own arithmetic (``pricing.shares``): they sum to
the order total exactly.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time, timedelta
from decimal import Decimal
from types import SimpleNamespace

from core.clock import from_local, local
from core.ledger import Charge
from modules.pooling.models import (
    Booking,
    Campaign,
    ConditionReport,
    DeliverySite,
    Equipment,
    EquipmentUnit,
    Pledge,
    PriceTier,
    Product,
    Share,
    Unavailability,
)
from modules.pooling.services.booking import fee_for
from modules.pooling.services.pricing import Line, price_for, shares

CATEGORIES = (
    "Véhicule",
    "Remorque",
    "Presse à balles",
    "Stand",
    "Outillage",
    "Manutention",
    "Sono et vidéo",
    "Mobilier d'exposition",
    "Atelier de réparation",
    "Informatique",
)
# (hours, possible Paris start hours): every booking starts and ends within 8:00-19:00
DURATIONS = ((4, (8, 9, 13, 14)), (8, (8, 9, 10)), (24, (8, 9, 10, 14)), (48, (8, 9, 10, 14)), (72, (8, 9, 14)))
DURATION_WEIGHTS = (30, 40, 15, 10, 5)
MEAN_CYCLE_DAYS = 4.5  # a booking and the gap after it, on average
FUTURE_DAYS = 60  # how far ahead the last bookings of each unit reach, on average
REPORTED_DAYS = 60  # returned bookings of the last two months carry their condition reports
QUOTA = 4

EQUIPMENT_COLUMNS = (
    "id",
    "organization_id",
    "site_id",
    "name",
    "category",
    "description",
    "site_address",
    "units",
    "value",
    "active",
    "booking_scope",
    "allowed_org_ids",
    "allowed_roles",
    "min_hours",
    "max_hours",
    "lead_hours",
    "buffer_minutes",
    "approval_required",
    "fee_per_day",
    "fee_per_half_day",
    "deposit",
    "quota_bookings_per_month",
    "opens_at",
    "closes_at",
    "open_weekdays",
    "created_at",
    "updated_at",
)
BOOKING_COLUMNS = (
    "id",
    "equipment_id",
    "unit_id",
    "organization_id",
    "user_id",
    "group_key",
    "start_at",
    "end_at",
    "end_with_buffer",
    "status",
    "purpose",
    "refusal_reason",
    "fee",
    "picked_up_at",
    "returned_at",
    "created_at",
    "updated_at",
)


def _equipment(net, rng) -> list[SimpleNamespace]:
    items = []
    for n, item_id in enumerate(net.bulk.next_ids(Equipment, net.sizes["equipment"])):
        owner = net.members[n % len(net.members)]
        scope = rng.choices(("all", "organizations", "roles"), (90, 5, 5))[0]
        allowed = (
            sorted({owner, *rng.sample(net.members, min(3, len(net.members)))}) if scope == "organizations" else []
        )
        fee = Decimal(rng.choice((0, 0, 20, 35, 50, 80, 120)))
        hours = rng.random() < 0.7
        category = CATEGORIES[n % len(CATEGORIES)]
        items.append(
            SimpleNamespace(
                id=item_id,
                owner=owner,
                category=category,
                name=f"{category} {n:05d}",
                units=rng.choices((1, 2, 3), (80, 15, 5))[0],
                scope=scope,
                allowed=allowed,
                lead_hours=rng.choice((0, 0, 24)),
                buffer_minutes=rng.choice((0, 30, 60)),
                approval_required=rng.random() < 0.3,
                fee_per_day=fee,
                fee_per_half_day=fee / 2,
                quota=QUOTA if rng.random() < 0.1 else None,
                opens_at=time(8) if hours else None,
                closes_at=time(19) if hours else None,
                open_weekdays=rng.choice(("1234567", "1234567", "123456")),
            )
        )
    now = net.now
    net.bulk.insert(
        Equipment,
        EQUIPMENT_COLUMNS,
        (
            (
                e.id,
                e.owner,
                e.owner,
                e.name,
                e.category,
                "",
                f"Dépôt de l'organisation {e.owner}",
                e.units,
                Decimal(rng.randrange(200, 30000)),
                True,
                e.scope,
                ",".join(map(str, e.allowed)),
                "member_manager" if e.scope == "roles" else "",
                2,
                168,
                e.lead_hours,
                e.buffer_minutes,
                e.approval_required,
                e.fee_per_day,
                e.fee_per_half_day,
                Decimal(rng.choice((0, 100, 500))),
                e.quota,
                e.opens_at,
                e.closes_at,
                e.open_weekdays,
                now,
                now,
            )
            for e in items
        ),
    )
    unit_ids = iter(net.bulk.next_ids(EquipmentUnit, sum(e.units for e in items)))
    for item in items:
        item.unit_ids = [next(unit_ids) for _ in range(item.units)]
    net.bulk.insert(
        EquipmentUnit,
        ("id", "equipment_id", "number", "active"),
        ((u, e.id, number + 1, True) for e in items for number, u in enumerate(e.unit_ids)),
    )
    return items


def _period(item, day, rng) -> tuple[datetime, datetime]:
    """A booking starting on ``day`` (Paris), moved past Sundays for items closed on Sundays."""
    hours, starts = rng.choices(DURATIONS, DURATION_WEIGHTS)[0]
    start_hour = rng.choice(starts)
    while True:
        start = datetime.combine(day, time(start_hour))
        end = start + timedelta(hours=hours)
        if "7" in item.open_weekdays or (start.isoweekday() != 7 and end.isoweekday() != 7):
            return from_local(start), from_local(end)
        day += timedelta(days=1)


def _status(item, start, end, now, rng) -> str:
    if end <= now:
        return rng.choices(
            ("returned", "cancelled", "refused" if item.approval_required else "cancelled", "no_show"), (85, 6, 3, 6)
        )[0]
    if start <= now:
        return "picked_up"
    if rng.random() < 0.08:
        return "cancelled"
    return "requested" if item.approval_required and rng.random() < 0.5 else "approved"


class _Bookers:
    """Who books an item: any member (or the allowed ones), its managers or staff, within quotas."""

    def __init__(self, net, rng):
        self.net, self.rng, self.quota_used = net, rng, Counter()

    def pick(self, item, start) -> tuple[int, int]:
        net, rng = self.net, self.rng
        for _attempt in range(20):
            org = rng.choice(item.allowed) if item.allowed else rng.choice(net.members)
            month = local(start).strftime("%Y-%m")
            if item.quota is None or self.quota_used[item.id, org, month] < item.quota:
                break
        else:  # quota reached everywhere this month (tiny networks): the owner books its own item
            org = item.owner
        if item.quota is not None:
            self.quota_used[item.id, org, month] += 1
        people = net.managers[org] if item.scope == "roles" else net.managers[org] + net.staff.get(org, [])
        return org, rng.choice(people)


def _bookings(net, items, rng) -> None:
    bulk, now = net.bulk, net.now
    units = [(item, unit_id) for item in items for unit_id in item.unit_ids]
    base, extra = divmod(net.sizes["bookings"], len(units))
    booking_ids = iter(bulk.next_ids(Booking, net.sizes["bookings"]))
    bookers, charges, reports = _Bookers(net, rng), [], []
    today = local(now).date()

    def rows():
        for index, (item, unit_id) in enumerate(units):
            count = base + (1 if index < extra else 0)
            day = today + timedelta(days=FUTURE_DAYS - round(count * MEAN_CYCLE_DAYS) + rng.randrange(5))
            for _n in range(count):
                start, end = _period(item, day, rng)
                booking_id = next(booking_ids)
                status = _status(item, start, end, now, rng)
                org, user = bookers.pick(item, start)
                fee = fee_for(item, start, end)
                created = start - timedelta(days=rng.randrange(1, 30), hours=rng.randrange(12))
                if status == "returned" and fee > 0 and org != item.owner:
                    charges.append(
                        (
                            org,
                            item.owner,
                            fee,
                            f"Réservation : {item.name}",
                            f"pooling.booking:{booking_id}",
                            False,
                            end,
                        )
                    )
                if status == "returned" and end > now - timedelta(days=REPORTED_DAYS):
                    reports.append((booking_id, "check_out", "good", "", user, start))
                    reports.append((booking_id, "check_in", rng.choice(("good", "good", "worn")), "", user, end))
                yield (
                    booking_id,
                    item.id,
                    unit_id,
                    org,
                    user,
                    f"{rng.getrandbits(64):016x}",
                    start,
                    end,
                    end + timedelta(minutes=item.buffer_minutes),
                    status,
                    "",
                    "Matériel déjà réservé ce jour-là." if status == "refused" else "",
                    fee,
                    start if status in ("picked_up", "returned") else None,
                    end if status == "returned" else None,
                    created,
                    max(created, min(end, now)),
                )
                day = local(end).date() + timedelta(days=rng.randint(1, 7))

    bulk.insert(Booking, BOOKING_COLUMNS, rows())
    bulk.insert(
        Charge,
        ("id", "debtor_id", "creditor_id", "amount", "reason", "source", "released", "created_at"),
        ((i, *row) for i, row in zip(bulk.next_ids(Charge, len(charges)), charges)),
    )
    bulk.insert(
        ConditionReport,
        ("id", "booking_id", "moment", "state", "comment", "user_id", "created_at"),
        ((i, *row) for i, row in zip(bulk.next_ids(ConditionReport, len(reports)), reports)),
    )


def _maintenance(net, items, rng) -> None:
    """A past maintenance week for one item in twenty."""
    chosen = [item for item in items if rng.random() < 0.05]
    rows = []
    for period_id, item in zip(net.bulk.next_ids(Unavailability, len(chosen)), chosen):
        start = net.now - timedelta(days=rng.randrange(30, 700))
        rows.append(
            (
                period_id,
                item.id,
                None,
                "maintenance",
                start,
                start + timedelta(days=7),
                "Révision annuelle",
                start,
                start,
            )
        )
    net.bulk.insert(
        Unavailability,
        ("id", "equipment_id", "unit_id", "kind", "start_at", "end_at", "reason", "created_at", "updated_at"),
        rows,
    )


def _tiers(rng) -> list[tuple[int, int | None, Decimal]]:
    price = Decimal(rng.randrange(300, 5000)) / 100
    return [
        (1, 49, price),
        (50, 199, (price * Decimal("0.9")).quantize(Decimal("0.01"))),
        (200, None, (price * Decimal("0.8")).quantize(Decimal("0.01"))),
    ]


def _campaigns(net, rng) -> None:
    bulk, now = net.bulk, net.now
    count = net.sizes["campaigns"]
    campaign_rows, product_rows, tier_rows, site_rows, pledge_rows, share_rows, charges = [], [], [], [], [], [], []
    for n, campaign_id in enumerate(bulk.next_ids(Campaign, count)):
        deadline = (
            now + timedelta(days=rng.randrange(5, 40))
            if n % 10 == 0
            else now - timedelta(days=rng.randrange(10, 365 * net.sizes["years"]))
        )
        status = "open" if deadline > now else rng.choices(("received", "closed", "cancelled"), (60, 25, 15))[0]
        opens = min(deadline - timedelta(days=30), now - timedelta(days=10))
        received = min(deadline + timedelta(days=20), now)
        sites = rng.sample(net.members, min(3, len(net.members)))
        site_ids = list(bulk.next_ids(DeliverySite, len(sites)))
        site_rows += [(s, campaign_id, org) for s, org in zip(site_ids, sites)]
        lines = []
        for p, product_id in enumerate(bulk.next_ids(Product, 3)):
            tiers = _tiers(rng)
            pack = rng.choice((1, 5, 10))
            vat = Decimal(rng.choice(("20", "5.5")))
            pledgers = rng.sample(net.members, max(1, len(net.members) // 10))
            quantities = {org: pack * rng.randint(1, 12) for org in pledgers}
            price = price_for(
                [SimpleNamespace(min_quantity=t[0], unit_price=t[2]) for t in tiers], sum(quantities.values())
            )
            done = status in ("closed", "received")
            product_rows.append(
                (
                    product_id,
                    campaign_id,
                    f"REF-{n}-{p}",
                    f"Produit {n}-{p}",
                    "pièce",
                    pack,
                    vat,
                    price if done else None,
                    sum(quantities.values()) if status == "received" else None,
                )
            )
            tier_rows += [(product_id, low, high, unit_price) for low, high, unit_price in tiers]
            for org, quantity in sorted(quantities.items()):
                pledge_rows.append(
                    (
                        campaign_id,
                        org,
                        product_id,
                        rng.choice(site_ids),
                        rng.choice(net.managers[org]),
                        quantity,
                        quantity if status == "received" else None,
                        opens + timedelta(days=3),
                    )
                )
            lines.append(Line(product_id, price, vat, quantities, tiers[0][2]))
        campaign_rows.append(
            (
                campaign_id,
                net.network_id,
                f"Achat groupé {n}",
                f"Fournisseur {n % 17}",
                opens,
                deadline,
                status,
                deadline if status != "open" else None,
                received if status == "received" else None,
                opens,
                min(deadline, now),
            )
        )
        if status in ("closed", "received"):
            for org, share in sorted(shares(lines).items()):
                share_rows.append((campaign_id, org, share.excl_vat, share.vat, share.amount, share.first_tier))
                if status == "received" and org != net.network_id and share.amount > 0:
                    charges.append(
                        (
                            org,
                            net.network_id,
                            share.amount,
                            f"Achat groupé {n}",
                            f"pooling.campaign:{campaign_id}",
                            False,
                            received,
                        )
                    )
    bulk.insert(
        Campaign,
        (
            "id",
            "organization_id",
            "title",
            "supplier_name",
            "opens_at",
            "deadline",
            "status",
            "closed_at",
            "received_at",
            "created_at",
            "updated_at",
        ),
        campaign_rows,
    )
    bulk.insert(
        Product,
        (
            "id",
            "campaign_id",
            "reference",
            "name",
            "unit",
            "pack_size",
            "vat_rate",
            "final_unit_price",
            "delivered_quantity",
        ),
        product_rows,
    )
    bulk.insert(
        PriceTier,
        ("id", "product_id", "min_quantity", "max_quantity", "unit_price"),
        ((i, *row) for i, row in zip(bulk.next_ids(PriceTier, len(tier_rows)), tier_rows)),
    )
    bulk.insert(DeliverySite, ("id", "campaign_id", "organization_id"), site_rows)
    bulk.insert(
        Pledge,
        (
            "id",
            "campaign_id",
            "organization_id",
            "product_id",
            "delivery_site_id",
            "user_id",
            "quantity",
            "received_quantity",
            "created_at",
            "updated_at",
        ),
        ((i, *row, row[-1]) for i, row in zip(bulk.next_ids(Pledge, len(pledge_rows)), pledge_rows)),
    )
    bulk.insert(
        Share,
        ("id", "campaign_id", "organization_id", "amount_excl_vat", "vat", "amount", "first_tier_amount"),
        ((i, *row) for i, row in zip(bulk.next_ids(Share, len(share_rows)), share_rows)),
    )
    bulk.insert(
        Charge,
        ("id", "debtor_id", "creditor_id", "amount", "reason", "source", "released", "created_at"),
        ((i, *row) for i, row in zip(bulk.next_ids(Charge, len(charges)), charges)),
    )


def generate(net) -> None:
    rng = net.rng("pooling")
    items = _equipment(net, rng)
    _maintenance(net, items, rng)
    _bookings(net, items, rng)
    _campaigns(net, rng)
