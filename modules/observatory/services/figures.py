"""Aggregates of the stored validated reports, and the public page's disclosure rule.

The yearly sums of validated figures are remembered per application, keyed by the version of the
validated figures (``validated_version``): a validation or a correction changes the version, so a
corrected report still changes every total at once. The other modules' figures of the whole
network come from their hourly snapshot (services/contributions.py); one structure's are asked live.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import wraps

from flask import current_app

from core.accounts.models import Organization
from core.clock import today
from core.extensions import db
from core.hookspecs import Indicator as Contributed
from core.plugins import collect
from modules.observatory.models import Indicator, Period, Publication, Report, ReportValue, Revision
from modules.observatory.services import contributions
from modules.observatory.services.catalog import COLLECTED, REUSED, THEMES, active_indicators, label_of

COUNTED = ("validated",)
# A figure is public only if it hides no structure that did not consent, or hides at least this
# many of them: with fewer, a reader who knows the other figures could work out theirs.
MIN_GROUP = 3
ZERO = Decimal(0)


# Revisions of the last this-many ids are counted in the version (see validated_version).
LATE_COMMIT_WINDOW = 64
REMEMBERED = 512


def _quantum(decimals: int) -> Decimal:
    return Decimal(1).scaleb(-decimals)


def validated_version() -> tuple[int, int]:
    """Moves whenever a validated figure may have changed. Validating and correcting are the only
    ways to change one, and each adds a revision (revisions are never removed), so the last
    revision id moves. PostgreSQL hands ids out before commit: a revision committed after a
    later one leaves the last id as it was, but raises the count of the recent ids."""
    last = db.select(db.func.coalesce(db.func.max(Revision.id), 0)).scalar_subquery()
    recent = db.select(db.func.count(Revision.id)).where(Revision.id > last - LATE_COMMIT_WINDOW).scalar_subquery()
    return tuple(db.session.execute(db.select(last, recent)).one())  # one round trip


def _remembered(compute):
    """Keep ``compute(year, org_ids)`` per application and version of the validated figures.
    The result is shared: callers read it and never change it."""

    @wraps(compute)
    def remembered(year: int, org_ids: set[int] | None = None):
        store = current_app.extensions.setdefault("observatory.figures", {})
        key = (compute.__name__, year, None if org_ids is None else frozenset(org_ids), validated_version())
        if key not in store:
            if len(store) >= REMEMBERED:
                store.clear()
            store[key] = compute(year, org_ids)
        return store[key]

    return remembered


@_remembered
def per_structure(year: int, org_ids: set[int] | None = None) -> dict[int, dict[str, Decimal]]:
    """{organization id: {code: yearly figure}}: flows summed, stocks averaged over reported periods."""
    stmt = (
        db.select(
            Report.organization_id,
            Indicator.code,
            Indicator.stock,
            Indicator.decimals,
            db.func.sum(ReportValue.value),
            db.func.count(ReportValue.id),
        )
        .select_from(ReportValue)
        .join(ReportValue.report)
        .join(Report.period)
        .join(ReportValue.indicator)
        .where(Period.year == year, Report.status.in_(COUNTED))
        .group_by(Report.organization_id, Indicator.code, Indicator.stock, Indicator.decimals)
    )
    if org_ids is not None:
        stmt = stmt.where(Report.organization_id.in_(org_ids or [-1]))
    result: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for org_id, code, stock, decimals, total, count in db.session.execute(stmt):
        total = Decimal(total)
        value = (total / count).quantize(_quantum(decimals), ROUND_HALF_UP) if stock else total
        result[org_id][code] = value
    return dict(result)


@_remembered
def flow_totals(year: int, org_ids: set[int] | None = None) -> dict[str, Decimal]:
    """{code: yearly total} of the flow indicators (stocks left out): what ``add_up(per_structure())``
    gives for them, summed by the database instead of per structure."""
    stmt = (
        db.select(Indicator.code, db.func.sum(ReportValue.value))
        .select_from(ReportValue)
        .join(ReportValue.report)
        .join(Report.period)
        .join(ReportValue.indicator)
        .where(Period.year == year, Report.status.in_(COUNTED), Indicator.stock.is_(False))
        .group_by(Indicator.code)
    )
    if org_ids is not None:
        stmt = stmt.where(Report.organization_id.in_(org_ids or [-1]))
    return {code: Decimal(total) for code, total in db.session.execute(stmt)}


@_remembered
def per_period(year: int, org_ids: set[int] | None = None) -> dict[int, dict[str, Decimal]]:
    """{period id: {code: figure summed over the structures}}."""
    stmt = (
        db.select(Report.period_id, Indicator.code, db.func.sum(ReportValue.value))
        .select_from(ReportValue)
        .join(ReportValue.report)
        .join(Report.period)
        .join(ReportValue.indicator)
        .where(Period.year == year, Report.status.in_(COUNTED))
        .group_by(Report.period_id, Indicator.code)
    )
    if org_ids is not None:
        stmt = stmt.where(Report.organization_id.in_(org_ids or [-1]))
    result: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for period_id, code, total in db.session.execute(stmt):
        result[period_id][code] = Decimal(total)
    return dict(result)


def add_up(structures: dict[int, dict[str, Decimal]]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for figures in structures.values():
        for code, value in figures.items():
            totals[code] += value
    return dict(totals)


def rate(reused: Decimal | None, collected: Decimal | None) -> Decimal | None:
    if reused is None or not collected:
        return None
    return (reused * 100 / collected).quantize(Decimal("0.1"), ROUND_HALF_UP)


def reuse_rate(figures: dict[str, Decimal]) -> Decimal | None:
    """Share of the collected tonnage that was reused (sold or given), in percent."""
    return rate(sum((figures.get(c, ZERO) for c in REUSED), ZERO), sum((figures.get(c, ZERO) for c in COLLECTED), ZERO))


def change(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    if current is None or not previous:
        return None
    return ((current - previous) * 100 / previous).quantize(Decimal("0.1"), ROUND_HALF_UP)


def contributed(year: int, org_ids: set[int] | None = None) -> list[Contributed]:
    """Figures of the other installed modules over the calendar year, through the hook (of some
    organizations: the modules may leave the others out)."""
    return collect(
        "erp_observatory_indicators", start=date(year, 1, 1), end=date(year + 1, 1, 1), organization_ids=org_ids
    )


def _by_theme(rows):
    grouped = defaultdict(list)
    for row in rows:
        grouped[row.theme].append(row)
    return [(THEMES.get(theme, theme), items) for theme, items in grouped.items()]


@dataclass
class Row:
    code: str
    label: str
    unit: str
    theme: str
    current: Decimal | None
    previous: Decimal | None
    decimals: int | None = None

    @property
    def change(self) -> Decimal | None:
        return change(self.current, self.previous)


@dataclass
class Dashboard:
    year: int
    rows: list[Row]
    reuse_rate: Decimal | None
    previous_reuse_rate: Decimal | None
    periods: list[Period]
    by_period: dict[int, dict[str, Decimal]]
    structures: dict[int, dict[str, Decimal]]
    contributed: list[Row] = field(default_factory=list)
    contributed_as_of: datetime | None = None  # None: asked live

    def themes(self):
        return _by_theme(self.rows)


def default_year() -> int:
    """The year a dashboard opens on: last year's until its reports are in (the first quarter)."""
    return today().year - (1 if today().month < 4 else 0)


def periods_of(year: int) -> list[Period]:
    return list(db.session.scalars(db.select(Period).where(Period.year == year).order_by(Period.start_on)))


def dashboard(year: int, org_ids: set[int] | None = None) -> Dashboard:
    """The figures of some structures (None: the whole region) for a year and the year before."""

    def total(values: dict[int, Decimal]) -> Decimal | None:
        chosen = [v for org, v in values.items() if org_ids is None or org in org_ids]
        return sum(chosen, ZERO) if chosen else None

    # First: storing a missing snapshot commits, which would expire the records loaded before it.
    contributed_rows, as_of = _contributed_rows(year, total, org_ids)
    structures = per_structure(year, org_ids)
    current, previous = add_up(structures), add_up(per_structure(year - 1, org_ids))
    rows = [
        Row(i.code, label_of(i), i.unit, i.theme, current.get(i.code), previous.get(i.code), i.decimals)
        for i in active_indicators()
    ]
    return Dashboard(
        year,
        rows,
        reuse_rate(current),
        reuse_rate(previous),
        periods_of(year),
        per_period(year, org_ids),
        structures,
        contributed_rows,
        as_of,
    )


def _contributed_rows(year: int, total, org_ids: set[int] | None = None) -> tuple[list[Row], datetime | None]:
    """The other modules' figures this year and the year before, each reduced by ``total``, and
    when they were computed: the whole network's come from the snapshot (the older year's time,
    so the sentence never claims more than both columns hold), some structures' are asked live."""
    if org_ids is None:
        now, before = contributions.snapshot(year), contributions.snapshot(year - 1)
        this_year, last_year, as_of = now.indicators, before.indicators, min(now.computed_at, before.computed_at)
    else:
        this_year, last_year, as_of = contributed(year, org_ids), contributed(year - 1, org_ids), None
    previous = {c.code: c for c in last_year}
    rows = []
    for item in this_year:
        earlier = previous.get(item.code)
        rows.append(
            Row(
                item.code,
                str(item.label),
                item.unit,
                "modules",
                total(item.values),
                total(earlier.values) if earlier else None,
            )
        )
    return rows, as_of


def consenting() -> set[int]:
    return set(db.session.scalars(db.select(Publication.organization_id).where(Publication.consent)))


def disclosable(contributors: set[int], consent: set[int]) -> bool:
    hidden = contributors - consent
    return not hidden or len(hidden) >= MIN_GROUP


@dataclass
class PublicFigures:
    year: int
    rows: list[Row]
    reuse_rate: Decimal | None
    previous_reuse_rate: Decimal | None
    reporting: int
    structures: list[tuple[str, dict[str, Decimal], Decimal | None]]
    contributed: list[Row]
    contributed_as_of: datetime

    def themes(self):
        return _by_theme(self.rows)


def _public_total(structures: dict[int, dict[str, Decimal]], codes: list[str], consent: set[int]):
    contributors = {org for org, figures in structures.items() if any(c in figures for c in codes)}
    if not contributors or not disclosable(contributors, consent):
        return None
    return sum((structures[org].get(c, ZERO) for org in contributors for c in codes), ZERO)


def public_figures(year: int) -> PublicFigures:
    """Regional figures safe to publish, and the own figures of the structures that agreed."""
    consent = consenting()
    now, before = per_structure(year), per_structure(year - 1)
    rows = [
        Row(
            i.code,
            label_of(i),
            i.unit,
            i.theme,
            _public_total(now, [i.code], consent),
            _public_total(before, [i.code], consent),
            i.decimals,
        )
        for i in active_indicators()
    ]

    def public_rate(structures):
        return rate(_public_total(structures, REUSED, consent), _public_total(structures, COLLECTED, consent))

    def safe(values: dict[int, Decimal]) -> Decimal | None:
        contributors = set(values)
        return sum(values.values(), ZERO) if contributors and disclosable(contributors, consent) else None

    names = dict(
        db.session.execute(
            db.select(Organization.id, Organization.name).where(Organization.id.in_(consent or [-1]))
        ).all()
    )
    shown = sorted((names[org], figures, reuse_rate(figures)) for org, figures in now.items() if org in consent)
    return PublicFigures(
        year, rows, public_rate(now), public_rate(before), len(now), shown, *_contributed_rows(year, safe)
    )
