"""Due dates of the transfers a person's structures pay or receive, for the calendar."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _

from core.clock import local
from core.extensions import db
from core.hookspecs import CalendarEvent
from core.web.urls import path_for
from modules.finance.models import Transfer
from modules.finance.services.payments import visible_transfers


def due_dates(user, start, end, limit: int | None) -> list[CalendarEvent]:
    stmt = (
        visible_transfers(user)
        .where(
            Transfer.paid < Transfer.amount,
            Transfer.due_on >= local(start).date(),
            Transfer.due_on <= local(end).date(),
        )
        .order_by(None)
        .order_by(Transfer.due_on, Transfer.id)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return [
        CalendarEvent(
            f"finance-transfer-{t.id}",
            _(
                "Payment due: %(amount)s € from %(debtor)s to %(creditor)s",
                amount=t.remaining,
                debtor=t.debtor.name,
                creditor=t.creditor.name,
            ),
            t.due_on,
            t.due_on + timedelta(days=1),
            "finance",
            url=path_for("finance.transfers", org=t.debtor_id),
        )
        for t in db.session.scalars(stmt)
    ]
