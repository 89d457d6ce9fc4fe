"""Bad input from any door (query string, form, API, CSV) gets a message or a 404, never a 500."""

from io import BytesIO

import pytest

from core.extensions import db
from modules.observatory.models import ReportValue
from modules.observatory.services import catalog, reports
from tests.observatory.conftest import fill

HUGE_ID = 2**64
# 1e20 and NaN always had their message; 1e28 and 1e309 overflowed Decimal's rounding (a 500).
HUGE_FIGURES = ["1e309", "1e28", "1e20", "NaN", "Infinity", "1e999999999", "-1e309"]


def _values():
    return db.session.scalar(db.select(db.func.count(ReportValue.id)))


@pytest.mark.parametrize(
    "url",
    [
        f"/observatory/dashboard?org={HUGE_ID}",
        f"/observatory/charts/flows.svg?org={HUGE_ID}",
        f"/observatory/export/indicators.csv?org={HUGE_ID}",
        f"/observatory/structures/{HUGE_ID}/periods/1",
        f"/observatory/structures/1/periods/{HUGE_ID}",
        f"/observatory/periods/{HUGE_ID}",
        f"/observatory/periods/{HUGE_ID}/follow-up.csv",
        f"/observatory/reports/{HUGE_ID}",
        f"/observatory/reports/{HUGE_ID}/export.csv",
        f"/observatory/region/summary-{HUGE_ID}.pdf",
        "/observatory/dashboard?org=-1",
        "/observatory/dashboard?org=0",
    ],
)
def test_ids_out_of_the_databases_range_are_404(obs, client, login_as, url):
    login_as(obs.coordinator)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("year", [str(HUGE_ID), "-5", "1999", "99999", "2e3", "9" * 5000, "abc"])
def test_any_year_in_the_query_string_gives_a_page(obs, client, login_as, api_token, year):
    login_as(obs.coordinator)
    for url in ("/observatory/region", "/observatory/public", "/observatory/export/indicators.csv"):
        assert client.get(f"{url}?year={year}").status_code == 200
    api = client.get(f"/api/v1/observatory/figures/public?year={year}")
    assert api.status_code == 422 and api.mimetype == "application/problem+json"


def test_an_out_of_range_coordinator_post_is_404(obs, client, login_as):
    login_as(obs.coordinator)
    assert client.post(f"/observatory/periods/{HUGE_ID}/remind").status_code == 404
    assert client.post(f"/observatory/reports/{HUGE_ID}/validate").status_code == 404
    assert client.post(f"/observatory/rules/{HUGE_ID}/active", data={"active": "1"}).status_code == 404
    assert client.post(f"/observatory/indicators/{HUGE_ID}/active", data={"active": "1"}).status_code == 404


@pytest.mark.parametrize("raw", HUGE_FIGURES)
def test_huge_figures_get_a_message_in_the_report_form(obs, client, login_as, raw):
    login_as(obs.manager_a)
    url = f"/observatory/structures/{obs.org_a.id}/periods/{obs.q1.id}"
    response = client.post(url, data={"f_collected_furniture": raw, "f_visits": "3", "action": "save"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "is-invalid" in page
    assert "trop grand" in page or "pas un nombre" in page or "négatif" in page
    assert _values() == 0


@pytest.mark.parametrize("raw", [*HUGE_FIGURES, 1e308, 10**40])
def test_huge_figures_get_a_problem_from_the_api(obs, client, api_token, raw):
    headers = api_token(obs.manager_a)
    report = reports.open_report(obs.manager_a, obs.org_a.id, obs.q1.id)
    db.session.commit()
    response = client.put(
        f"/api/v1/observatory/reports/{report.id}/figures",
        json={"figures": {"collected_furniture": raw, "visits": "3"}},
        headers=headers,
    )
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert list(response.json["errors"]) == ["collected_furniture"]
    assert _values() == 0


def test_huge_figures_get_a_message_in_the_csv_import(obs, client, login_as):
    report = reports.open_report(obs.manager_a, obs.org_a.id, obs.q1.id)
    db.session.commit()
    login_as(obs.manager_a)
    lines = "".join(f"collected_{flow};{raw}\n" for flow, raw in zip(("furniture", "books", "toys"), HUGE_FIGURES))
    response = client.post(
        f"/observatory/reports/{report.id}/import",
        data={"file": (BytesIO(f"indicator;value\n{lines}".encode()), "x.csv"), "action": "preview"},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and all(f"Ligne {n}" in page for n in (2, 3, 4))
    confirmed = client.post(
        f"/observatory/reports/{report.id}/import", data={"content": f"indicator;value\n{lines}", "action": "confirm"}
    )
    assert confirmed.status_code == 200 and _values() == 0


@pytest.mark.parametrize("raw", ["1e309", "1e28"])
def test_huge_figures_get_a_message_in_the_correction_form(obs, client, login_as, raw):
    report = fill(obs.manager_a, obs.org_a, obs.q1, obs.coordinator, collected_furniture="5")
    login_as(obs.coordinator)
    response = client.post(
        f"/observatory/reports/{report.id}/correct", data={"f_collected_furniture": raw, "reason": "Pesée"}
    )
    assert response.status_code == 422 and "trop grand" in response.get_data(as_text=True)
    db.session.expire_all()
    assert reports.figures_of(db.session.get(reports.Report, report.id))["collected_furniture"] == 5


FORMULA = '=HYPERLINK("http://x","y")'


def _named_like_a_formula(obs):
    obs.org_a.name = FORMULA
    catalog.create_indicator("repairs", "other", FORMULA, "count", 0)
    db.session.commit()
    fill(obs.manager_a, obs.org_a, obs.q1, obs.coordinator, collected_furniture="5,25", repairs="2")


@pytest.mark.parametrize(
    "url",
    [
        "/observatory/export/indicators.csv?year=2025",
        "/observatory/export/periods.csv?year=2025",
        "/observatory/export/structures.csv?year=2025",
        "/observatory/periods/{q1}/follow-up.csv",
        "/observatory/reports/{report}/export.csv",
    ],
)
def test_every_csv_export_defuses_formula_cells(obs, client, login_as, url):
    _named_like_a_formula(obs)
    report_id = db.session.scalar(db.select(reports.Report.id))
    login_as(obs.coordinator)
    response = client.get(url.format(q1=obs.q1.id, report=report_id))
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and text.startswith("\ufeff")
    assert "'=HYPERLINK" in text and '"=HYPERLINK' not in text and ";=HYPERLINK" not in text
