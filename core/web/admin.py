"""Network admin pages: organizations, users and roles, modules, ledger, jobs, audit log."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core import faults, jobs, ledger
from core import modules as module_admin
from core.accounts import services
from core.accounts.forms import GrantForm, OrganizationForm, UserForm
from core.accounts.models import Membership, Organization, User
from core.accounts.permissions import require
from core.audit import AuditEntry
from core.extensions import db
from core.web.lifecycle import act, submit
from core.web.pagination import matching, paged, search_term

bp = Blueprint("admin", __name__, url_prefix="/admin")
ORG_FIELDS = ("name", "kind", "email", "phone", "address", "city", "region", "latitude", "longitude", "active")


@bp.route("/organizations")
@require("core.admin")
def organizations():
    q = search_term()
    stmt = matching(db.select(Organization).order_by(Organization.name), q, Organization.name, Organization.city)
    return render_template("admin/organizations.html", page=paged(stmt), q=q)


@bp.route("/organizations/new", methods=["GET", "POST"])
@bp.route("/organizations/<int:org_id>", methods=["GET", "POST"])
@require("core.admin")
def organization(org_id: int | None = None):
    org = db.get_or_404(Organization, org_id) if org_id else None
    form = OrganizationForm(obj=org)
    if form.validate_on_submit():
        values = {f: getattr(form, f).data for f in ORG_FIELDS}
        done = submit(
            form,
            lambda: _save_organization(org, values),
            _("The organization is saved."),
            url_for("admin.organizations"),
        )
        if done:
            return done
    return render_template("admin/organization.html", form=form, org=org)


def _save_organization(org: Organization | None, values: dict):
    return services.update_organization(org, **values) if org else services.create_organization(**values)


@bp.route("/users")
@require("core.admin")
def users():
    q = search_term()
    stmt = matching(db.select(User).order_by(User.name), q, User.name, User.email).options(
        db.selectinload(User.memberships).joinedload(Membership.organization)
    )
    return render_template("admin/users.html", page=paged(stmt), q=q)


@bp.route("/users/new", methods=["GET", "POST"])
@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@require("core.admin")
def user(user_id: int | None = None):
    person = db.get_or_404(User, user_id) if user_id else None
    form = UserForm(obj=person)
    grant = GrantForm(prefix="grant")
    grant.organization_id.choices = [
        (o.id, o.name) for o in db.session.scalars(db.select(Organization).order_by(Organization.name))
    ]
    if form.submit.data and form.validate_on_submit():
        done = submit(form, lambda: _save_user(person, form), _("The user is saved."), _user_page)
        if done:
            return done
    if person and grant.submit.data and grant.validate_on_submit():
        done = submit(
            grant,
            lambda: services.grant_role(person, grant.organization_id.data, grant.role.data),
            _("The role is granted."),
            url_for("admin.user", user_id=person.id),
        )
        if done:
            return done
    return render_template("admin/user.html", form=form, grant=grant, person=person)


def _save_user(person: User | None, form) -> User:
    if person is None:
        person = services.create_user(form.email.data, form.name.data, form.password.data or None, form.locale.data)
        if not form.password.data:
            services.request_password_reset(person.email)
        return person
    services.update_profile(person, form.name.data, form.locale.data)
    person.active = form.active.data
    return person


def _user_page(person: User) -> str:
    return url_for("admin.user", user_id=person.id)


@bp.route("/users/<int:user_id>/memberships/<int:membership_id>/revoke", methods=["POST"])
@require("core.admin")
def revoke_membership(user_id: int, membership_id: int):
    person = db.get_or_404(User, user_id)
    return act(
        lambda: services.revoke_role(person, membership_id),
        _("The role is revoked."),
        url_for("admin.user", user_id=user_id),
    )


@bp.route("/modules")
@require("core.admin")
def modules():
    return render_template("admin/modules.html", modules=module_admin.status(), faults=faults.faults_by_module())


@bp.route("/modules/<name>/faults/clear", methods=["POST"])
@require("core.admin")
def clear_faults(name: str):
    faults.clear(name)
    flash(_("The faults of %(name)s are cleared.", name=name), "success")
    return redirect(url_for("admin.modules"))


@bp.route("/modules/<name>/<action>", methods=["POST"])
@require("core.admin")
def module_action(name: str, action: str):
    try:
        if action == "install":
            done = module_admin.install(name, demo=request.form.get("demo") == "1")
            flash(_("Installed: %(names)s.", names=", ".join(done) or name), "success")
        elif action == "uninstall":
            module_admin.uninstall(name, drop=request.form.get("drop") == "1")
            flash(_("Module %(name)s is uninstalled.", name=name), "success")
        else:
            abort(404)
    except module_admin.ModuleError as error:
        db.session.rollback()
        flash(str(error), "danger")
    return redirect(url_for("admin.modules"))


@bp.route("/audit")
@require("core.admin")
def audit():
    stmt = db.select(AuditEntry).order_by(AuditEntry.id.desc())
    action = request.args.get("action", "").strip()[:80]
    if action:
        stmt = stmt.where(AuditEntry.action.startswith(action))
    return render_template("admin/audit.html", page=paged(stmt), action=action)


@bp.route("/jobs")
@require("core.admin")
def jobs_page():
    status = request.args.get("status", "dead")
    stmt = db.select(jobs.Job).order_by(jobs.Job.id.desc())
    if status in ("pending", "enqueued", "running", "done", "dead"):
        stmt = stmt.where(jobs.Job.status == status)
    return render_template("admin/jobs.html", page=paged(stmt), status=status)


@bp.route("/jobs/<int:job_id>/retry", methods=["POST"])
@require("core.admin")
def retry_job(job_id: int):
    if jobs.retry(job_id):
        flash(_("The job will run again."), "success")
    return redirect(url_for("admin.jobs_page"))


@bp.route("/ledger")
@require("core.ledger")
def ledger_page():
    names = dict(db.session.execute(db.select(Organization.id, Organization.name)).all())
    balances = ledger.balances()
    transfers = ledger.settle(balances)
    if request.args.get("format") == "csv":
        return Response(
            ledger.transfers_csv(transfers, names),
            mimetype="text/csv",
            headers={"Content-Disposition": "attachment; filename=settlement.csv"},
        )
    charges = paged(db.select(ledger.Charge).order_by(ledger.Charge.id.desc()))
    return render_template("admin/ledger.html", balances=balances, transfers=transfers, names=names, page=charges)
