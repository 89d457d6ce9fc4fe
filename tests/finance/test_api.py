"""/api/v1/finance: lists bounded and paginated, payments and rounds posted, problem+json refusals
that write nothing, structures isolated from each other."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.clock import today
from core.db import utcnow
from core.extensions import db
from modules.finance.models import Payment, Round

API = "/api/v1/finance"


@pytest.fixture
def frozen(world, charge, make_round):
    a, b, c = world.orgs
    charge(a, b, "40.00", "pooling.booking:1")
    charge(a, c, "12.34", "pooling.campaign:2")
    return make_round()


def test_statement_invoices_transfers_payments(world, frozen, client, api_token):
    headers = api_token(world.managers[0])
    body = client.get(f"{API}/statement", headers=headers).get_json()
    assert body["organization_id"] == world.orgs[0].id and body["total"] == 2
    assert [row["amount"] for row in body["items"]] == ["-40.00", "-12.34"] and body["items"][-1]["balance"] == "-52.34"
    invoices = client.get(f"{API}/invoices", headers=headers).get_json()
    assert invoices["total"] == 2
    one = client.get(f"{API}/invoices/{invoices['items'][0]['id']}", headers=headers).get_json()
    assert one["vat_mention"] == "TVA non applicable, art. 293 B du CGI" and one["lines"][0]["quantity"] == 1
    assert client.get(f"{API}/transfers", headers=headers).get_json()["total"] == 2
    assert client.get(f"{API}/payments", headers=headers).get_json()["total"] == 0


def test_post_a_payment_and_refusals(world, frozen, client, api_token):
    transfer = frozen.transfers[0]
    creditor = next(m for m, o in zip(world.managers, world.orgs, strict=True) if o.id == transfer.creditor_id)
    headers = api_token(creditor)
    url = f"{API}/transfers/{transfer.id}/payments"
    body = {"amount": "5.00", "paid_on": today().isoformat(), "means": "transfer", "reference": "VIR"}
    assert client.post(url, json=body, headers=headers).status_code == 201
    for bad in (
        {"amount": "-1"},
        {"amount": "1e400"},
        {"amount": "NaN"},
        {"amount": "9999999999999999"},
        {"amount": str(transfer.amount)},  # more than remains
        {"paid_on": "9999-12-31"},
        {"paid_on": (today() + timedelta(days=1)).isoformat()},
        {"means": "bitcoin"},
        {"reference": "x" * 500},
    ):
        response = client.post(url, json={**body, **bad}, headers=headers)
        assert response.status_code == 422, bad
        assert response.content_type == "application/problem+json"
    assert client.post(f"{API}/transfers/99999999999/payments", json=body, headers=headers).status_code == 404
    assert db.session.scalar(db.select(db.func.count()).select_from(Payment)) == 1


def test_treasurer_posts_a_round(world, charge, client, api_token):
    charge(world.orgs[0], world.orgs[1], "10.00")
    headers = api_token(world.treasurer)
    due = (today() + timedelta(days=10)).isoformat()
    refused = client.post(f"{API}/rounds", json={"cutoff": "2026-03-29T02:30:00", "due_on": due}, headers=headers)
    assert refused.status_code == 422
    cutoff = utcnow().isoformat()
    created = client.post(f"{API}/rounds", json={"cutoff": cutoff, "due_on": due}, headers=headers)
    assert created.status_code == 201 and created.get_json()["transfers"][0]["amount"] == "10.00"
    again = client.post(f"{API}/rounds", json={"cutoff": cutoff, "due_on": due}, headers=headers)
    assert again.status_code == 422 and again.get_json()["errors"]["cutoff"]
    assert client.get(f"{API}/rounds", headers=headers).get_json()["total"] == 1
    assert (
        client.post(
            f"{API}/rounds", json={"cutoff": cutoff, "due_on": due}, headers=api_token(world.managers[0])
        ).status_code
        == 403
    )
    assert db.session.scalar(db.select(db.func.count()).select_from(Round)) == 1


def test_exports(world, frozen, client, api_token):
    headers = api_token(world.treasurer)
    period = f"organization_id={world.orgs[1].id}&start={today().replace(day=1)}&end={today()}"
    fec = client.get(f"{API}/exports/fec?{period}", headers=headers).get_json()
    assert fec["content"].count("\t") > 17 and fec["debit"] == fec["credit"] == "40.00" and fec["entries"] == 1
    paheko = client.get(f"{API}/exports/paheko?{period}", headers=headers).get_json()
    assert "Compte" in paheko["content"] and paheko["filename"].endswith(".csv")
    assert client.get(f"{API}/exports/fec?start=2030-01-01&end=2000-01-01", headers=headers).status_code == 422
    assert client.get(f"{API}/exports/fec?{period}", headers=api_token(world.managers[1])).status_code == 403


def test_bounded_ids_and_pages(world, frozen, client, api_token):
    headers = api_token(world.managers[0])
    assert client.get(f"{API}/invoices/99999999999", headers=headers).status_code == 404
    assert client.get(f"{API}/statement?organization_id=99999999999", headers=headers).status_code == 422
    assert client.get(f"{API}/statement?per_page=1000", headers=headers).status_code == 422
    assert client.get(f"{API}/statement?start=1-1-1", headers=headers).status_code == 422
