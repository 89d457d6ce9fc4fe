"""Group purchases: pledges until the deadline, closing, shares, reception and the ledger."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from core import ledger
from core.db import utcnow
from core.errors import Conflict, DomainError, NotFound
from core.extensions import db
from core.mail import OutgoingMail
from modules.pooling.models import Pledge, Share
from modules.pooling.services import purchase_docs, purchases
from modules.pooling.services.campaign_setup import ProductInput, create_campaign
from modules.pooling.services.pricing import Tier


def _pledges():
    return db.session.scalar(db.select(db.func.count(Pledge.id)))


def test_live_figures_next_tier_and_estimated_share(net, make_campaign):
    campaign = make_campaign()
    gloves, jackets = campaign.products
    purchases.pledge(net.staff, campaign.id, gloves.id, 30)
    purchases.pledge(net.other_staff, campaign.id, gloves.id, 10)
    db.session.commit()
    rows, estimate = purchases.figures(campaign, net.booker.id)
    assert (rows[0].total, rows[0].unit_price, rows[0].next_tier) == (40, Decimal("12.00"), (10, Decimal("10.50")))
    assert rows[0].own_quantity == 30
    assert estimate.amount == Decimal("432.00")  # 30 x 12.00 + 20 % VAT
    purchases.pledge(net.other_staff, campaign.id, gloves.id, 20)  # the network reaches 50
    rows, estimate = purchases.figures(campaign, net.booker.id)
    assert rows[0].unit_price == Decimal("10.50") and estimate.amount == Decimal("378.00")


def test_pledge_is_set_not_added_and_zero_withdraws(net, make_campaign):
    campaign = make_campaign()
    gloves = campaign.products[0]
    purchases.pledge(net.staff, campaign.id, gloves.id, 30)
    purchases.pledge(net.manager, campaign.id, gloves.id, 20)  # same organization: replaces
    db.session.commit()
    assert purchases.totals(campaign) == {gloves.id: 20}
    purchases.pledge(net.staff, campaign.id, gloves.id, 0)
    db.session.commit()
    assert _pledges() == 0


@pytest.mark.parametrize(
    "quantity, product, message",
    [
        (-10, 0, "whole number"),
        (15, 0, "packs of 10"),
        (10, None, "not part of the campaign"),
    ],
)
def test_bad_pledges_are_refused_and_write_nothing(net, make_campaign, quantity, product, message):
    campaign = make_campaign()
    product_id = campaign.products[product].id if product is not None else 999_999
    with pytest.raises(DomainError, match=message):
        purchases.pledge(net.staff, campaign.id, product_id, quantity)
    db.session.rollback()
    assert _pledges() == 0


def test_no_pledge_after_the_deadline_even_before_the_closing_job(net, make_campaign):
    campaign = make_campaign()
    campaign.deadline = utcnow() - timedelta(seconds=1)  # the job has not run: status still "open"
    db.session.commit()
    assert campaign.status == "open"
    with pytest.raises(Conflict, match="deadline has passed"):
        purchases.pledge(net.staff, campaign.id, campaign.products[0].id, 10)
    db.session.rollback()
    assert _pledges() == 0


def test_bad_campaigns_are_refused(net):
    gloves = ProductInput("G", "Gloves", "pair", 10, Decimal("20"), [Tier(1, None, Decimal("1"))])
    now = utcnow()
    with pytest.raises(DomainError, match="in the past"):
        create_campaign(
            net.admin,
            net.owner.id,
            "T",
            "S",
            now - timedelta(days=2),
            now - timedelta(days=1),
            [gloves],
            [net.owner.id],
        )
    overlapping = ProductInput(
        "G", "Gloves", "pair", 10, Decimal("20"), [Tier(1, 50, Decimal("2")), Tier(40, None, Decimal("1"))]
    )
    with pytest.raises(DomainError, match="overlap"):
        create_campaign(net.admin, net.owner.id, "T", "S", now, now + timedelta(days=1), [overlapping], [net.owner.id])
    from core.accounts.permissions import PermissionDenied

    with pytest.raises(PermissionDenied):
        create_campaign(net.manager, net.booker.id, "T", "S", now, now + timedelta(days=1), [gloves], [net.owner.id])


def test_closing_below_the_minimum_cancels_and_tells_everyone(net, make_campaign):
    campaign = make_campaign(min_quantity=100)
    purchases.pledge(net.staff, campaign.id, campaign.products[0].id, 30)
    campaign.deadline = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert purchases.close_due_campaigns() == 1
    db.session.commit()
    assert campaign.status == "cancelled" and db.session.scalar(db.select(db.func.count(Share.id))) == 0
    assert db.session.scalar(
        db.select(OutgoingMail).where(OutgoingMail.user_id == net.staff.id, OutgoingMail.template.like("%cancelled%"))
    )


def test_closing_fixes_prices_and_shares_sum_to_the_order(net, make_campaign):
    campaign = make_campaign(min_quantity=10)
    gloves, jackets = campaign.products
    purchases.pledge(net.staff, campaign.id, gloves.id, 130)
    purchases.pledge(net.other_staff, campaign.id, gloves.id, 70)
    purchases.pledge(net.other_staff, campaign.id, jackets.id, 7)
    purchases.pledge(net.owner_staff, campaign.id, jackets.id, 4)
    campaign.deadline = utcnow() - timedelta(seconds=1)
    db.session.commit()
    purchases.close_campaign(campaign.id)
    db.session.commit()
    assert campaign.status == "closed"
    assert (gloves.final_unit_price, jackets.final_unit_price) == (Decimal("9.20"), Decimal("33.33"))
    order_total = sum(line.total for line in purchases.order_lines(campaign))
    stored = purchases.stored_shares(campaign, net.admin)
    assert sum(s.amount for s in stored) == order_total
    assert order_total == Decimal("2208.00") + Decimal("386.79")  # 200 x 9.20 +20 %; 11 x 33.33 = 366.63 +5.5 %
    mine = purchases.stored_shares(campaign, net.staff)
    assert [s.organization_id for s in mine] == [net.booker.id]
    assert purchase_docs.order_pdf(campaign).startswith(b"%PDF")
    header, rows = purchase_docs.order_table(campaign)
    cells = {str(value) for row in rows for value in row}
    assert "GANT-L" in cells and net.booker.name in cells
    with pytest.raises(Conflict):
        purchases.pledge(net.staff, campaign.id, gloves.id, 10)


def test_short_delivery_recomputes_shares_and_posts_them_to_the_ledger(net, make_campaign):
    campaign = make_campaign()
    gloves, jackets = campaign.products
    purchases.pledge(net.staff, campaign.id, gloves.id, 150)
    purchases.pledge(net.other_staff, campaign.id, gloves.id, 50)
    campaign.deadline = utcnow() - timedelta(seconds=1)
    db.session.commit()
    purchases.close_campaign(campaign.id)
    db.session.commit()
    with pytest.raises(DomainError, match="between 0 and 200"):
        purchases.receive(net.admin, campaign.id, {gloves.id: 210})
    with pytest.raises(DomainError, match="whole packs"):
        purchases.receive(net.admin, campaign.id, {gloves.id: 155})
    with pytest.raises(NotFound):
        purchases.receive(net.staff, campaign.id, {gloves.id: 100})
    db.session.rollback()
    purchases.receive(net.admin, campaign.id, {gloves.id: 120})
    db.session.commit()
    received = dict(db.session.execute(db.select(Pledge.organization_id, Pledge.received_quantity)).all())
    assert received == {net.booker.id: 90, net.other.id: 30}
    charges = ledger.charges_of(f"pooling.campaign:{campaign.id}")
    assert sum(c.amount for c in charges) == Decimal("1324.80")  # 120 x 9.20 (price fixed at closing) + VAT
    assert {c.creditor_id for c in charges} == {net.owner.id}
    purchases.receive(net.admin, campaign.id, {gloves.id: 200})  # corrected: the ledger follows
    db.session.commit()
    assert sum(c.amount for c in ledger.charges_of(f"pooling.campaign:{campaign.id}")) == Decimal("2208.00")
    rows, per_org = purchase_docs.history(net.admin)
    assert rows[0]["savings"] == Decimal("672.00")  # 200 x (12.00 - 9.20) x 1.2
    assert per_org[net.booker.id] == Decimal("504.00")
