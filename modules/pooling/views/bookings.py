"""Booking, the booking page and its actions, the approval queue, usage statements."""

from __future__ import annotations

from datetime import datetime

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.accounts.directory import organization_choices
from core.accounts.permissions import has_permission, require
from core.charts import chart, svg_response
from core.clock import from_local
from core.extensions import db
from core.spreadsheets import csv_response
from core.uploads import send
from core.web.forms import query_id
from core.web.lifecycle import act, submit
from core.web.pagination import matching, paged, search_term
from modules.pooling.forms import BookForm, ConditionForm, RefuseForm
from modules.pooling.models import Booking, ConditionReport, Equipment, OrganizationFeed
from modules.pooling.services import booking as booking_service
from modules.pooling.services import handover
from modules.pooling.services import search as search_service
from modules.pooling.services.equipment import get_equipment, managed_equipment, organization_feed_token
from modules.pooling.views import bp
from modules.pooling.views.item_page import item_page


@bp.route("/equipment/<int:equipment_id>/book", methods=["POST"])
@require("pooling.book")
def book(equipment_id: int):
    equipment = get_equipment(equipment_id, current_user)
    form = BookForm()
    form.organization_id.choices = organization_choices(current_user, "pooling.book")
    if form.validate_on_submit():
        done = submit(
            form,
            lambda: booking_service.book(
                current_user,
                equipment.id,
                form.start.data,
                form.end.data,
                form.quantity.data,
                form.organization_id.data,
                form.purpose.data or "",
            ),
            None,
            _booked,
        )
        if done:
            return done
        equipment = get_equipment(equipment_id, current_user)  # reloaded after the refusal's rollback
    return item_page(equipment, form, status=422)


def _booked(bookings: list[Booking]) -> str:
    """Where a booking leads, with the message its status calls for."""
    if bookings[0].status == "requested":
        flash(_("Your request is sent; the owner will approve it."), "success")
    else:
        flash(_("Booked. A confirmation is on its way by e-mail."), "success")
    return url_for("pooling.booking", booking_id=bookings[0].id)


@bp.route("/bookings")
@require("pooling.view")
def bookings():
    status, q = request.args.get("status", ""), search_term()
    stmt = matching(search_service.visible_bookings_stmt(current_user), q, Equipment.name)
    stmt = stmt.order_by(Booking.start_at.desc(), Booking.id)
    if status:
        stmt = stmt.where(Booking.status == status)
    own = [(i, n) for i, n in organization_choices(current_user, "pooling.book") if i in current_user.organization_ids]
    tokens = dict(
        db.session.execute(
            db.select(OrganizationFeed.organization_id, OrganizationFeed.token).where(
                OrganizationFeed.organization_id.in_([i for i, _n in own] or [-1])
            )
        ).all()
    )
    feeds = [
        (org_id, name, url_for("pooling.feed", token=tokens[org_id], _external=True) if org_id in tokens else None)
        for org_id, name in own
    ]
    late = db.session.scalars(search_service.late_stmt(current_user).limit(50)).all()
    return render_template("pooling/bookings.html", page=paged(stmt), status=status, q=q, feeds=feeds, late=late)


@bp.route("/organizations/<int:organization_id>/feed", methods=["POST"])
@require("pooling.book")
def organization_feed(organization_id: int):
    return act(
        lambda: organization_feed_token(current_user, organization_id, renew=True),
        _("A new calendar link is ready; the previous one no longer works."),
        url_for("pooling.bookings"),
    )


@bp.route("/approvals")
@require("pooling.approve")
def approvals():
    return render_template(
        "pooling/approvals.html", page=paged(search_service.approval_queue_stmt(current_user)), refuse_form=RefuseForm()
    )


@bp.route("/bookings/<int:booking_id>")
@require("pooling.view")
def booking(booking_id: int):
    item = booking_service.visible_booking(booking_id, current_user)
    return _booking_page(item)


def _booking_page(
    item: Booking, status: int = 200, condition_form: ConditionForm | None = None, refuse_form: RefuseForm | None = None
):
    reports = db.session.scalars(
        db.select(ConditionReport).where(ConditionReport.booking_id == item.id).order_by(ConditionReport.created_at)
    ).all()
    return render_template(
        "pooling/booking.html",
        booking=item,
        reports=reports,
        condition_form=condition_form or ConditionForm(),
        refuse_form=refuse_form or RefuseForm(),
        is_owner=booking_service.can_act_as_owner(current_user, item),
        pick_up_open=handover.pick_up_is_open(item),
        pick_up_opens=handover.pick_up_opens_at(item),
        can_approve=has_permission(current_user, "pooling.approve", item.equipment.organization_id),
    ), status


@bp.route("/bookings/<int:booking_id>/cancel", methods=["POST"])
@require("pooling.view")
def cancel(booking_id: int):
    return act(
        lambda: booking_service.cancel(current_user, booking_id),
        _("The booking is cancelled."),
        url_for("pooling.booking", booking_id=booking_id),
    )


@bp.route("/bookings/<int:booking_id>/approve", methods=["POST"])
@require("pooling.approve")
def approve(booking_id: int):
    return act(
        lambda: booking_service.approve(current_user, booking_id),
        _("The booking is approved."),
        url_for("pooling.booking", booking_id=booking_id),
    )


@bp.route("/bookings/<int:booking_id>/refuse", methods=["POST"])
@require("pooling.approve")
def refuse(booking_id: int):
    form = RefuseForm()
    if not form.validate_on_submit():
        item = booking_service.visible_booking(booking_id, current_user)
        return _booking_page(item, 422, refuse_form=form)
    return act(
        lambda: booking_service.refuse(current_user, booking_id, form.reason.data),
        _("The booking is refused; the booker is told why."),
        url_for("pooling.booking", booking_id=booking_id),
    )


@bp.route("/bookings/<int:booking_id>/no-show", methods=["POST"])
@require("pooling.view")
def no_show(booking_id: int):
    return act(
        lambda: booking_service.mark_no_show(current_user, booking_id),
        _("The booking is recorded as a no-show."),
        url_for("pooling.booking", booking_id=booking_id),
    )


@bp.route("/bookings/<int:booking_id>/check-out", methods=["POST"], defaults={"moment": "check-out"})
@bp.route("/bookings/<int:booking_id>/check-in", methods=["POST"], defaults={"moment": "check-in"})
@require("pooling.view")
def handover_step(booking_id: int, moment: str):
    item = booking_service.visible_booking(booking_id, current_user)
    form = ConditionForm()
    if not form.validate_on_submit():
        return _booking_page(item, 422, condition_form=form)
    step = handover.check_out if moment == "check-out" else handover.check_in
    done = submit(
        form,
        lambda: step(current_user, booking_id, form.state.data, form.comment.data or "", form.photo.data or None),
        _("Picked up: have a good use.") if moment == "check-out" else _("Returned. Thank you!"),
        url_for("pooling.booking", booking_id=booking_id),
    )
    return done or _booking_page(booking_service.visible_booking(booking_id, current_user), 422, condition_form=form)


@bp.route("/reports/<int:report_id>/photo")
@require("pooling.view")
def report_photo(report_id: int):
    report = db.session.get(ConditionReport, report_id) or abort(404)
    booking_service.visible_booking(report.booking_id, current_user)
    if not report.photo:
        abort(404)
    return send(report.photo, report.photo.rsplit("/", 1)[-1], report.photo_type)


# --- usage statements ---------------------------------------------------------------------


def _usage_subject():
    """(title, bookings) for ?equipment=<id> (its owner) or ?organization=<id> (its members)."""
    start = _month_arg("from")
    end = _month_arg("to")
    if request.args.get("equipment"):
        equipment = managed_equipment(query_id("equipment") or abort(404), current_user)
        return equipment.name, search_service.usage(equipment_id=equipment.id, start=start, end=end)
    choices = dict(organization_choices(current_user, "pooling.book"))
    org_id = query_id("organization") if request.args.get("organization") else next(iter(choices), None)
    if org_id not in choices:
        abort(404)
    return choices[org_id], search_service.usage(organization_id=org_id, start=start, end=end)


def _month_arg(name: str) -> datetime | None:
    try:
        return from_local(datetime.strptime(request.args.get(name, ""), "%Y-%m"))
    except (ValueError, OverflowError):  # not a month, or one so early its UTC time underflows (0001-01)
        return None


@bp.route("/usage")
@require("pooling.view")
def usage():
    title, rows = _usage_subject()
    labels, days, fees = search_service.usage_by_month(rows)
    return render_template(
        "pooling/usage.html",
        title=title,
        rows=rows,
        labels=labels,
        days=days,
        fees=fees,
        orgs=organization_choices(current_user, "pooling.book"),
    )


@bp.route("/usage.csv")
@require("pooling.view")
def usage_csv():
    _title, rows = _usage_subject()
    return csv_response("pooling-usage.csv", *search_service.usage_table(rows))


@bp.route("/usage.svg")
@require("pooling.view")
def usage_chart():
    title, rows = _usage_subject()
    labels, days, fees = search_service.usage_by_month(rows)
    return svg_response(
        chart("bar", _("Use of %(name)s", name=title), labels, {_("Booking-days"): days, _("Fees (€)"): fees})
    )
