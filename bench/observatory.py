"""Observatory at scale: the standard indicators and quarterly periods (made by the module's own
services), then years of reports of every member with their figures and history.

Figures come from the module's demo recipe, which keeps what was reused, recycled and discarded
within what was collected (the standard consistency rule); the last quarter is still in progress.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from core.clock import from_local, local
from core.extensions import db
from modules.observatory.demo import _figures as quarter_figures
from modules.observatory.models import Indicator, Period, Publication, Report, ReportValue, Revision
from modules.observatory.services import catalog


def _at(day) -> datetime:
    return from_local(datetime.combine(day, time(10)))


def generate(net) -> None:
    rng, bulk = net.rng("observatory"), net.bulk
    today = local(net.now).date()
    catalog.seed_standard_indicators()
    for year in range(today.year - net.sizes["years"] + 1, today.year + 1):
        catalog.create_year("quarter", year)
    indicators = dict(db.session.execute(db.select(Indicator.code, Indicator.id)).all())
    periods = list(db.session.scalars(db.select(Period).where(Period.end_on <= today).order_by(Period.start_on)))
    reports, values, revisions = [], [], []
    report_ids = iter(bulk.next_ids(Report, len(net.members) * len(periods)))
    for org in net.members:
        size = rng.uniform(150, 600)
        for period in periods:
            report_id = next(report_ids)
            last = period is periods[-1]
            status = (
                rng.choices(("draft", "submitted", "validated"), (20, 30, 50))[0]
                if last
                else rng.choices(("validated", "returned"), (98, 2))[0]
            )
            submitted = _at(period.due_on - timedelta(days=rng.randint(-5, 20))) if status != "draft" else None
            validated = submitted + timedelta(days=3) if status == "validated" else None
            growth = 1 + 0.03 * (period.year - periods[0].year)
            for code, value in quarter_figures(rng, size, growth).items():
                values.append((report_id, indicators[code], value))
            reports.append(
                (
                    report_id,
                    org,
                    period.id,
                    status,
                    submitted,
                    validated,
                    "Merci de vérifier les tonnages." if status == "returned" else None,
                    _at(period.end_on),
                    validated or submitted or _at(period.end_on),
                )
            )
            if submitted:
                revisions.append((report_id, submitted, net.managers[org][0], "submit"))
            if validated:
                revisions.append((report_id, validated, net.admin_id, "validate"))
    bulk.insert(
        Report,
        (
            "id",
            "organization_id",
            "period_id",
            "status",
            "submitted_at",
            "validated_at",
            "return_comment",
            "created_at",
            "updated_at",
        ),
        reports,
    )
    bulk.insert(
        ReportValue,
        ("id", "report_id", "indicator_id", "value"),
        ((i, *row) for i, row in zip(bulk.next_ids(ReportValue, len(values)), values)),
    )
    bulk.insert(
        Revision,
        ("id", "report_id", "at", "user_id", "action", "changes"),
        ((i, *row, "{}") for i, row in zip(bulk.next_ids(Revision, len(revisions)), revisions)),
    )
    consenting = rng.sample(net.members, len(net.members) // 5)
    bulk.insert(
        Publication,
        ("id", "organization_id", "consent", "changed_at", "changed_by_id"),
        (
            (i, org, True, net.now, net.admin_id)
            for i, org in zip(bulk.next_ids(Publication, len(consenting)), consenting)
        ),
    )
