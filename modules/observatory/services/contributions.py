"""The other modules' figures for the whole network, kept as a snapshot per calendar year.

Asking every module to add up a national network costs about a second of SQL per view, and a live
cache could not be invalidated correctly: the hook gives figures, not the changes behind them. So
the regional pages read a snapshot that a scheduled job refreshes every hour (``jobs.py``) and say
when it was computed; one structure's dashboard still asks the modules live (it costs little).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask import current_app
from flask_babel import force_locale, format_date, format_time, lazy_gettext
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from core.db import utcnow
from core.extensions import db
from core.hookspecs import Indicator
from core.plugins import collect
from core.web.lifecycle import keep_writes
from modules.observatory.models import ContributedIndicator, ContributedValue, ContributionSnapshot

MAX_DECIMALS = 3  # the scale of the value column
KEPT_YEARS = 8  # snapshots kept read in memory (a dashboard shows two years)


@dataclass
class Snapshot:
    year: int
    computed_at: datetime
    indicators: list[Indicator]  # labels translated when shown


def _asked(year: int) -> list[Indicator]:
    return collect(
        "erp_observatory_indicators", start=date(year, 1, 1), end=date(year + 1, 1, 1), organization_ids=None
    )


def _decimals(values) -> int:
    return min(max((max(-v.as_tuple().exponent, 0) for v in values), default=0), MAX_DECIMALS)


def _locked(year: int) -> ContributionSnapshot | None:
    stmt = (
        db.select(ContributionSnapshot)
        .where(ContributionSnapshot.year == year)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return db.session.scalar(stmt)


def _claim(year: int, computed_at: datetime) -> ContributionSnapshot | None:
    """The year's row, locked until commit (on SQLite the transaction already holds the write lock);
    None when a refresh computed since this one began has stored its figures meanwhile."""
    row = _locked(year)
    if row is None:
        try:
            with db.session.begin_nested():
                row = ContributionSnapshot(year=year, computed_at=computed_at)
                db.session.add(row)
            return row
        except IntegrityError:  # another refresh created the year meanwhile: wait for its lock
            row = _locked(year)
    if row.computed_at >= computed_at:
        return None
    row.computed_at = computed_at
    return row


def refresh(year: int) -> None:
    """Ask every module for the whole network's figures of ``year`` and replace the year's snapshot.

    Flushes only: the hourly job commits when it is done, and a page that computes a year for the
    first time keeps it with ``keep_writes`` (``snapshot``). Concurrent refreshes of a year are
    serialized on the year's row until that commit, and the one computed last is what stays.
    """
    computed_at = utcnow()
    with force_locale("en"):  # the source text: each page translates it into its reader's language
        asked = [(item, str(item.label)) for item in _asked(year)]
    if _claim(year, computed_at) is None:
        return
    stale = db.select(ContributedIndicator.id).where(ContributedIndicator.year == year)
    db.session.execute(db.delete(ContributedValue).where(ContributedValue.indicator_id.in_(stale)))
    db.session.execute(db.delete(ContributedIndicator).where(ContributedIndicator.year == year))
    kept = [
        ContributedIndicator(
            year=year,
            code=item.code,
            position=position,
            label=label,
            unit=item.unit,
            decimals=_decimals(item.values.values()),
        )
        for position, (item, label) in enumerate(asked)
    ]
    db.session.add_all(kept)
    db.session.flush()
    values = [
        {"indicator_id": row.id, "organization_id": org_id, "value": value}
        for row, (item, _label) in zip(kept, asked)
        for org_id, value in item.values.items()
    ]
    if values:
        db.session.execute(db.insert(ContributedValue), values)


def snapshot(year: int) -> Snapshot:
    """The stored figures of ``year``; computed and stored first if the year has none yet.

    What was read is kept per application until the year's time of computation moves (every
    refresh moves it), so a view costs one small query however large the network. The indicators
    are shared: callers read them and never change them.
    """
    when = db.select(ContributionSnapshot.computed_at).where(ContributionSnapshot.year == year)
    computed_at = db.session.scalar(when)
    if computed_at is None:  # the first view after installation: never an empty page
        refresh(year)
        keep_writes()  # a GET (a dashboard, the public page) stores it, or every view would compute it again
        computed_at = db.session.scalar(when)
    read = current_app.extensions.setdefault("observatory.snapshots", {})
    if read.get(year, (None,))[0] != computed_at:
        if len(read) >= KEPT_YEARS:
            read.clear()
        read[year] = (computed_at, _stored(year))
    return Snapshot(year, computed_at, read[year][1])


def _stored(year: int) -> list[Indicator]:
    stmt = (
        db.select(
            ContributedIndicator.id,
            ContributedIndicator.code,
            ContributedIndicator.label,
            ContributedIndicator.unit,
            ContributedIndicator.decimals,
            ContributedValue.organization_id,
            ContributedValue.value,
        )
        .outerjoin(ContributedValue, ContributedValue.indicator_id == ContributedIndicator.id)
        .where(ContributedIndicator.year == year)
        .order_by(ContributedIndicator.position)
    )
    indicators: dict[int, Indicator] = {}
    for row_id, code, label, unit, decimals, org_id, value in db.session.execute(stmt):
        if row_id not in indicators:
            indicators[row_id] = Indicator(code, lazy_gettext(label), unit)
        if org_id is not None:
            indicators[row_id].values[org_id] = Decimal(value).quantize(Decimal(1).scaleb(-decimals))
    return list(indicators.values())


def as_of_sentence(computed_at: datetime) -> str:
    """When the figures were computed, in the reader's language and Paris time."""
    return _(
        "Figures of the other modules as of %(date)s, %(time)s.",
        date=format_date(computed_at, "d MMMM y"),
        time=format_time(computed_at, "HH:mm"),
    )
