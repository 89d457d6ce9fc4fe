"""The demo data: quarterly reports over two years and more, one late, one returned."""

from core.demo import load_demo
from core.extensions import db
from modules.observatory.models import Report
from modules.observatory.services import figures


def test_demo_loads_believable_reports(app):
    load_demo()
    all_reports = db.session.scalars(db.select(Report)).all()
    assert len({r.period.year for r in all_reports}) >= 2
    assert [r.organization.city for r in all_reports if r.status == "returned"] == ["Orléans"]
    late = [r for r in all_reports if r.late and r.status != "draft"]
    assert [r.organization.city for r in late] == ["Montargis"]
    year = max(r.period.year for r in all_reports) - 1
    board = figures.dashboard(year)
    tonnes = sum(r.current for r in board.rows if r.theme == "collection")
    assert 1500 < tonnes < 7500  # twelve structures of 150 to 600 tonnes a year
    assert 40 < board.reuse_rate < 70
    assert figures.public_figures(year).structures
