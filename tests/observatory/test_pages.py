"""The pages: role matrix, record rules (404), forms keeping input with field errors, lists."""

from decimal import Decimal

import pytest

from core.errors import DomainError
from core.extensions import db
from modules.observatory.services import contributions, reports
from tests.observatory.conftest import fill


@pytest.mark.parametrize(
    "who, url, expected",
    [
        ("manager_a", "/observatory/", 200),
        ("staff_a", "/observatory/", 200),
        ("staff_a", "/observatory/structures/{a}/periods/{q1}", 403),
        ("manager_a", "/observatory/structures/{a}/periods/{q1}", 200),
        ("manager_a", "/observatory/structures/{b}/periods/{q1}", 404),
        ("manager_a", "/observatory/dashboard", 200),
        ("manager_a", "/observatory/dashboard?org={b}", 404),
        ("manager_a", "/observatory/region", 403),
        ("manager_a", "/observatory/periods", 403),
        ("manager_a", "/observatory/consent", 200),
        ("staff_a", "/observatory/consent", 403),
        ("board", "/observatory/region", 200),
        ("board", "/observatory/region/summary-2025.pdf", 200),
        ("board", "/observatory/periods", 403),
        ("coordinator", "/observatory/periods", 200),
        ("coordinator", "/observatory/periods/{q1}", 200),
        ("coordinator", "/observatory/indicators", 200),
        ("coordinator", "/observatory/region", 200),
        ("coordinator", "/observatory/dashboard?org={b}", 200),
        ("coordinator", "/observatory/charts/flows.svg?year=2025", 200),
        ("manager_a", "/observatory/charts/jobs.svg?year=2025", 200),
        ("manager_a", "/observatory/charts/reuse.svg?org={b}", 404),
        (None, "/observatory/public", 200),
        (None, "/observatory/", 302),
    ],
)
def test_role_matrix(obs, client, login_as, who, url, expected):
    if who:
        login_as(getattr(obs, who))
    url = url.format(a=obs.org_a.id, b=obs.org_b.id, q1=obs.q1.id)
    assert client.get(url).status_code == expected


def test_another_structures_report_is_404_on_every_page(obs, client, login_as):
    report_b = fill(obs.manager_b, obs.org_b, obs.q1, collected_books="1")
    login_as(obs.manager_a)
    for path in ("", "/export.csv", "/import"):
        assert client.get(f"/observatory/reports/{report_b.id}{path}").status_code == 404
    assert client.post(f"/observatory/reports/{report_b.id}/submit").status_code == 404
    assert client.get(f"/observatory/reports/{report_b.id}/correct").status_code == 403


def test_filling_a_report_keeps_the_input_and_shows_errors_beside_the_fields(obs, client, login_as):
    login_as(obs.manager_a)
    url = f"/observatory/structures/{obs.org_a.id}/periods/{obs.q1.id}"
    response = client.post(url, data={"f_collected_furniture": "12,5", "f_collected_books": "-1", "action": "save"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="12,5"' in page and "is-invalid" in page and "négatif" in page
    assert db.session.scalar(db.select(db.func.count(reports.Report.id))) == 0
    response = client.post(url, data={"f_collected_furniture": "12,5", "f_reused_sold": "4", "action": "submit"})
    assert response.status_code == 302
    report = db.session.scalars(reports.visible_reports(obs.manager_a)).one()
    assert report.status == "submitted"
    assert reports.figures_of(report)["collected_furniture"] == Decimal("12.500")


def test_last_periods_figures_are_shown_beside_the_form(obs, client, login_as):
    fill(obs.manager_a, obs.org_a, obs.q1, collected_furniture="31.5")
    login_as(obs.manager_a)
    page = client.get(f"/observatory/structures/{obs.org_a.id}/periods/{obs.q2.id}").get_data(as_text=True)
    assert "31,500" in page


def test_coordinator_validates_returns_and_corrects_through_the_pages(obs, client, login_as):
    report = fill(obs.manager_a, obs.org_a, obs.q1, collected_furniture="5")
    login_as(obs.coordinator)
    assert client.post(f"/observatory/reports/{report.id}/return", data={"comment": ""}).status_code == 302
    db.session.refresh(report)
    assert report.status == "submitted"
    client.post(f"/observatory/reports/{report.id}/validate")
    db.session.refresh(report)
    assert report.status == "validated"
    response = client.post(
        f"/observatory/reports/{report.id}/correct", data={"f_collected_furniture": "6", "reason": ""}
    )
    assert response.status_code == 422 and "is-invalid" in response.get_data(as_text=True)
    response = client.post(
        f"/observatory/reports/{report.id}/correct", data={"f_collected_furniture": "6", "reason": "Erreur de saisie"}
    )
    assert response.status_code == 302
    page = client.get(f"/observatory/reports/{report.id}").get_data(as_text=True)
    assert "Erreur de saisie" in page and "5.000 → 6" in page


def test_csv_import_page_previews_then_saves(obs, client, login_as):
    report = reports.open_report(obs.manager_a, obs.org_a.id, obs.q1.id)
    login_as(obs.manager_a)
    url = f"/observatory/reports/{report.id}/import"
    from io import BytesIO

    bad = client.post(
        url,
        data={"file": (BytesIO(b"indicator;value\nvisits;-4\n"), "x.csv"), "action": "preview"},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "Line 2" in bad or "Ligne 2" in bad
    good = client.post(
        url,
        data={"file": (BytesIO(b"indicator;value\nvisits;40\n"), "x.csv"), "action": "preview"},
        content_type="multipart/form-data",
    )
    assert reports.figures_of(db.session.get(reports.Report, report.id)) == {}
    assert 'name="content"' in good.get_data(as_text=True)
    saved = client.post(url, data={"content": "indicator;value\nvisits;40\n", "action": "confirm"})
    assert saved.status_code == 302
    assert reports.figures_of(db.session.get(reports.Report, report.id)) == {"visits": Decimal("40.000")}


def test_coordinator_creates_periods_with_errors_on_the_fields(obs, client, login_as):
    login_as(obs.coordinator)
    page = client.post(
        "/observatory/periods", data={"period-kind": "quarter", "period-year": "2025", "period-number": "1"}
    ).get_data(as_text=True)
    assert "chevauche" in page and "is-invalid" in page
    assert client.post("/observatory/periods", data={"year-kind": "quarter", "year-year": "2026"}).status_code == 302
    assert (
        client.post(
            "/observatory/indicators",
            data={
                "indicator-code": "repairs",
                "indicator-label": "Réparations",
                "indicator-theme": "other",
                "indicator-unit": "count",
                "indicator-decimals": "0",
            },
        ).status_code
        == 302
    )
    page = client.post(
        "/observatory/indicators", data={"rule-left": ["recycled"], "rule-right": ["recycled"], "rule-message": "x"}
    ).get_data(as_text=True)
    assert "deux côtés" in page and "is-invalid" in page
    assert (
        client.post(
            "/observatory/indicators",
            data={
                "rule-left": ["contracts_insertion"],
                "rule-right": ["contracts_permanent", "contracts_fixed_term", "repairs"],
                "rule-message": "Trop de contrats d'insertion",
            },
        ).status_code
        == 302
    )
    report = reports.open_report(obs.manager_a, obs.org_a.id, obs.q2.id)
    with pytest.raises(DomainError) as error:
        reports.save_draft(obs.manager_a, report.id, {"contracts_insertion": "3", "contracts_permanent": "1"})
    assert error.value.field_errors == {"contracts_insertion": ["Trop de contrats d'insertion"]}


def test_manager_sets_the_publication_consent(obs, client, login_as):
    from modules.observatory.services.coordination import consent_of

    login_as(obs.manager_a)
    assert client.post("/observatory/consent", data={"consent": "y", "org": obs.org_a.id}).status_code == 302
    assert consent_of(obs.org_a.id) is True
    assert client.post("/observatory/consent", data={"org": obs.org_a.id}).status_code == 302
    assert consent_of(obs.org_a.id) is False


def test_exports_and_pdf(obs, client, login_as):
    fill(obs.manager_a, obs.org_a, obs.q1, obs.coordinator, collected_furniture="5,25")
    login_as(obs.coordinator)
    for table in ("indicators", "periods", "structures", "modules"):
        response = client.get(f"/observatory/export/{table}.csv?year=2025")
        assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "5,250" in client.get("/observatory/export/indicators.csv?year=2025").get_data(as_text=True)
    pdf = client.get("/observatory/region/summary-2025.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_report_list_runs_a_bounded_number_of_queries(obs, client, login_as, make_org, make_user, query_counter):
    from modules.observatory.services import catalog

    def count():
        with query_counter() as counter:
            assert client.get("/observatory/").status_code == 200
        return counter.count

    login_as(obs.coordinator)
    for number in (1, 2):
        fill(obs.manager_a, obs.org_a, [obs.q1, obs.q2][number - 1], collected_toys="1")
    few = count()
    for year in (2023, 2024):
        for period in catalog.create_year("quarter", year):
            org = make_org()
            fill(make_user("member_manager", org), org, period, collected_toys="1")
    assert count() == few
    page = client.get("/observatory/?q=Ressourcerie+A").get_data(as_text=True)
    assert page.count("/observatory/reports/") == 2


def test_follow_up_and_regional_dashboard_run_a_bounded_number_of_queries(
    obs, client, login_as, make_org, make_user, query_counter
):
    def count(url):
        with query_counter() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    fill(obs.manager_a, obs.org_a, obs.q1, obs.coordinator, collected_toys="1")
    login_as(obs.coordinator)
    pages = [f"/observatory/periods/{obs.q1.id}", "/observatory/region?year=2025"]
    for year in (2025, 2024):  # what the first regional view stores: measured here is the reading
        contributions.snapshot(year)
    few = [count(url) for url in pages]
    for _ in range(8):
        org = make_org()
        fill(make_user("member_manager", org), org, obs.q1, obs.coordinator, collected_toys="2")
    assert [count(url) for url in pages] == few


def test_the_region_lists_its_structures_by_name_a_page_at_a_time(obs, client, login_as, make_org, make_user):
    from core.web.pagination import PER_PAGE

    structures = [obs.org_a] + [make_org(f"Ressourcerie {n:02d}") for n in range(PER_PAGE)]
    for org in structures:
        fill(make_user("member_manager", org), org, obs.q1, obs.coordinator, collected_furniture="1")
    login_as(obs.coordinator)
    first = client.get("/observatory/region?year=2025").get_data(as_text=True)
    second = client.get("/observatory/region?year=2025&page=2").get_data(as_text=True)
    assert "Ressourcerie 00" in first and "Ressourcerie 24" in first and "Ressourcerie A<" not in first
    assert "Ressourcerie A<" in second and "Ressourcerie 00" not in second and "page=1" in second
    assert "Ressourcerie A" in client.get("/observatory/export/structures.csv?year=2025").get_data(as_text=True)
