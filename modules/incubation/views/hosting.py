"""Host sites and their offer, placements (request, decision, report, .ics), local-authority visits."""

from __future__ import annotations

from flask import Response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.accounts.directory import organization_choices
from core.accounts.models import Membership, Organization, User
from core.accounts.permissions import PermissionDenied, permitted_org_ids, require
from core.calendar import to_ics
from core.errors import DomainError
from core.extensions import db
from core.web.forms import query_id
from core.web.lifecycle import act, submit
from core.web.pagination import matching, paged, search_term
from core.web.urls import public_url
from modules.incubation.forms import DecisionForm, PeriodForm, PlacementForm, ReportForm, SiteForm, VisitForm
from modules.incubation.models import AuthorityVisit, HostSite, Placement, Project
from modules.incubation.services import hosting as service
from modules.incubation.services import visits as visit_service
from modules.incubation.services.access import is_coordinator, visible_projects
from modules.incubation.views import bp


@bp.route("/sites")
@login_required
def sites():
    q = request.args.get("q", "").strip()[:100]
    stmt = service.sites_stmt(active_only=not is_coordinator(current_user))
    if q:
        stmt = stmt.where(db.or_(HostSite.name.ilike(f"%{q}%"), HostSite.address.ilike(f"%{q}%")))
    managed = set(db.session.scalars(service.managed_sites_stmt(current_user).with_only_columns(HostSite.id)))
    return render_template(
        "incubation/sites.html",
        page=paged(stmt),
        q=q,
        managed=managed,
        may_create=permitted_org_ids(current_user, service.HOST) != set(),
    )


def _site_form(site: HostSite | None) -> SiteForm:
    form = SiteForm(obj=site)
    form.organization_id.choices = organization_choices(current_user, service.HOST, kinds=["member"])
    org_ids = [o for o, _n in form.organization_id.choices]
    form.referent_id.choices = [
        (u.id, f"{u.name} ({u.email})")
        for u in db.session.scalars(
            db.select(User)
            .join(Membership)
            .where(Membership.organization_id.in_(org_ids or [-1]))
            .distinct()
            .order_by(User.name)
        )
    ]
    if site is not None and request.method == "GET":
        form.learnings.data = site.learning_list
    return form


@bp.route("/sites/new", methods=["GET", "POST"])
@require(service.HOST)
def new_site():
    return _edit_site(None)


@bp.route("/sites/<int:site_id>/edit", methods=["GET", "POST"])
@login_required
def edit_site(site_id: int):
    site = service.get_site(site_id)
    if not service.can_manage_site(current_user, site):
        raise PermissionDenied(service.HOST)
    return _edit_site(site)


def _edit_site(site: HostSite | None):
    form = _site_form(site)
    if form.validate_on_submit():
        done = submit(
            form,
            lambda: service.save_site(
                current_user,
                site,
                organization_id=form.organization_id.data,
                name=form.name.data,
                address=form.address.data,
                capacity=form.capacity.data,
                learnings=form.learnings.data,
                description=form.description.data,
                referent_id=form.referent_id.data,
                active=form.active.data,
            ),
            _("The hosting offer is saved."),
            lambda saved: url_for("incubation.site", site_id=saved.id),
        )
        if done:
            return done
    title = _("New host site") if site is None else _("Edit %(name)s", name=site.name)
    return render_template(
        "incubation/form_page.html", form=form, title=title, back=url_for("incubation.sites")
    ), 200 if request.method == "GET" else 422


@bp.route("/sites/<int:site_id>", methods=["GET", "POST"])
@login_required
def site(site_id: int):
    site = service.get_site(site_id)
    form = PeriodForm()
    manage = service.can_manage_site(current_user, site)
    status = 200
    if manage and form.validate_on_submit():
        done = submit(
            form,
            lambda: service.add_period(current_user, site, form.start_date.data, form.end_date.data),
            _("The period is added."),
            url_for("incubation.site", site_id=site_id),
        )
        if done:
            return done
        site = service.get_site(site_id)
    if request.method == "POST":
        status = 422
    return render_template("incubation/site.html", site=site, form=form, manage=manage), status


@bp.route("/sites/<int:site_id>/periods/<int:period_id>/remove", methods=["POST"])
@login_required
def remove_period(site_id: int, period_id: int):
    return act(
        lambda: service.remove_period(current_user, service.get_site(site_id), period_id),
        _("The period is removed."),
        url_for("incubation.site", site_id=site_id),
    )


@bp.route("/placements")
@login_required
def placements():
    status, q = request.args.get("status", ""), search_term()
    stmt = service.placements_stmt(current_user)
    if status in ("requested", "accepted", "declined", "cancelled"):
        stmt = stmt.where(Placement.status == status)
    if q:
        stmt = matching(
            stmt.join(Placement.host_site).join(Placement.holder).join(Placement.project).join(Project.organization),
            q,
            HostSite.name,
            User.name,
            Organization.name,
        )
    return render_template("incubation/placements.html", page=paged(stmt), status=status, q=q)


def _placement_form() -> PlacementForm:
    form = PlacementForm()
    form.project_id.choices = [
        (p.id, p.name)
        for p in db.session.scalars(
            visible_projects(current_user).where(Project.status == "accepted").order_by(Project.id)
        )
    ]
    form.host_site_id.choices = [(s.id, f"{s.name} ({s.capacity})") for s in db.session.scalars(service.sites_stmt())]
    if request.method == "GET" and query_id("site"):
        form.host_site_id.data = query_id("site")
    return form


@bp.route("/placements/new", methods=["GET", "POST"])
@login_required
def new_placement():
    form = _placement_form()
    if form.validate_on_submit():
        done = submit(
            form,
            lambda: service.request_placement(
                current_user,
                project_id=form.project_id.data,
                host_site_id=form.host_site_id.data,
                kind=form.kind.data,
                start=form.start_date.data,
                end=form.end_date.data,
                people=form.people.data,
                message=form.message.data,
            ),
            _("Your request is sent to the referent."),
            lambda placement: url_for("incubation.placement", placement_id=placement.id),
        )
        if done:
            return done
    return render_template(
        "incubation/form_page.html", form=form, title=_("Request a placement"), back=url_for("incubation.placements")
    ), 200 if request.method == "GET" else 422


def _placement_page(item, decision_form=None, report_form=None) -> str:
    return render_template(
        "incubation/placement.html",
        placement=item,
        referent=service.is_referent(current_user, item),
        decision_form=decision_form or DecisionForm(),
        report_form=report_form or ReportForm(obj=item),
    )


@bp.route("/placements/<int:placement_id>")
@login_required
def placement(placement_id: int):
    return _placement_page(service.get_placement(current_user, placement_id))


@bp.route("/placements/<int:placement_id>/accept", methods=["POST"])
@login_required
def accept(placement_id: int):
    return _decide(placement_id, True)


@bp.route("/placements/<int:placement_id>/decline", methods=["POST"])
@login_required
def decline(placement_id: int):
    return _decide(placement_id, False)


def _decide(placement_id: int, accepted: bool):
    item = service.get_placement(current_user, placement_id, lock=True)
    form = DecisionForm()
    if form.validate_on_submit():
        done = submit(
            form,
            lambda: service.decide_placement(current_user, item, accepted, form.note.data),
            _("The placement is accepted.") if accepted else _("The request is declined."),
            url_for("incubation.placement", placement_id=placement_id),
        )
        if done:
            return done
        item = service.get_placement(current_user, placement_id)
    return _placement_page(item, decision_form=form), 422


@bp.route("/placements/<int:placement_id>/cancel", methods=["POST"])
@login_required
def cancel(placement_id: int):
    return act(
        lambda: service.cancel_placement(current_user, service.get_placement(current_user, placement_id, lock=True)),
        _("The placement is cancelled."),
        url_for("incubation.placement", placement_id=placement_id),
    )


@bp.route("/placements/<int:placement_id>/report", methods=["POST"])
@login_required
def report(placement_id: int):
    item = service.get_placement(current_user, placement_id)
    form = ReportForm()
    if form.validate_on_submit():
        done = submit(
            form,
            lambda: service.write_report(current_user, item, form.report.data),
            _("The report is saved."),
            url_for("incubation.placement", placement_id=placement_id),
        )
        if done:
            return done
        item = service.get_placement(current_user, placement_id)
    return _placement_page(item, report_form=form), 422


@bp.route("/placements/<int:placement_id>.ics")
@login_required
def placement_ics(placement_id: int):
    item = service.get_placement(current_user, placement_id)
    if item.status != "accepted":
        raise DomainError(_("Only a confirmed placement has a calendar file."))
    body = to_ics([service.placement_event(item)], item.host_site.name, public_url("web.home"))
    return Response(
        body, mimetype="text/calendar", headers={"Content-Disposition": f"attachment; filename=placement-{item.id}.ics"}
    )


@bp.route("/visits")
@login_required
def visits():
    q = search_term()
    stmt = matching(visit_service.visits_stmt(current_user), q, AuthorityVisit.authority, AuthorityVisit.place)
    return render_template("incubation/visits.html", page=paged(stmt), q=q)


@bp.route("/visits/new", methods=["GET", "POST"])
@login_required
def new_visit():
    form = VisitForm()
    form.project_id.choices = [(0, "—")] + [
        (p.id, p.name) for p in db.session.scalars(visible_projects(current_user).order_by(Project.id))
    ]
    form.host_site_id.choices = [(0, "—")] + [
        (s.id, s.name)
        for s in db.session.scalars(
            service.managed_sites_stmt(current_user) if not is_coordinator(current_user) else service.sites_stmt(False)
        )
    ]
    if form.validate_on_submit():
        done = submit(
            form,
            lambda: visit_service.record_visit(
                current_user,
                authority=form.authority.data,
                visitors=form.visitors.data,
                visited_on=form.visited_on.data,
                place=form.place.data,
                notes=form.notes.data,
                project_id=form.project_id.data or None,
                host_site_id=form.host_site_id.data or None,
            ),
            _("The visit is recorded."),
            url_for("incubation.visits"),
        )
        if done:
            return done
    return render_template(
        "incubation/form_page.html",
        form=form,
        title=_("Record a visit by a local authority"),
        back=url_for("incubation.visits"),
    ), 200 if request.method == "GET" else 422
