"""/api/v1/pooling: equipment, search, availability and bookings."""

from __future__ import annotations

from datetime import timedelta

from flask_login import current_user

from core.accounts.permissions import require
from core.api import page_of, paginate
from core.clock import today
from modules.pooling.api import blp
from modules.pooling.api.schemas import (
    AvailabilityQuery,
    BookingQuery,
    BookingSchema,
    BookRequestSchema,
    DayAvailabilitySchema,
    EquipmentQuery,
    EquipmentSchema,
    RefuseSchema,
    SearchQuery,
    SearchResultSchema,
)
from modules.pooling.models import Booking
from modules.pooling.services import booking as booking_service
from modules.pooling.services import search as search_service
from modules.pooling.services.common import optional_org_id
from modules.pooling.services.equipment import get_equipment


@blp.route("/equipment")
@require("pooling.view")
@blp.arguments(EquipmentQuery, location="query")
@blp.response(200, page_of(EquipmentSchema))
def list_equipment(args):
    """Equipment of the network's pool."""
    stmt = search_service.catalog_stmt(args.get("category"), args.get("site_id"), args.get("q"))
    return paginate(stmt, args["page"], args["per_page"])


@blp.route("/equipment/search")
@require("pooling.view")
@blp.arguments(SearchQuery, location="query")
@blp.response(200, SearchResultSchema(many=True))
def search_equipment(args):
    """What is free between two dates, nearest first, with the rules your booking would break."""
    org_id = optional_org_id(current_user, "pooling.book", args.get("organization_id"))
    return search_service.search(
        current_user, args["start"], args["end"], org_id, args.get("category"), args.get("site_id"), args.get("max_km")
    )


@blp.route("/equipment/<int:equipment_id>")
@require("pooling.view")
@blp.response(200, EquipmentSchema)
def show_equipment(equipment_id: int):
    return get_equipment(equipment_id, current_user)


@blp.route("/equipment/<int:equipment_id>/availability")
@require("pooling.view")
@blp.arguments(AvailabilityQuery, location="query")
@blp.response(200, DayAvailabilitySchema(many=True))
def equipment_availability(args, equipment_id: int):
    """Units free for the whole of each day (Paris days)."""
    equipment = get_equipment(equipment_id, current_user)
    first = args.get("first_day") or today()
    counts = search_service.availability([equipment], first, args["days"])[equipment.id]
    return [{"day": first + timedelta(days=i), "free_units": n} for i, n in enumerate(counts)]


@blp.route("/bookings")
@require("pooling.view")
@blp.arguments(BookingQuery, location="query")
@blp.response(200, page_of(BookingSchema))
def list_bookings(args):
    """Bookings of your organizations and of the equipment they own."""
    stmt = search_service.visible_bookings_stmt(current_user).order_by(Booking.start_at.desc(), Booking.id)
    if args.get("status"):
        stmt = stmt.where(Booking.status == args["status"])
    return paginate(stmt, args["page"], args["per_page"])


@blp.route("/bookings", methods=["POST"])
@require("pooling.book")
@blp.arguments(BookRequestSchema)
@blp.response(201, BookingSchema(many=True))
def create_booking(args):
    """Book one or several units (all or none). 409 with the next free slot when taken."""
    bookings = booking_service.book(
        current_user,
        args["equipment_id"],
        args["start"],
        args["end"],
        args["quantity"],
        args.get("organization_id"),
        args["purpose"],
    )
    return bookings


@blp.route("/bookings/<int:booking_id>")
@require("pooling.view")
@blp.response(200, BookingSchema)
def show_booking(booking_id: int):
    return booking_service.visible_booking(booking_id, current_user)


@blp.route("/bookings/<int:booking_id>/cancel", methods=["POST"])
@require("pooling.view")
@blp.response(200, BookingSchema)
def cancel_booking(booking_id: int):
    booking = booking_service.cancel(current_user, booking_id)
    return booking


@blp.route("/bookings/<int:booking_id>/approve", methods=["POST"])
@require("pooling.approve")
@blp.response(200, BookingSchema)
def approve_booking(booking_id: int):
    booking = booking_service.approve(current_user, booking_id)
    return booking


@blp.route("/bookings/<int:booking_id>/refuse", methods=["POST"])
@require("pooling.approve")
@blp.arguments(RefuseSchema)
@blp.response(200, BookingSchema)
def refuse_booking(args, booking_id: int):
    booking = booking_service.refuse(current_user, booking_id, args["reason"])
    return booking
