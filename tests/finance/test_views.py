"""The pages: a structure's statement, invoices and transfers; the treasurer's rounds, payments,
dashboard, settings and exports; in French and English; refusals shown on the form."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.clock import local, today
from core.db import utcnow
from core.extensions import db
from modules.finance.models import IssuerSettings, Payment, Round


@pytest.fixture
def frozen(world, charge, make_round):
    """A booking fee and a purchase share owed by A, frozen in a round."""
    a, b, c = world.orgs
    charge(a, b, "40.00", "pooling.booking:1", "Réservation : camion")
    charge(a, c, "12.34", "pooling.campaign:2", "Achat groupé : gants")
    return make_round()


def test_manager_sees_the_statement_in_both_languages(world, frozen, client, login_as):
    login_as(world.managers[0])
    page = client.get("/finance/statement").get_data(as_text=True)
    assert "Réservation : camion" in page and "-52,34" in page.replace("\u202f", "").replace("\xa0", "")
    page = client.get("/finance/statement?lang=en", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Achat groupé : gants" in page


def test_statement_filters_and_downloads(world, frozen, client, login_as):
    login_as(world.managers[0])
    page = client.get("/finance/statement?module=pooling&start=2000-01-01&end=2099-01-01")
    assert page.status_code == 200
    csv = client.get("/finance/statement.csv").get_data(as_text=True)
    assert csv.startswith("\ufeff") and "gants" in csv and ";" in csv
    pdf = client.get("/finance/statement.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.get("/finance/statement?start=notadate").status_code == 200


def test_invoice_pdf_shows_the_mentions(world, frozen, client, login_as):
    login_as(world.managers[0])
    page = client.get("/finance/invoices").get_data(as_text=True)
    assert "F-" in page
    invoice_id = frozen.id and db.session.scalar(db.select(db.text("min(id)")).select_from(db.text("finance_invoice")))
    pdf = client.get(f"/finance/invoices/{invoice_id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_creditor_marks_paid_partially_then_fully(world, frozen, client, login_as):
    transfer = frozen.transfers[0]
    creditor = world.managers[world.orgs.index(next(o for o in world.orgs if o.id == transfer.creditor_id))]
    login_as(creditor)
    url = f"/finance/transfers/{transfer.id}/pay"
    assert client.get(url).status_code == 200
    data = {"amount": "10.00", "paid_on": today().isoformat(), "means": "transfer", "reference": "VIR 1"}
    assert client.post(url, data=data).status_code == 302
    too_much = client.post(url, data={**data, "amount": "1000"})
    assert too_much.status_code == 422 and "restent" in too_much.get_data(as_text=True)
    huge = client.post(url, data={**data, "amount": "1e300"})
    assert huge.status_code == 422
    future = client.post(url, data={**data, "paid_on": (today() + timedelta(days=2)).isoformat()})
    assert future.status_code == 422
    assert db.session.scalar(db.select(db.func.count()).select_from(Payment)) == 1


def test_treasurer_runs_a_round_from_the_page(world, charge, client, login_as):
    posted = charge(world.orgs[0], world.orgs[1], "40.00")
    posted.created_at -= timedelta(hours=2)
    login_as(world.treasurer)
    assert client.get("/finance/rounds/new").status_code == 200
    bad = client.post("/finance/rounds/new", data={"cutoff": "2026-03-29T02:30", "due_on": today().isoformat()})
    assert bad.status_code == 422
    far = client.post("/finance/rounds/new", data={"cutoff": "1999-01-01T10:00", "due_on": "2999-01-01"})
    assert far.status_code == 422
    assert db.session.scalar(db.select(db.func.count()).select_from(Round)) == 0
    cutoff = local(utcnow() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    due_on = (today() + timedelta(days=3)).isoformat()
    done = client.post("/finance/rounds/new", data={"cutoff": cutoff, "due_on": due_on})
    assert done.status_code == 302 and db.session.scalar(db.select(Round)).total == 40


def test_treasurer_pages(world, frozen, client, login_as):
    login_as(world.treasurer)
    for url in (
        "/finance/rounds",
        f"/finance/rounds/{frozen.id}",
        "/finance/dashboard",
        "/finance/settings",
        "/finance/accounts",
        "/finance/exports",
        "/finance/transfers",
    ):
        assert client.get(url).status_code == 200, url


def test_issuer_settings_refuse_a_bad_siret(world, client, login_as):
    login_as(world.treasurer)
    data = {
        "organization": world.orgs[0].id,
        "siret": "12345678901234",
        "vat_mode": "exempt",
        "payment_terms_days": "30",
    }
    response = client.post("/finance/settings", data=data)
    assert response.status_code == 422 and "SIRET" in response.get_data(as_text=True)
    assert client.post("/finance/settings", data={**data, "siret": "73282932000074"}).status_code == 302
    assert db.session.get(IssuerSettings, world.orgs[0].id).siret == "73282932000074"


def test_exports_download(world, frozen, client, login_as):
    login_as(world.treasurer)
    start, end = today().replace(day=1).isoformat(), today().isoformat()
    fec = client.get(f"/finance/exports?org={world.orgs[1].id}&start={start}&end={end}&kind=fec")
    assert fec.status_code == 200 and fec.get_data(as_text=True).startswith("JournalCode\tJournalLib")
    paheko = client.get(f"/finance/exports?org={world.orgs[1].id}&start={start}&end={end}&kind=paheko")
    assert paheko.status_code == 200 and "Numéro d'écriture" in paheko.get_data(as_text=True)
    backwards = client.get(f"/finance/exports?org={world.orgs[1].id}&start={end}&end=2000-01-01&kind=fec")
    assert backwards.status_code == 422


def test_menu_and_dashboard_widget(world, frozen, client, login_as):
    login_as(world.managers[0])
    home = client.get("/").get_data(as_text=True)
    assert "/finance/statement" in home
    assert "52,34" in home.replace("\u202f", "").replace("\xa0", "")
