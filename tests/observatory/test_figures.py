"""Aggregates are exact and recomputed from stored reports; the public page never reveals the
figures of a structure that did not consent, directly or through a small group."""

from decimal import Decimal

import pytest

from core.extensions import db
from modules.observatory.services import coordination, figures, reports
from tests.observatory.conftest import fill

SECRET = "777.777"  # a figure of structure B (no consent) that must never be published


def _two_structures(obs):
    fill(
        obs.manager_a,
        obs.org_a,
        obs.q1,
        obs.coordinator,
        collected_furniture="10.1",
        collected_textiles="4",
        reused_sold="6",
        jobs_fte="4",
    )
    fill(obs.manager_a, obs.org_a, obs.q2, obs.coordinator, collected_furniture="0.2", jobs_fte="6")
    fill(
        obs.manager_b,
        obs.org_b,
        obs.q1,
        obs.coordinator,
        collected_furniture=SECRET,
        collected_books="3.5",
        reused_sold="100",
    )
    coordination.set_consent(obs.manager_a, obs.org_a.id, True)
    db.session.commit()


def test_yearly_figures_sum_flows_average_stocks_and_count_only_validated_reports(obs, make_org, make_user):
    _two_structures(obs)
    org_c = make_org("Ressourcerie C")
    fill(make_user("member_manager", org_c), org_c, obs.q1, collected_furniture="1000")  # submitted, not validated
    structures = figures.per_structure(2025)
    assert structures[obs.org_a.id]["collected_furniture"] == Decimal("10.300")
    assert structures[obs.org_a.id]["jobs_fte"] == Decimal("5.00")
    assert org_c.id not in structures
    board = figures.dashboard(2025)
    totals = {row.code: row.current for row in board.rows}
    assert totals["collected_furniture"] == Decimal("788.077")
    assert board.reuse_rate == (Decimal(106) * 100 / Decimal("795.577")).quantize(Decimal("0.1"))
    assert board.by_period[obs.q1.id]["collected_furniture"] == Decimal("787.877")
    own = figures.dashboard(2025, {obs.org_a.id})
    assert {r.code: r.current for r in own.rows}["collected_furniture"] == Decimal("10.300")


def test_year_on_year_comparison(obs):
    from modules.observatory.services import catalog

    last_year = catalog.create_period("quarter", 2024, 4)
    db.session.commit()
    fill(obs.manager_a, obs.org_a, last_year, obs.coordinator, collected_furniture="8")
    fill(obs.manager_a, obs.org_a, obs.q1, obs.coordinator, collected_furniture="10")
    row = next(r for r in figures.dashboard(2025).rows if r.code == "collected_furniture")
    assert (row.current, row.previous, row.change) == (Decimal(10), Decimal(8), Decimal("25.0"))


def test_public_page_hides_a_lone_non_consenting_structure(obs, client):
    _two_structures(obs)
    page = client.get("/observatory/public?year=2025").get_data(as_text=True)
    assert "Ressourcerie A" in page and "10,3" in page
    assert "777" not in page and "Ressourcerie B" not in page
    assert "787" not in page  # A + B would reveal B by subtraction
    data = figures.public_figures(2025)
    rows = {row.code: row.current for row in data.rows}
    assert rows["collected_furniture"] is None and rows["collected_books"] is None
    assert rows["collected_textiles"] == Decimal(4)  # only A, who agreed
    assert [name for name, *_rest in data.structures] == ["Ressourcerie A"]
    api = client.get("/api/v1/observatory/figures/public?year=2025")
    assert api.status_code == 200 and "777" not in api.get_data(as_text=True)


def test_public_totals_appear_once_enough_structures_blend_in(obs, make_org, make_user):
    _two_structures(obs)
    for name in ("Ressourcerie C", "Ressourcerie D"):
        org = make_org(name)
        fill(make_user("member_manager", org), org, obs.q1, obs.coordinator, collected_furniture="50")
    rows = {row.code: row.current for row in figures.public_figures(2025).rows}
    assert rows["collected_furniture"] == Decimal("10.300") + Decimal(SECRET) + 100
    assert rows["collected_books"] is None  # still B alone


def test_withdrawn_consent_removes_the_structure_at_once(obs, client):
    _two_structures(obs)
    coordination.set_consent(obs.manager_a, obs.org_a.id, False)
    db.session.commit()
    page = client.get("/observatory/public?year=2025").get_data(as_text=True)
    assert "Ressourcerie A" not in page and "10,3" not in page


def test_aggregates_are_reproducible_from_the_stored_values(obs):
    _two_structures(obs)
    first = figures.dashboard(2025)
    again = figures.dashboard(2025)
    assert [(r.code, r.current) for r in first.rows] == [(r.code, r.current) for r in again.rows]
    report = db.session.scalar(
        reports.visible_reports(obs.coordinator).where(reports.Report.organization_id == obs.org_b.id)
    )
    reports.correct(obs.coordinator, report.id, {"collected_furniture": "700"}, "Double pesée")
    db.session.commit()
    totals = {r.code: r.current for r in figures.dashboard(2025).rows}
    assert totals["collected_furniture"] == Decimal("710.300")


def test_alone_the_observatory_has_only_its_own_indicators(app, obs):
    if set(app.extensions["erp"].manifests) != {"observatory"}:
        pytest.skip("other modules are loaded (TEST_ERP_MODULES=all)")
    assert figures.dashboard(2025).contributed == []
