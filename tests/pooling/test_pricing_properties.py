"""Property tests of the shares: Decimal to the cent, summing exactly to the order total."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import DomainError
from modules.pooling.services.pricing import (
    Line,
    Tier,
    next_tier,
    parse_tiers,
    price_for,
    shares,
    split_units,
    validate_tiers,
)

CENT = Decimal("0.01")
prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999.99"), places=2)
vat_rates = st.sampled_from([Decimal("0"), Decimal("2.1"), Decimal("5.5"), Decimal("10"), Decimal("20")])


@st.composite
def tier_lists(draw):
    bounds = sorted(draw(st.sets(st.integers(min_value=2, max_value=500), max_size=4)))
    starts = [1] + bounds
    ends = [b - 1 for b in bounds] + [None]
    return [Tier(s, e, draw(prices)) for s, e in zip(starts, ends)]


@st.composite
def orders(draw):
    lines = []
    for product_id in range(draw(st.integers(min_value=1, max_value=4))):
        tiers = draw(tier_lists())
        quantities = draw(
            st.dictionaries(
                st.integers(min_value=1, max_value=30), st.integers(min_value=0, max_value=400), min_size=1, max_size=12
            )
        )
        lines.append(
            Line(
                product_id, price_for(tiers, sum(quantities.values())), draw(vat_rates), quantities, tiers[0].unit_price
            )
        )
    return lines


@settings(max_examples=300, deadline=None)
@given(orders())
def test_shares_sum_exactly_to_the_order_total(lines):
    result = shares(lines)
    total = sum(line.total for line in lines)
    assert sum(s.amount for s in result.values()) == total
    assert sum(s.excl_vat for s in result.values()) == sum(line.excl_vat for line in lines)
    for share in result.values():
        assert share.amount == share.amount.quantize(CENT) and share.amount >= 0


@settings(max_examples=200, deadline=None)
@given(orders())
def test_each_share_is_within_a_cent_per_line_of_its_exact_value(lines):
    result = shares(lines)
    for org, share in result.items():
        exact = sum((line.total * line.quantities.get(org, 0) / line.quantity) for line in lines if line.quantity)
        assert abs(share.amount - exact) <= CENT * 2 * len(lines)


@settings(max_examples=200, deadline=None)
@given(tier_lists(), st.integers(min_value=0, max_value=1000))
def test_price_and_next_tier_are_consistent(tiers, quantity):
    price = price_for(tiers, quantity)
    assert price in {t.unit_price for t in tiers}
    following = next_tier(tiers, quantity)
    if following is not None:
        more, next_price = following
        assert more > 0 and price_for(tiers, quantity + more) == next_price
        assert price_for(tiers, quantity + more - 1) == price


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=0, max_value=500),
    st.lists(st.integers(min_value=0, max_value=100), min_size=1, max_size=10),
    st.sampled_from([1, 2, 6, 10]),
)
def test_split_units_hands_out_whole_packs_exactly(delivered, weights, pack):
    delivered -= delivered % pack
    parts = split_units(delivered, weights, pack)
    if sum(weights):
        assert sum(parts) == delivered
    assert all(p % pack == 0 for p in parts)
    assert all(p == 0 for p, w in zip(parts, weights) if w == 0)


def test_largest_remainder_is_the_documented_rule():
    # 10.00 over three equal quantities: 3.33 each, the leftover cent to the first organization
    line = Line(1, Decimal("3.333333"), Decimal("0"), {7: 1, 8: 1, 9: 1})
    result = shares([line])
    assert [result[o].amount for o in (7, 8, 9)] == [Decimal("3.34"), Decimal("3.33"), Decimal("3.33")]


@pytest.mark.parametrize(
    "text, message",
    [
        ("1-49: 12.00\n40-199: 10.50\n200+: 9.20", "overlap"),
        ("1-49: 12.00\n60-199: 10.50\n200+: 9.20", "gap"),
        ("2-49: 12.00\n50+: 10.00", "start at 1"),
        ("1-49: 12.00\n50-99: 10.00", "open-ended"),
        ("1-49 twelve", "Line 1"),
        ("", "at least one"),
    ],
)
def test_bad_tiers_are_refused_with_a_clear_message(app, text, message):
    with pytest.raises(DomainError, match=message):
        parse_tiers(text)


def test_good_tiers_parse(app):
    tiers = parse_tiers("1-49: 12.00\n50-199: 10,50\n200+: 9.20")
    assert tiers == [Tier(1, 49, Decimal("12.00")), Tier(50, 199, Decimal("10.50")), Tier(200, None, Decimal("9.20"))]
    assert validate_tiers(list(reversed(tiers))) == tiers
