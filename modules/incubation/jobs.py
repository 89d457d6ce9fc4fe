"""Scheduled work: remind referents to write the report of a finished placement."""

from __future__ import annotations

from datetime import timedelta

from core import mail
from core.clock import today
from core.db import utcnow
from core.extensions import db
from modules.incubation.models import Placement


def remind_reports() -> None:
    """Once per placement, the day after it ends (idempotent: a reminded placement is skipped)."""
    ended = db.session.scalars(
        db.select(Placement).where(
            Placement.status == "accepted",
            Placement.end_date < today(),
            Placement.end_date >= today() - timedelta(days=14),
            Placement.report == "",
            Placement.report_reminded_at.is_(None),
        )
    )
    for placement in ended:
        mail.send("incubation/mail/report_reminder.txt", placement.host_site.referent, placement=placement)
        placement.report_reminded_at = utcnow()
