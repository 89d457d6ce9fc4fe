"""Group purchase pages: campaign creation, pledging with errors kept, documents, reception, history."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from core.clock import local
from core.db import utcnow
from core.extensions import db
from modules.pooling.models import Campaign, Pledge
from modules.pooling.services import purchases


def _t(value):
    return local(value).strftime("%Y-%m-%dT%H:%M")


def test_coordinator_creates_a_campaign_from_the_form(client, login_as, net):
    login_as(net.admin)
    data = {
        "title": "Gants 2027",
        "organization_id": net.owner.id,
        "supplier_name": "EPI Centre",
        "opens_at": _t(utcnow()),
        "deadline": _t(utcnow() + timedelta(days=7)),
        "site_ids": [net.owner.id],
        "products": "GANT-L | Gants L | paire | 10 | 20 | 1-49: 12.00; 40-199: 10.50; 200+: 9.20",
    }
    bad = client.post("/pooling/purchases/new", data=data)
    assert bad.status_code == 422 and "Gants 2027" in bad.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Campaign.id))) == 0
    data["products"] = "GANT-L | Gants L | paire | 10 | 20 | 1-49: 12.00; 50-199: 10.50; 200+: 9.20"
    assert client.post("/pooling/purchases/new", data=data).status_code == 302
    campaign = db.session.scalar(db.select(Campaign))
    assert [t.unit_price for t in campaign.products[0].tiers][-1] == Decimal("9.20")


def test_member_pledges_on_the_page_and_sees_the_next_tier(client, login_as, net, make_campaign):
    campaign = make_campaign()
    gloves = campaign.products[0]
    login_as(net.staff)
    prefix = f"p{gloves.id}"
    bad = client.post(
        f"/pooling/purchases/{campaign.id}/pledge/{gloves.id}",
        data={
            f"{prefix}-quantity": "15",
            f"{prefix}-delivery_site_id": campaign.sites[0].id,
            f"{prefix}-organization_id": net.booker.id,
            f"{prefix}-product_id": gloves.id,
        },
    )
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'value="15"' in html and "is-invalid" in html
    assert db.session.scalar(db.select(db.func.count(Pledge.id))) == 0
    good = client.post(
        f"/pooling/purchases/{campaign.id}/pledge/{gloves.id}",
        data={
            f"{prefix}-quantity": "40",
            f"{prefix}-delivery_site_id": campaign.sites[1].id,
            f"{prefix}-organization_id": net.booker.id,
            f"{prefix}-product_id": gloves.id,
        },
    )
    assert good.status_code == 302
    page = client.get(f"/pooling/purchases/{campaign.id}").get_data(as_text=True)
    assert "10 " in page and "40" in page  # 10 more units reach the next price


def test_closed_campaign_documents_reception_and_history(client, login_as, net, make_campaign):
    campaign = make_campaign()
    gloves = campaign.products[0]
    purchases.pledge(net.staff, campaign.id, gloves.id, 120)
    purchases.pledge(net.other_staff, campaign.id, gloves.id, 80)
    campaign.deadline = utcnow() - timedelta(seconds=1)
    db.session.commit()
    purchases.close_campaign(campaign.id)
    db.session.commit()
    login_as(net.staff)
    pdf = client.get(f"/pooling/purchases/{campaign.id}/order.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert "GANT-L" in client.get(f"/pooling/purchases/{campaign.id}/order.csv").get_data(as_text=True)
    assert client.get(f"/pooling/purchases/{campaign.id}/reception").status_code == 403
    client.post("/logout")
    login_as(net.admin)
    form = client.get(f"/pooling/purchases/{campaign.id}/reception")
    assert form.status_code == 200
    too_many = client.post(
        f"/pooling/purchases/{campaign.id}/reception",
        data={f"product_{gloves.id}": "500", f"product_{campaign.products[1].id}": "0"},
    )
    assert too_many.status_code == 422
    done = client.post(
        f"/pooling/purchases/{campaign.id}/reception",
        data={f"product_{gloves.id}": "150", f"product_{campaign.products[1].id}": "0"},
    )
    assert done.status_code == 302
    db.session.refresh(campaign)
    assert campaign.status == "received"
    history = client.get("/pooling/purchases/history")
    assert history.status_code == 200 and "Workwear" in history.get_data(as_text=True)
    assert client.get("/pooling/purchases/history.svg").mimetype == "image/svg+xml"


def test_open_campaign_has_no_purchase_order_yet(client, login_as, net, make_campaign):
    campaign = make_campaign()
    login_as(net.staff)
    assert client.get(f"/pooling/purchases/{campaign.id}/order.pdf").status_code == 422
    assert client.get("/pooling/purchases/999999").status_code == 404
