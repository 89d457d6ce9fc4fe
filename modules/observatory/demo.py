"""Demo: quarterly reports of every demo member for two full years and this year so far, with
believable tonnages, one late report and one returned for correction."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from core.clock import from_local, today
from core.extensions import db
from modules.observatory.models import Period
from modules.observatory.services import catalog, coordination, reports

FLOW_SHARES = {
    "collected_furniture": 35,
    "collected_textiles": 20,
    "collected_electrical": 8,
    "collected_books": 10,
    "collected_toys": 5,
    "collected_dishes": 10,
    "collected_other": 12,
}
PUBLISHING = ("tours", "orleans", "blois", "limoges")


def _figures(rng: random.Random, size: float, growth: float) -> dict[str, Decimal]:
    """A quarter of a ressourcerie collecting ``size`` tonnes a year (about 150 to 600)."""
    collected = size / 4 * growth * rng.uniform(0.85, 1.15)
    t = lambda value: Decimal(str(round(value, 3)))  # noqa: E731 - tonnes with kilogram precision
    figures = {code: t(collected * share / 100 * rng.uniform(0.9, 1.1)) for code, share in FLOW_SHARES.items()}
    total = float(sum(figures.values()))
    reused = rng.uniform(0.45, 0.62)
    figures |= {
        "reused_sold": t(total * reused * 0.82),
        "reused_given": t(total * reused * 0.18),
        "recycled": t(total * (0.92 - reused) * 0.7),
        "discarded": t(total * (0.92 - reused) * 0.3),
    }
    fte = size / 25
    figures |= {
        "sales": Decimal(str(round(total * reused * 0.82 * 1000 * rng.uniform(1.1, 1.5), 2))),
        "jobs_fte": Decimal(str(round(fte * rng.uniform(0.95, 1.05), 2))),
        "contracts_permanent": Decimal(round(fte * 0.4)),
        "contracts_fixed_term": Decimal(round(fte * 0.2)),
        "contracts_insertion": Decimal(round(fte * 0.6)),
        "volunteers": Decimal(rng.randint(8, 40)),
        "visits": Decimal(int(size * 20 * rng.uniform(0.8, 1.2))),
        "awareness_actions": Decimal(rng.randint(3, 15)),
        "people_reached": Decimal(rng.randint(80, 600)),
    }
    return figures


def _at(day, hour=10):
    return from_local(datetime.combine(day, time(hour)))


def load(demo) -> None:
    catalog.seed_standard_indicators()
    current = today().year
    for year in (current - 2, current - 1, current):
        catalog.create_year("quarter", year)
    periods = list(db.session.scalars(db.select(Period).where(Period.end_on <= today()).order_by(Period.start_on)))
    coordinator = demo.users["coordination"]
    last = periods[-1] if periods else None
    for index, (key, org) in enumerate(demo.members.items()):
        rng = random.Random(f"observatory-{key}")
        size = rng.uniform(150, 600)
        for period in periods:
            if period is last and key == "vendome":
                continue  # has not reported yet: shows in the follow-up and gets a reminder
            report = reports.open_report(coordinator, org.id, period.id)
            growth = 1 + 0.05 * (period.year - (current - 2))
            reports.save_draft(coordinator, report.id, _figures(rng, size, growth))
            if period is last and key == "tours":
                continue  # the demo manager's draft, to finish and submit
            reports.submit(coordinator, report.id)
            late = period is last and key == "montargis"
            report.submitted_at = _at(
                period.due_on + (timedelta(days=9) if late else -timedelta(days=rng.randint(2, 20)))
            )
            if period is last and key == "orleans":
                reports.return_report(
                    coordinator,
                    report.id,
                    "Le tonnage de textiles semble inversé avec celui "
                    "des livres : pouvez-vous vérifier vos pesées du trimestre ?",
                )
            elif period is not last or index % 2:
                reports.validate(coordinator, report.id)
                report.validated_at = report.submitted_at + timedelta(days=3)
    for key in PUBLISHING:
        coordination.set_consent(coordinator, demo.members[key].id, True)
