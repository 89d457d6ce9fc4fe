"""The item page, shown by the item's route and again by the booking route when a booking is refused."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user

from core.accounts.permissions import has_permission
from core.clock import from_local, today
from core.extensions import db
from modules.pooling.forms import BookForm, UnavailabilityForm
from modules.pooling.models import Equipment
from modules.pooling.services import equipment as equipment_service
from modules.pooling.services import search as search_service

CALENDAR_DAYS = 28


def item_page(equipment: Equipment, form: BookForm, status: int = 200):
    """The item's page: its availability grid, its booking form and, for its owner, the coming
    bookings and the form declaring an unavailability."""
    first = today()
    grid = search_service.availability([equipment], first, CALENDAR_DAYS)[equipment.id]
    days = [first + timedelta(days=i) for i in range(CALENDAR_DAYS)]
    owner = has_permission(current_user, "pooling.manage", equipment.organization_id)
    window = (from_local(datetime.combine(first, time.min)), from_local(datetime.combine(days[-1], time.max)))
    upcoming = search_service.bookings_between([equipment.id], *window) if owner else []
    periods = list(db.session.scalars(equipment_service.unavailabilities_stmt([equipment.id], *window)))
    period_form = None
    if owner:
        period_form = UnavailabilityForm(prefix="period")
        period_form.unit_id.choices = [(0, _("All units"))] + [(u.id, f"#{u.number}") for u in equipment.unit_list]
    return render_template(
        "pooling/item.html",
        equipment=equipment,
        form=form,
        grid=list(zip(days, grid)),
        owner=owner,
        upcoming=upcoming,
        periods=periods,
        period_form=period_form,
        can_book=has_permission(current_user, "pooling.book"),
    ), status
