"""What pooling shows on the shared pages: the dashboard card, the calendar, the observatory's figures."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.accounts.permissions import has_permission
from core.clock import day_start
from core.db import utcnow
from core.extensions import db
from core.hookspecs import CalendarEvent, Indicator
from core.web.urls import path_for
from modules.pooling.models import Booking, Campaign, Equipment, Share
from modules.pooling.services import search
from modules.pooling.services.booking import billable_days_sql, booking_events

SHOWN_STATUSES = ("requested", "approved", "picked_up", "returned")


def _count(stmt) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(stmt.order_by(None).subquery()))


def widget_figures(user) -> dict:
    """The dashboard card: bookings to approve, late returns, the next bookings, the closing campaigns."""
    sees, books = has_permission(user, "pooling.view"), has_permission(user, "pooling.book")
    visible = search.visible_bookings_stmt(user) if sees or books else None
    # The item's name is all the card shows: read as columns, not as whole bookings and items.
    upcoming = (
        db.session.execute(
            visible.with_only_columns(Booking.id, Equipment.name, Booking.start_at)
            .where(Booking.status.in_(("requested", "approved")), Booking.start_at >= utcnow())
            .order_by(Booking.start_at)
            .limit(5)
        ).all()
        if books
        else []
    )
    closing = (
        db.session.scalars(
            db.select(Campaign)
            .where(Campaign.status == "open", Campaign.deadline > utcnow())
            .order_by(Campaign.deadline)
            .limit(3)
        ).all()
        if has_permission(user, "pooling.purchase.pledge")
        else []
    )
    return {
        "pending": _count(search.approval_queue_stmt(user)) if has_permission(user, "pooling.approve") else 0,
        "late": _count(search.late_stmt(user, visible)) if sees else 0,
        "upcoming": upcoming,
        "closing": closing,
    }


def calendar_events(user, start, end, limit) -> list[CalendarEvent]:
    """The user's bookings and the campaigns' deadlines between ``start`` and ``end``."""
    events = []
    if has_permission(user, "pooling.view"):
        events += booking_events(
            search.visible_bookings_stmt(user)
            .where(Booking.status.in_(SHOWN_STATUSES), Booking.start_at < end, Booking.end_at > start)
            .order_by(Booking.start_at, Booking.id)
            .limit(limit)
        )
    if has_permission(user, "pooling.purchase.pledge"):
        campaigns = db.session.scalars(
            db.select(Campaign)
            .where(Campaign.deadline >= start, Campaign.deadline < end)
            .order_by(Campaign.deadline)
            .limit(limit)
        )
        events += [
            CalendarEvent(
                f"pooling-campaign-{campaign.id}",
                _("Group purchase deadline: %(title)s", title=campaign.title),
                campaign.deadline,
                campaign.deadline + timedelta(minutes=30),
                "pooling",
                url=path_for("pooling.campaign", campaign_id=campaign.id),
            )
            for campaign in campaigns
        ]
    return events


def indicators(start, end, organization_ids) -> list[Indicator]:
    """Days of shared equipment used and group purchases received, per organization, over [start, end)."""
    begin, finish = day_start(start), day_start(end)
    used = db.select(Booking.organization_id, db.func.sum(billable_days_sql(Booking.start_at, Booking.end_at))).where(
        Booking.status == "returned", Booking.start_at >= begin, Booking.start_at < finish
    )
    bought = (
        db.select(Share.organization_id, db.func.sum(Share.amount))
        .join(Campaign, Share.campaign_id == Campaign.id)
        .where(Campaign.status == "received", Campaign.received_at >= begin, Campaign.received_at < finish)
    )
    if organization_ids is not None:
        used = used.where(Booking.organization_id.in_(organization_ids or [-1]))
        bought = bought.where(Share.organization_id.in_(organization_ids or [-1]))
    days = {org_id: Decimal(total) for org_id, total in db.session.execute(used.group_by(Booking.organization_id))}
    spent = {org_id: Decimal(total) for org_id, total in db.session.execute(bought.group_by(Share.organization_id))}
    return [
        Indicator("pooling.booking_days", _l("Days of shared equipment used"), "days", days),
        Indicator("pooling.group_purchases", _l("Group purchases received"), "EUR", spent),
    ]
