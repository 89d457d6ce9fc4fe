"""Booking, the booking page and its actions, the approval queue, usage statements."""

from __future__ import annotations

from datetime import datetime

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.accounts.permissions import has_permission, require
from core.charts import chart, svg_response
from core.clock import from_local
from core.errors import DomainError, NotFound
from core.extensions import db
from core.uploads import send
from core.web.lifecycle import attach_error
from core.web.pagination import matching, paged, search_term
from modules.pooling.forms import BookForm, ConditionForm, RefuseForm
from modules.pooling.models import Booking, ConditionReport, Equipment, OrganizationFeed
from modules.pooling.services import booking as booking_service
from modules.pooling.services import handover
from modules.pooling.services import search as search_service
from modules.pooling.services.common import org_choices
from modules.pooling.services.equipment import get_equipment, managed_equipment, organization_feed_token
from modules.pooling.views import bp
from modules.pooling.views.equipment import _item_page


@bp.route("/equipment/<int:equipment_id>/book", methods=["POST"])
@require("pooling.book")
def book(equipment_id: int):
    equipment = get_equipment(equipment_id, current_user)
    form = BookForm()
    form.organization_id.choices = org_choices(current_user, "pooling.book")
    if form.validate_on_submit():
        try:
            bookings = booking_service.book(
                current_user,
                equipment.id,
                from_local(form.start.data),
                from_local(form.end.data),
                form.quantity.data,
                form.organization_id.data,
                form.purpose.data or "",
            )
            db.session.commit()
            if bookings[0].status == "requested":
                flash(_("Your request is sent; the owner will approve it."), "success")
            else:
                flash(_("Booked. A confirmation is on its way by e-mail."), "success")
            return redirect(url_for("pooling.booking", booking_id=bookings[0].id))
        except DomainError as error:
            attach_error(form, error)
            equipment = get_equipment(equipment_id, current_user)
    return _item_page(equipment, form, status=422)


@bp.route("/bookings")
@require("pooling.view")
def bookings():
    status, q = request.args.get("status", ""), search_term()
    stmt = matching(search_service.visible_bookings_stmt(current_user), q, Equipment.name)
    stmt = stmt.order_by(Booking.start_at.desc(), Booking.id)
    if status:
        stmt = stmt.where(Booking.status == status)
    own = [(i, n) for i, n in org_choices(current_user, "pooling.book") if i in current_user.organization_ids]
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
    organization_feed_token(current_user, organization_id, renew=True)
    db.session.commit()
    flash(_("A new calendar link is ready; the previous one no longer works."), "success")
    return redirect(url_for("pooling.bookings"))


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


def _act(booking_id: int, action, message: str):
    try:
        action()
        db.session.commit()
        flash(message, "success")
    except DomainError as error:
        db.session.rollback()
        if isinstance(error, NotFound):
            raise
        flash(error.message, "danger")
    return redirect(url_for("pooling.booking", booking_id=booking_id))


@bp.route("/bookings/<int:booking_id>/cancel", methods=["POST"])
@require("pooling.view")
def cancel(booking_id: int):
    return _act(booking_id, lambda: booking_service.cancel(current_user, booking_id), _("The booking is cancelled."))


@bp.route("/bookings/<int:booking_id>/approve", methods=["POST"])
@require("pooling.approve")
def approve(booking_id: int):
    return _act(booking_id, lambda: booking_service.approve(current_user, booking_id), _("The booking is approved."))


@bp.route("/bookings/<int:booking_id>/refuse", methods=["POST"])
@require("pooling.approve")
def refuse(booking_id: int):
    form = RefuseForm()
    if not form.validate_on_submit():
        item = booking_service.visible_booking(booking_id, current_user)
        return _booking_page(item, 422, refuse_form=form)
    return _act(
        booking_id,
        lambda: booking_service.refuse(current_user, booking_id, form.reason.data),
        _("The booking is refused; the booker is told why."),
    )


@bp.route("/bookings/<int:booking_id>/no-show", methods=["POST"])
@require("pooling.view")
def no_show(booking_id: int):
    return _act(
        booking_id,
        lambda: booking_service.mark_no_show(current_user, booking_id),
        _("The booking is recorded as a no-show."),
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
    try:
        step(current_user, booking_id, form.state.data, form.comment.data or "", form.photo.data or None)
        db.session.commit()
    except DomainError as error:
        attach_error(form, error)
        return _booking_page(booking_service.visible_booking(booking_id, current_user), 422, condition_form=form)
    flash(_("Picked up: have a good use.") if moment == "check-out" else _("Returned. Thank you!"), "success")
    return redirect(url_for("pooling.booking", booking_id=booking_id))


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
    if request.args.get("equipment", "").isdigit():
        equipment = managed_equipment(int(request.args["equipment"]), current_user)
        return equipment.name, search_service.usage(equipment_id=equipment.id, start=start, end=end)
    choices = dict(org_choices(current_user, "pooling.book"))
    org_id = (
        int(request.args["organization"])
        if request.args.get("organization", "").isdigit()
        else next(iter(choices), None)
    )
    if org_id not in choices:
        abort(404)
    return choices[org_id], search_service.usage(organization_id=org_id, start=start, end=end)


def _month_arg(name: str) -> datetime | None:
    try:
        return from_local(datetime.strptime(request.args.get(name, ""), "%Y-%m"))
    except ValueError:
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
        orgs=org_choices(current_user, "pooling.book"),
    )


@bp.route("/usage.csv")
@require("pooling.view")
def usage_csv():
    title, rows = _usage_subject()
    return Response(
        search_service.usage_csv(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="pooling-usage.csv"'},
    )


@bp.route("/usage.svg")
@require("pooling.view")
def usage_chart():
    title, rows = _usage_subject()
    labels, days, fees = search_service.usage_by_month(rows)
    return svg_response(
        chart("bar", _("Use of %(name)s", name=title), labels, {_("Booking-days"): days, _("Fees (€)"): fees})
    )
