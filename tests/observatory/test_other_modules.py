"""Figures of other installed modules arrive through the erp_observatory_indicators hook."""

import os
from decimal import Decimal

import pytest

from core.extensions import db
from exemplar.models import Note
from modules.observatory.services import figures


@pytest.fixture
def erp_modules():
    return "observatory,exemplar"


@pytest.mark.skipif(
    os.environ.get("TEST_ERP_MODULES") == "all", reason="asserts the exact contributions of a known module set"
)
def test_contributed_indicators_reach_dashboards_and_respect_the_public_rule(obs, client, login_as):
    db.session.add_all([Note(organization_id=obs.org_b.id, text="a"), Note(organization_id=obs.org_b.id, text="b")])
    db.session.commit()
    board = figures.dashboard(2025)
    assert [(r.code, r.current) for r in board.contributed] == [("exemplar.notes", Decimal(2))]
    assert figures.dashboard(2025, {obs.org_a.id}).contributed[0].current is None
    assert figures.public_figures(2025).contributed[0].current is None  # B alone, no consent
    login_as(obs.coordinator)
    page = client.get("/observatory/region?year=2025").get_data(as_text=True)
    assert "Notes" in page
    csv = client.get("/observatory/export/modules.csv?year=2025").get_data(as_text=True)
    assert "exemplar.notes" in csv
