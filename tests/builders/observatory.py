"""Observatory rows of a unit: its validated report for the shared month of last year, one more
month of last year, home's submitted report for that month, and an indicator. Monthly periods keep the year
whole for ``YEAR`` dashboards (at most eleven units)."""

from __future__ import annotations

from types import SimpleNamespace

from core.clock import today
from modules.observatory.services import catalog, coordination, reports

YEAR = today().year - 1


def _report(net, org, period, validate: bool) -> None:
    report = reports.open_report(net.admin, org.id, period.id)
    reports.save_draft(net.admin, report.id, {"collected_furniture": "12.5", "reused_sold": "6", "jobs_fte": "3"})
    reports.submit(net.admin, report.id)
    if validate:
        reports.validate(net.admin, report.id)


def prepare(net):
    catalog.seed_standard_indicators()
    coordination.set_consent(net.admin, net.home.id, True)
    return SimpleNamespace(shared=catalog.create_period("month", YEAR, 12))


def add(net, unit) -> None:
    own = net.modules["observatory"]
    _report(net, unit.org, own.shared, validate=True)
    coordination.set_consent(net.admin, unit.org.id, True)
    catalog.create_indicator(f"unit_{unit.index}", "collection", f"Collecte {unit.index}", "t", 3)
    month = catalog.create_period("month", YEAR, unit.index)
    _report(net, net.home, month, validate=False)
