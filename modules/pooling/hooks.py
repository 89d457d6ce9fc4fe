"""Every hook implementation of pooling, and nothing else: its only contact with the shared pages."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from flask import render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from core.accounts.permissions import has_permission
from core.clock import from_local
from core.db import utcnow
from core.extensions import db
from core.hookspecs import CalendarEvent, Indicator, MenuItem, ScheduledJob, Widget, hookimpl
from modules.pooling import jobs
from modules.pooling.models import Booking, Campaign, Equipment, Share
from modules.pooling.services import search
from modules.pooling.services.booking import billable_days_sql, booking_events


@hookimpl
def erp_menu_items(user):
    return [
        MenuItem(_l("Equipment"), "pooling.search", "pooling.view", 20, _l("Pooling")),
        MenuItem(_l("Bookings"), "pooling.bookings", "pooling.view", 21, _l("Pooling")),
        MenuItem(_l("Approvals"), "pooling.approvals", "pooling.approve", 22, _l("Pooling")),
        MenuItem(_l("Group purchases"), "pooling.campaigns", "pooling.purchase.pledge", 23, _l("Pooling")),
    ]


def _widget_html() -> str:
    user = current_user
    pending = late = 0
    if has_permission(user, "pooling.approve"):
        pending = db.session.scalar(
            db.select(db.func.count()).select_from(search.approval_queue_stmt(user).order_by(None).subquery())
        )
    sees, books = has_permission(user, "pooling.view"), has_permission(user, "pooling.book")
    visible = search.visible_bookings_stmt(user) if sees or books else None
    if sees:
        late = db.session.scalar(
            db.select(db.func.count()).select_from(search.late_stmt(user, visible).order_by(None).subquery())
        )
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
    return Markup(
        render_template("pooling/widget.html", pending=pending, late=late, upcoming=upcoming, closing=closing)
    )


@hookimpl
def erp_dashboard_widgets(user):
    if not (has_permission(user, "pooling.view") or has_permission(user, "pooling.purchase.pledge")):
        return []
    return [Widget(_l("Shared equipment and purchases"), _widget_html, 20)]


@hookimpl
def erp_calendar_events(user, start, end, limit):
    events = []
    if has_permission(user, "pooling.view"):
        events += booking_events(
            search.visible_bookings_stmt(user)
            .where(
                Booking.status.in_(("requested", "approved", "picked_up", "returned")),
                Booking.start_at < end,
                Booking.end_at > start,
            )
            .order_by(Booking.start_at, Booking.id)
            .limit(limit)
        )
    if has_permission(user, "pooling.purchase.pledge"):
        for campaign in db.session.scalars(
            db.select(Campaign)
            .where(Campaign.deadline >= start, Campaign.deadline < end)
            .order_by(Campaign.deadline)
            .limit(limit)
        ):
            events.append(
                CalendarEvent(
                    f"pooling-campaign-{campaign.id}",
                    _("Group purchase deadline: %(title)s", title=campaign.title),
                    campaign.deadline,
                    campaign.deadline + timedelta(minutes=30),
                    "pooling",
                    url=f"/pooling/purchases/{campaign.id}",
                )
            )
    return events


@hookimpl
def erp_scheduled_jobs():
    return [
        ScheduledJob("pooling.close_due_campaigns", jobs.close_due_campaigns, every_minutes=1),
        ScheduledJob("pooling.remind_late_returns", jobs.remind_late_returns, every_minutes=15),
        ScheduledJob("pooling.record_no_shows", jobs.record_no_shows, every_minutes=15),
    ]


@hookimpl
def erp_observatory_indicators(start, end, organization_ids):
    begin, finish = from_local(datetime.combine(start, time.min)), from_local(datetime.combine(end, time.min))
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
    spent = dict(db.session.execute(bought.group_by(Share.organization_id)).all())
    return [
        Indicator("pooling.booking_days", _l("Days of shared equipment used"), "days", days),
        Indicator(
            "pooling.group_purchases",
            _l("Group purchases received"),
            "EUR",
            {org: Decimal(v) for org, v in spent.items()},
        ),
    ]
