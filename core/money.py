"""Splitting an amount to the cent so that the parts add up exactly.

Rule (largest remainder, a.k.a. Hamilton): each part gets its exact pro-rata share rounded down
to the cent; the cents left over go one each to the parts with the largest remainders, ties to
the earlier part. The sum of the parts is always exactly the total.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_cents(amount) -> Decimal:
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def allocate(total, weights) -> list[Decimal]:
    total = to_cents(total)
    weights = [Decimal(w) for w in weights]
    if total < 0 or any(w < 0 for w in weights):
        raise ValueError("amounts and weights must not be negative")
    weight_sum = sum(weights)
    if not weights or weight_sum == 0:
        if total == 0:
            return [Decimal("0.00")] * len(weights)
        raise ValueError("cannot split a non-zero amount over no weight")
    exact = [total * w / weight_sum for w in weights]
    parts = [e.quantize(CENT, rounding=ROUND_DOWN) for e in exact]
    leftover = int((total - sum(parts)) / CENT)
    order = sorted(range(len(parts)), key=lambda i: (parts[i] - exact[i], i))
    for i in order[:leftover]:
        parts[i] += CENT
    return parts
