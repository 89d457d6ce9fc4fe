"""Pure arithmetic of group purchases: price tiers and exact shares (no database here).

Rounding rule: each product line is priced to the cent (quantity x tier price, then VAT on that
line, each rounded half-up); the line's amount excluding VAT and its VAT are then split between
the organizations pro rata to their quantities by the largest-remainder method
(core.money.allocate), so every organization's share is to the cent and the shares sum exactly to
the order total.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from core.errors import DomainError
from core.money import allocate, to_cents

# The bounds of every quantity and price typed on the web or in the API (the columns hold more).
MAX_QUANTITY = 1_000_000
MAX_PRICE = Decimal("99999999.99")
TIER_LINE = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)|(\+))\s*:\s*([0-9]+(?:[.,][0-9]{1,2})?)\s*$")


@dataclass(frozen=True)
class Tier:
    min_quantity: int
    max_quantity: int | None
    unit_price: Decimal


def parse_tiers(text: str, field: str = "tiers") -> list[Tier]:
    """'1-49: 12.00' one per line, the last one open-ended ('200+: 9.20')."""
    tiers = []
    for number, line in enumerate(row for row in (text or "").splitlines() if row.strip()):
        match = TIER_LINE.match(line)
        if not match:
            raise DomainError(
                _("Line %(n)d: write a tier as '1-49: 12.00' or '200+: 9.20'.", n=number + 1), field=field
            )
        low, high, plus, price = match.groups()
        tiers.append(Tier(int(low), None if plus else int(high), Decimal(price.replace(",", "."))))
    return validate_tiers(tiers, field)


def validate_tiers(tiers: list[Tier], field: str = "tiers") -> list[Tier]:
    """Tiers must start at 1, follow each other without gap or overlap, and end open-ended."""
    if not tiers:
        raise DomainError(_("Give at least one price tier."), field=field)
    tiers = sorted(tiers, key=lambda t: t.min_quantity)
    if tiers[0].min_quantity != 1:
        raise DomainError(_("The first tier must start at 1."), field=field)
    for tier, following in zip(tiers, tiers[1:]):
        if tier.max_quantity is None or following.min_quantity <= tier.max_quantity:
            raise DomainError(_("Tiers overlap at %(n)d.", n=following.min_quantity), field=field)
        if following.min_quantity != tier.max_quantity + 1:
            raise DomainError(_("Tiers leave a gap after %(n)d.", n=tier.max_quantity), field=field)
    for tier in tiers:
        if tier.max_quantity is not None and tier.max_quantity < tier.min_quantity:
            raise DomainError(_("A tier ends before it starts."), field=field)
        if tier.unit_price < 0:
            raise DomainError(_("A price cannot be negative."), field=field)
        if tier.unit_price > MAX_PRICE or max(tier.min_quantity, tier.max_quantity or 0) > MAX_QUANTITY:
            raise DomainError(_("A tier goes beyond the limits of an order."), field=field)
    if tiers[-1].max_quantity is not None:
        raise DomainError(_("The last tier must be open-ended (e.g. '200+: 9.20')."), field=field)
    return tiers


def price_for(tiers, quantity: int) -> Decimal:
    """The unit price at a network total; below the first tier, the first tier's price."""
    price = tiers[0].unit_price
    for tier in tiers:
        if quantity >= tier.min_quantity:
            price = tier.unit_price
    return price


def next_tier(tiers, quantity: int) -> tuple[int, Decimal] | None:
    """How many more units reach the next (cheaper) tier, and its price."""
    for tier in tiers:
        if tier.min_quantity > quantity:
            return tier.min_quantity - quantity, tier.unit_price
    return None


def parse_decimal(value: str, field: str) -> Decimal:
    try:
        number = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():  # "NaN" and "Infinity" parse, but compare with nothing
        raise DomainError(_("Enter a number."), field=field)
    return number


@dataclass(frozen=True)
class Line:
    """One product of an order: the network's quantities per organization, price and VAT."""

    product_id: int
    unit_price: Decimal
    vat_rate: Decimal  # percent
    quantities: dict[int, int]  # organization id -> units
    first_price: Decimal = Decimal("0")

    @property
    def quantity(self) -> int:
        return sum(self.quantities.values())

    @property
    def excl_vat(self) -> Decimal:
        return to_cents(self.quantity * self.unit_price)

    @property
    def vat(self) -> Decimal:
        return to_cents(self.excl_vat * self.vat_rate / 100)

    @property
    def total(self) -> Decimal:
        return self.excl_vat + self.vat


@dataclass
class OrgShare:
    excl_vat: Decimal = Decimal("0.00")
    vat: Decimal = Decimal("0.00")
    first_tier: Decimal = Decimal("0.00")

    @property
    def amount(self) -> Decimal:
        return self.excl_vat + self.vat


def shares(lines: list[Line]) -> dict[int, OrgShare]:
    """Each organization's share; sum of amounts == sum of line totals, exactly."""
    result: dict[int, OrgShare] = {}
    for line in lines:
        orgs = sorted(org for org, q in line.quantities.items() if q > 0)
        if not orgs:
            continue
        weights = [line.quantities[o] for o in orgs]
        for org, ht, vat in zip(orgs, allocate(line.excl_vat, weights), allocate(line.vat, weights)):
            share = result.setdefault(org, OrgShare())
            share.excl_vat += ht
            share.vat += vat
            share.first_tier += to_cents(line.quantities[org] * line.first_price * (100 + line.vat_rate) / 100)
    return result


def split_units(total: int, weights: list[int], step: int = 1) -> list[int]:
    """Split whole packs of ``step`` units pro rata (largest remainder, ties to the earlier)."""
    packs, weight_sum = total // step, sum(weights)
    if weight_sum == 0:
        return [0] * len(weights)
    exact = [Decimal(packs) * w / weight_sum for w in weights]
    parts = [int(e) for e in exact]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[: packs - sum(parts)]:
        parts[i] += 1
    return [p * step for p in parts]
