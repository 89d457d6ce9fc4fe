"""Issue 17: bad input on the pooling pages and API gets a message and writes nothing; documents
add up; exports never carry a live formula."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from babel.numbers import parse_decimal
from flask_babel import get_locale

from core import ledger
from core.clock import local
from core.db import utcnow
from core.extensions import db
from core.money import to_cents
from modules.pooling.models import Booking, Campaign, Pledge, Unavailability
from modules.pooling.services import booking as service
from modules.pooling.services import handover, purchase_docs, purchases
from tests.pooling.conftest import at

EN = {"Accept-Language": "en"}
HUGE_ID = 2**64
FORMULA = '=HYPERLINK("http://x","y")'


@pytest.fixture
def english(net):
    """Pages in English for the people these tests log in, to read the messages."""
    for user in (net.staff, net.admin, net.owner_manager):
        user.locale = "en"
    db.session.commit()


def _count(model) -> int:
    return db.session.scalar(db.select(db.func.count(model.id)))


def _t(value) -> str:
    return local(value).strftime("%Y-%m-%dT%H:%M")


def _pledge_form(campaign, product_id: int, quantity, organization_id: int) -> dict:
    prefix = f"p{product_id}"
    return {
        f"{prefix}-quantity": str(quantity),
        f"{prefix}-delivery_site_id": campaign.sites[0].id,
        f"{prefix}-organization_id": organization_id,
        f"{prefix}-product_id": product_id,
    }


# --- numbers: the API's bounds on the web forms ------------------------------------------------


@pytest.mark.parametrize("quantity", ["2147483648", "1" + "0" * 30, "1000001"])
def test_the_pledge_form_refuses_what_the_api_refuses(client, login_as, net, english, make_campaign, quantity):
    campaign = make_campaign()
    jackets = campaign.products[1]  # packs of 1: only the bounds can refuse these numbers
    login_as(net.staff)
    answer = client.post(
        f"/pooling/purchases/{campaign.id}/pledge/{jackets.id}",
        data=_pledge_form(campaign, jackets.id, quantity, net.booker.id),
    )
    assert answer.status_code == 422 and "is-invalid" in answer.get_data(as_text=True)
    assert _count(Pledge) == 0


@pytest.mark.parametrize(
    "field, value", [("min_hours", "1" + "0" * 30), ("fee_per_day", "1e30"), ("deposit", "100000000")]
)
def test_the_equipment_form_refuses_numbers_beyond_its_bounds(client, login_as, net, english, field, value):
    login_as(net.owner_manager)
    data = {
        "name": "Presse",
        "category": "baler",
        "organization_id": net.owner.id,
        "site_id": net.owner.id,
        "units": "1",
        "booking_scope": "all",
        "min_hours": "1",
        "max_hours": "48",
        "lead_hours": "0",
        "buffer_minutes": "0",
        "open_weekdays": ["1"],
        field: value,
    }
    answer = client.post("/pooling/equipment/new", data=data)
    assert answer.status_code == 422 and "is-invalid" in answer.get_data(as_text=True)


@pytest.mark.parametrize(
    "change",
    [
        {"min_total_quantity": "99999999999"},
        {"min_total_amount": "1e30"},
        {"products": "GANT | Gants | paire | " + "9" * 30 + " | 20 | 1+: 12.00"},
        {"products": "GANT | Gants | paire | 10 | 20 | 1+: 1000000000000"},
        {"products": "GANT | Gants | paire | 10 | NaN | 1+: 12.00"},
    ],
)
def test_the_campaign_form_refuses_numbers_beyond_the_api_bounds(client, login_as, net, english, change):
    login_as(net.admin)
    data = {
        "title": "Gants",
        "organization_id": net.owner.id,
        "supplier_name": "EPI Centre",
        "opens_at": _t(utcnow()),
        "deadline": _t(utcnow() + timedelta(days=7)),
        "site_ids": [net.owner.id],
        "products": "GANT | Gants | paire | 10 | 20 | 1+: 12.00",
        **change,
    }
    assert client.post("/pooling/purchases/new", data=data).status_code == 422
    assert _count(Campaign) == 0


# --- ids in the query string ---------------------------------------------------------------------


@pytest.mark.parametrize("query", [f"equipment={HUGE_ID}", f"organization={HUGE_ID}", "equipment=-1"])
def test_usage_with_an_id_out_of_range_is_not_found(client, login_as, net, query):
    login_as(net.staff)
    for path in ("/pooling/usage", "/pooling/usage.csv", "/pooling/usage.svg"):
        assert client.get(f"{path}?{query}").status_code == 404


def test_usage_of_year_one_is_ignored_not_overflowed(client, login_as, net):
    login_as(net.staff)
    assert client.get(f"/pooling/usage?organization={net.booker.id}&from=0001-01").status_code == 200


def test_search_with_ids_out_of_range_still_answers(client, login_as, net, make_equipment):
    make_equipment()
    login_as(net.staff)
    query = {"start": _t(at(3, 9)), "end": _t(at(3, 17)), "site_id": HUGE_ID, "organization_id": HUGE_ID}
    assert client.get("/pooling/", query_string=query).status_code == 200


# --- the planning horizon ------------------------------------------------------------------------


def test_the_booking_api_refuses_a_date_past_the_calendar(client, net, make_equipment, api_token):
    van = make_equipment()
    answer = client.post(
        "/api/v1/pooling/bookings",
        headers={**api_token(net.staff), **EN},
        json={"equipment_id": van.id, "start": at(3, 9).isoformat(), "end": "9999-12-31T23:59:59-12:00"},
    )
    assert answer.status_code == 422 and answer.mimetype == "application/problem+json"
    assert _count(Booking) == 0


def test_availability_from_the_end_of_the_calendar_is_refused(client, net, make_equipment, api_token):
    van = make_equipment()
    answer = client.get(
        f"/api/v1/pooling/equipment/{van.id}/availability",
        headers={**api_token(net.staff), **EN},
        query_string={"first_day": "9999-12-31", "days": 28},
    )
    assert answer.status_code == 422 and answer.mimetype == "application/problem+json"


def test_bookings_beyond_two_years_are_refused_on_the_api_and_the_page(
    client, login_as, net, english, make_equipment, api_token
):
    van = make_equipment()
    start, end = at(3 * 365, 9), at(3 * 365, 17)
    answer = client.post(
        "/api/v1/pooling/bookings",
        headers={**api_token(net.staff), **EN},
        json={"equipment_id": van.id, "start": start.isoformat(), "end": end.isoformat()},
    )
    assert answer.status_code == 422 and "within 2 years" in answer.get_data(as_text=True)
    login_as(net.staff)
    page = client.post(
        f"/pooling/equipment/{van.id}/book",
        data={"start": _t(start), "end": _t(end), "quantity": "1", "organization_id": net.booker.id},
    )
    assert page.status_code == 422 and "within 2 years" in page.get_data(as_text=True)
    assert _count(Booking) == 0


def test_campaign_deadlines_beyond_two_years_are_refused(client, login_as, net, english, api_token):
    body = {
        "organization_id": net.owner.id,
        "title": "Gants",
        "supplier_name": "EPI Centre",
        "opens_at": utcnow().isoformat(),
        "deadline": "9000-01-01T12:00:00+01:00",
        "site_ids": [net.owner.id],
        "products": [{"reference": "G", "name": "Gants", "tiers": [{"min_quantity": 1, "unit_price": "12.00"}]}],
    }
    answer = client.post("/api/v1/pooling/purchases/campaigns", headers={**api_token(net.admin), **EN}, json=body)
    assert answer.status_code == 422 and "within 2 years" in answer.get_data(as_text=True)
    login_as(net.admin)
    data = {
        "title": "Gants",
        "organization_id": net.owner.id,
        "supplier_name": "EPI Centre",
        "opens_at": _t(utcnow()),
        "deadline": "9000-01-01T12:00",
        "site_ids": [net.owner.id],
        "products": "GANT | Gants | paire | 10 | 20 | 1+: 12.00",
    }
    page = client.post("/pooling/purchases/new", data=data)
    assert page.status_code == 422 and "within 2 years" in page.get_data(as_text=True)
    assert _count(Campaign) == 0


def test_unavailability_beyond_two_years_is_refused_with_a_message(client, login_as, net, english, make_equipment):
    van = make_equipment()
    login_as(net.owner_manager)
    answer = client.post(
        f"/pooling/equipment/{van.id}/unavailability",
        data={
            "period-kind": "maintenance",
            "period-start": "9999-01-01T09:00",
            "period-end": "9999-01-02T09:00",
            "period-unit_id": "0",
        },
        follow_redirects=True,
    )
    assert "within 2 years" in answer.get_data(as_text=True)
    assert _count(Unavailability) == 0


# --- daylight saving time ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, message", [("2027-03-28T02:30", "does not exist in Paris"), ("2027-10-31T02:30", "happens twice")]
)
def test_the_booking_form_refuses_a_time_paris_skips_or_repeats(
    client, login_as, net, english, make_equipment, start, message
):
    van = make_equipment()
    login_as(net.staff)
    end = start[:11] + "06:00"
    page = client.post(
        f"/pooling/equipment/{van.id}/book",
        data={"start": start, "end": end, "quantity": "1", "organization_id": net.booker.id},
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and message in html and f'value="{start}"' in html
    assert _count(Booking) == 0


@pytest.mark.parametrize(
    "start, message",
    [("2027-03-28T02:30:00", "does not exist in Paris"), ("2027-10-31T02:30:00", "happens twice")],
)
def test_the_booking_api_refuses_a_time_paris_skips_or_repeats(client, net, make_equipment, api_token, start, message):
    van = make_equipment()
    answer = client.post(
        "/api/v1/pooling/bookings",
        headers={**api_token(net.staff), **EN},
        json={"equipment_id": van.id, "start": start, "end": start[:11] + "06:00:00"},
    )
    assert answer.status_code == 422 and message in answer.get_data(as_text=True)
    assert _count(Booking) == 0


def test_a_time_without_offset_is_a_paris_wall_clock_time_on_the_api(client, net, make_equipment, api_token):
    van = make_equipment()
    start = local(at(3, 9)).replace(tzinfo=None)
    answer = client.post(
        "/api/v1/pooling/bookings",
        headers={**api_token(net.staff), **EN},
        json={"equipment_id": van.id, "start": start.isoformat(), "end": (start + timedelta(hours=3)).isoformat()},
    )
    assert answer.status_code == 201
    assert db.session.scalar(db.select(Booking.start_at)) == at(3, 9)


# --- refused pledges say why ---------------------------------------------------------------------


def test_a_pledge_for_another_organization_is_refused_with_a_message(client, login_as, net, english, make_campaign):
    campaign = make_campaign()
    gloves = campaign.products[0]
    login_as(net.staff)
    answer = client.post(
        f"/pooling/purchases/{campaign.id}/pledge/{gloves.id}",
        data=_pledge_form(campaign, gloves.id, 20, net.other.id),
    )
    assert answer.status_code == 422
    assert "This organization is not one you can act for." in answer.get_data(as_text=True)
    assert _count(Pledge) == 0


def test_a_pledge_on_a_closed_campaign_is_refused_with_a_message(client, login_as, net, english, make_campaign):
    campaign = make_campaign()
    gloves = campaign.products[0]
    campaign.status = "closed"
    db.session.commit()
    login_as(net.staff)
    answer = client.post(
        f"/pooling/purchases/{campaign.id}/pledge/{gloves.id}",
        data=_pledge_form(campaign, gloves.id, 20, net.booker.id),
    )
    assert answer.status_code == 422
    assert "The deadline has passed: pledges are closed." in answer.get_data(as_text=True)
    assert _count(Pledge) == 0


def test_a_pledge_for_an_unknown_product_is_refused_with_a_message(client, login_as, net, english, make_campaign):
    campaign = make_campaign()
    login_as(net.staff)
    answer = client.post(
        f"/pooling/purchases/{campaign.id}/pledge/999999", data=_pledge_form(campaign, 999999, 20, net.booker.id)
    )
    assert answer.status_code == 422
    assert "This product is not part of the campaign." in answer.get_data(as_text=True)
    assert _count(Pledge) == 0


# --- exports -------------------------------------------------------------------------------------


def _cells(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_a_name_typed_by_one_organization_is_inert_in_another_s_usage_csv(client, login_as, net, make_equipment):
    van = make_equipment(name=FORMULA)
    [booking] = service.book(net.staff, van.id, utcnow() + timedelta(minutes=1), utcnow() + timedelta(hours=3))
    handover.check_out(net.staff, booking.id, "good")
    handover.check_in(net.staff, booking.id, "good")
    db.session.commit()
    login_as(net.staff)
    rows = _cells(client.get(f"/pooling/usage.csv?organization={net.booker.id}").get_data(as_text=True))
    assert rows[1][1] == "'" + FORMULA
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def _received_short(make_campaign, net, name: str = "Gloves L"):
    """Gloves: 150 + 50 pledged (price 9.20 fixed at closing), 120 delivered."""
    campaign = make_campaign()
    gloves = campaign.products[0]
    gloves.name = name
    purchases.pledge(net.staff, campaign.id, gloves.id, 150)
    purchases.pledge(net.other_staff, campaign.id, gloves.id, 50)
    campaign.deadline = utcnow() - timedelta(seconds=1)
    db.session.commit()
    purchases.close_campaign(campaign.id)
    purchases.receive(net.admin, campaign.id, {gloves.id: 120})
    db.session.commit()
    return campaign


def test_the_purchase_order_csv_defuses_formulas(client, login_as, net, make_campaign):
    campaign = _received_short(make_campaign, net, name=FORMULA)
    login_as(net.admin)
    rows = _cells(client.get(f"/pooling/purchases/{campaign.id}/order.csv").get_data(as_text=True))
    assert rows[1][1] == "'" + FORMULA
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)


def _number(text: str) -> Decimal:
    """A CSV cell (decimal comma in French)."""
    return Decimal(text.replace(",", "."))


def _printed(text: str) -> Decimal:
    """An amount as the PDF prints it, in the current language."""
    return parse_decimal(text.replace("€", "").strip(), locale=get_locale(), strict=True)


def test_every_line_of_the_order_csv_adds_up_after_a_short_delivery(client, login_as, net, make_campaign):
    campaign = _received_short(make_campaign, net)
    login_as(net.admin)
    rows = _cells(client.get(f"/pooling/purchases/{campaign.id}/order.csv").get_data(as_text=True))
    lines = rows[1 : rows.index([])]
    for line in lines:
        quantity, price, excl_vat, total = int(line[4]), _number(line[5]), _number(line[6]), _number(line[9])
        assert excl_vat == to_cents(quantity * price) and total == excl_vat + _number(line[8])
    assert lines[0][4] == "120" and _number(lines[0][6]) == Decimal("1104.00")
    posted = sum(c.amount for c in ledger.charges_of(f"pooling.campaign:{campaign.id}"))
    assert sum(_number(line[9]) for line in lines) == posted == Decimal("1324.80")


def test_every_line_of_the_order_pdf_adds_up_after_a_short_delivery(net, make_campaign, monkeypatch):
    """The PDF's text is compressed and its font subset: the rows and totals given to the document
    are what it prints, so they are read there."""
    from core.pdf import Document

    printed = {"tables": [], "paragraphs": []}
    table_rows = Document.table_rows
    monkeypatch.setattr(
        Document,
        "table_rows",
        lambda self, header, rows, **kw: printed["tables"].append(rows) or table_rows(self, header, rows, **kw),
    )
    paragraph = Document.paragraph
    monkeypatch.setattr(
        Document, "paragraph", lambda self, text: printed["paragraphs"].append(text) or paragraph(self, text)
    )
    campaign = _received_short(make_campaign, net)
    assert purchase_docs.order_pdf(campaign).startswith(b"%PDF")
    lines = printed["tables"][0]
    for _ref, _name, quantity, price, excl_vat, _rate, _total in lines:
        assert _printed(excl_vat) == to_cents(int(quantity.split()[0]) * _printed(price))
    assert lines[0][2] == "120 pair"
    posted = sum(c.amount for c in ledger.charges_of(f"pooling.campaign:{campaign.id}"))
    assert sum(_printed(line[6]) for line in lines) == posted
    [totals] = [text for text in printed["paragraphs"] if text.startswith("Total excl. VAT")]
    assert totals.endswith(f"Total incl. VAT: {posted:,.2f} €")
