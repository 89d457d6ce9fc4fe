"""Search by dates, the catalogue, item pages, availability per site, feeds, registration."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta

import segno
from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.accounts.directory import organization_choices
from core.accounts.models import Organization
from core.accounts.permissions import has_permission, require
from core.calendar import feed_window, to_ics
from core.clock import from_local, today
from core.extensions import db
from core.uploads import IMAGES, save, send
from core.web.forms import query_id
from core.web.lifecycle import act, submit
from core.web.pagination import paged
from modules.pooling.forms import DT, BookForm, EquipmentForm, SearchForm, UnavailabilityForm
from modules.pooling.models import Booking, Equipment, OrganizationFeed, Unavailability
from modules.pooling.services import equipment as equipment_service
from modules.pooling.services import search as search_service
from modules.pooling.services.booking import booking_events
from modules.pooling.services.common import optional_org_id
from modules.pooling.views import bp
from modules.pooling.views.item_page import item_page

SITE_DAYS = 14


@bp.route("/")
@require("pooling.view")
def search():
    """Date-first search: the form is the page; results once dates are given."""
    form = SearchForm(request.args)
    form.category.choices = [("", _("All categories"))] + [(c, c) for c in search_service.categories()]
    form.site_id.choices = [("", _("All sites"))] + [(str(i), n) for i, n in search_service.sites()]
    allowed = organization_choices(current_user, "pooling.book")
    form.organization_id.choices = [(str(i), n) for i, n in allowed]
    results, org_id = None, None
    if request.args.get("start") and form.validate():
        start, end = form.start.data, form.end.data
        if end <= start:
            form.end.errors.append(_("The end must be after the start."))
        else:
            chosen = query_id("organization_id")
            if chosen is not None and chosen not in dict(allowed):
                form.organization_id.errors.append(_("This organization is not one you can act for."))
                chosen = None
            org_id = optional_org_id(current_user, "pooling.book", chosen)
            site = query_id("site_id")
            results = search_service.search(
                current_user, start, end, org_id, form.category.data or None, site, form.max_km.data
            )
    # The result links carry the dates, so the item's booking form opens with them.
    dates = {"start": request.args.get("start"), "end": request.args.get("end"), "organization_id": org_id}
    return render_template("pooling/search.html", form=form, results=results, org_id=org_id, dates=dates)


@bp.route("/equipment")
@require("pooling.view")
def catalog():
    q = request.args.get("q", "").strip()[:100]
    page = paged(search_service.catalog_stmt(q=q or None))
    return render_template(
        "pooling/catalog.html", page=page, q=q, can_add=has_permission(current_user, "pooling.manage")
    )


@bp.route("/equipment/<int:equipment_id>")
@require("pooling.view")
def item(equipment_id: int):
    equipment = equipment_service.get_equipment(equipment_id, current_user)
    form = BookForm()
    form.organization_id.choices = organization_choices(current_user, "pooling.book")
    searched = _typed(request.args.get("start")), _typed(request.args.get("end"))
    if None not in searched:  # coming from the search: book the dates that were searched
        form.start.data, form.end.data = searched
    else:
        start = datetime.combine(today() + timedelta(days=1), equipment.opens_at or time(9))
        form.start.data, form.end.data = start, start + timedelta(hours=max(equipment.min_hours, 1))
    if query_id("organization_id") is not None:
        form.organization_id.data = query_id("organization_id")
    return item_page(equipment, form)


def _typed(value: str | None) -> datetime | None:
    """A Paris wall-clock time as the date-time fields send it, or None."""
    try:
        return datetime.strptime(value or "", DT)
    except ValueError:
        return None


@bp.route("/equipment/<int:equipment_id>/qr.svg")
@require("pooling.view")
def qr_code(equipment_id: int):
    """A QR code printed on the item: scanning it opens the item's page."""
    equipment = equipment_service.get_equipment(equipment_id, current_user)
    buffer = io.BytesIO()
    segno.make(url_for("pooling.item", equipment_id=equipment.id, _external=True)).save(buffer, kind="svg", scale=6)
    return Response(buffer.getvalue(), mimetype="image/svg+xml")


@bp.route("/equipment/<int:equipment_id>/photo")
@require("pooling.view")
def photo(equipment_id: int):
    equipment = equipment_service.get_equipment(equipment_id, current_user)
    if not equipment.photo:
        abort(404)
    kind = equipment.photo.rsplit(".", 1)[-1]
    return send(equipment.photo, f"{equipment.name}.{kind}", f"image/{kind}")


@bp.route("/sites/<int:site_id>")
@require("pooling.view")
def site(site_id: int):
    """Availability of every item at one site over the next two weeks (four queries)."""
    place = db.session.get(Organization, site_id) or abort(404)
    items = list(db.session.scalars(search_service.catalog_stmt(site_id=site_id)))
    first = today()
    grid = search_service.availability(items, first, SITE_DAYS)
    days = [first + timedelta(days=i) for i in range(SITE_DAYS)]
    return render_template("pooling/site.html", site=place, items=items, grid=grid, days=days)


def _equipment_form(equipment: Equipment | None = None) -> EquipmentForm:
    form = EquipmentForm(obj=equipment)
    if equipment is not None and request.method == "GET":
        form.allowed_org_ids.data = sorted(equipment.allowed_org_id_set)
        form.allowed_roles.data = sorted(equipment.allowed_role_set)
        form.open_weekdays.data = list(equipment.open_weekdays)
    form.organization_id.choices = organization_choices(current_user, "pooling.manage")
    form.site_id.choices = form.allowed_org_ids.choices = organization_choices()
    return form


def _form_values(form: EquipmentForm) -> dict:
    values = {name: getattr(form, name).data for name in equipment_service.RULE_FIELDS if hasattr(form, name)}
    values["allowed_org_ids"] = ",".join(str(i) for i in form.allowed_org_ids.data or [])
    values["allowed_roles"] = ",".join(form.allowed_roles.data or [])
    values["open_weekdays"] = "".join(sorted(form.open_weekdays.data or []))
    for name in ("value", "fee_per_day", "fee_per_half_day", "deposit"):
        values[name] = values[name] or 0
    values["description"] = values["description"] or ""
    values["site_address"] = values["site_address"] or ""
    return values


def _save_equipment(form: EquipmentForm, equipment: Equipment | None) -> Equipment:
    saved = equipment_service.save_equipment(
        current_user, form.organization_id.data, form.site_id.data, form.units.data, _form_values(form), equipment
    )
    if form.photo.data:
        saved.photo = save(form.photo.data, "pooling", IMAGES, field="photo").stored_name
    return saved


@bp.route("/equipment/new", methods=["GET", "POST"])
@bp.route("/equipment/<int:equipment_id>/edit", methods=["GET", "POST"])
@require("pooling.manage")
def edit(equipment_id: int | None = None):
    equipment = equipment_service.managed_equipment(equipment_id, current_user) if equipment_id else None
    form = _equipment_form(equipment)
    if form.validate_on_submit():
        done = submit(
            form,
            lambda: _save_equipment(form, equipment),
            _("The equipment is saved."),
            lambda saved: url_for("pooling.item", equipment_id=saved.id),
        )
        if done:
            return done
    return render_template(
        "pooling/edit.html", form=form, equipment=equipment
    ), 422 if request.method == "POST" else 200


@bp.route("/equipment/<int:equipment_id>/unavailability", methods=["POST"])
@require("pooling.manage")
def declare_period(equipment_id: int):
    equipment = equipment_service.managed_equipment(equipment_id, current_user)
    period_form = UnavailabilityForm(prefix="period")
    period_form.unit_id.choices = [(0, "")] + [(u.id, str(u.number)) for u in equipment.unit_list]
    page = url_for("pooling.item", equipment_id=equipment.id)
    if not period_form.validate_on_submit():
        for errors in period_form.errors.values():
            for message in errors:
                flash(message, "danger")
        return redirect(page)
    return act(lambda: _declare(period_form, equipment), _("The period is declared."), page)


def _declare(period_form: UnavailabilityForm, equipment: Equipment) -> None:
    until = period_form.weekly_until.data
    _period, clashes = equipment_service.declare_unavailability(
        current_user,
        equipment,
        period_form.kind.data,
        period_form.start.data,
        period_form.end.data,
        period_form.reason.data or "",
        period_form.unit_id.data or None,
        from_local(datetime.combine(until, time.max)) if until else None,
    )
    if clashes:
        flash(
            _("%(n)d booking(s) clash with it; their bookers were told. Resolve them below.", n=len(clashes)),
            "warning",
        )


@bp.route("/unavailability/<int:period_id>/delete", methods=["POST"])
@require("pooling.manage")
def remove_period(period_id: int):
    period = db.session.get(Unavailability, period_id) or abort(404)
    return act(
        lambda: equipment_service.remove_unavailability(current_user, period_id),
        _("The period is removed."),
        url_for("pooling.item", equipment_id=period.equipment_id),
    )


@bp.route("/equipment/<int:equipment_id>/feed", methods=["POST"])
@require("pooling.manage")
def equipment_feed(equipment_id: int):
    equipment = equipment_service.managed_equipment(equipment_id, current_user)
    return act(
        lambda: equipment_service.equipment_feed_token(current_user, equipment, renew=True),
        _("A new calendar link is ready; the previous one no longer works."),
        url_for("pooling.item", equipment_id=equipment.id),
    )


@bp.route("/feeds/<token>.ics")
def feed(token: str):
    """iCal feed of an item or of an organization's bookings; the secret token is the access."""
    if len(token) < 20:
        abort(404)
    start, end = feed_window()
    equipment = db.session.scalar(db.select(Equipment).where(Equipment.feed_token == token))
    stmt = (
        db.select(Booking)
        .where(
            Booking.status.in_(("requested", "approved", "picked_up", "returned")),
            Booking.start_at < end,
            Booking.end_at > start,
        )
        .order_by(Booking.start_at)
    )
    if equipment is not None:
        name, stmt = equipment.name, stmt.where(Booking.equipment_id == equipment.id)
    else:
        org_feed = db.session.scalar(db.select(OrganizationFeed).where(OrganizationFeed.token == token)) or abort(404)
        name = db.session.get(Organization, org_feed.organization_id).name
        stmt = stmt.where(Booking.organization_id == org_feed.organization_id)
    body = to_ics(booking_events(stmt), name, current_app.config["PUBLIC_URL"])
    return Response(body, mimetype="text/calendar", headers={"Cache-Control": "private, max-age=300"})
