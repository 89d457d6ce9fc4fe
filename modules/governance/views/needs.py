"""The shared-needs board and the actions that come out of it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.accounts.permissions import has_permission, require
from core.clock import today
from core.errors import DomainError
from core.extensions import db
from core.web.lifecycle import attach_error
from modules.governance.forms import ActionForm, NeedForm, NeedPollForm, RetainForm, SupportForm
from modules.governance.models import Action, Body, Need, NeedSupport, Poll
from modules.governance.services import needs as services
from modules.governance.services.common import MANAGE, NEEDS, VIEW
from modules.governance.views import bp
from modules.governance.views.common import aware, get_or_404, need_org_choices, user_choices
from modules.governance.views.polls import paged_list


@bp.route("/needs", methods=["GET", "POST"])
@require(VIEW)
def needs():
    q = (request.args.get("q") or "").strip()
    status = request.args.get("status", "open")
    if status not in ("open", "retained", "dropped"):
        status = "open"
    form = NeedForm(prefix="need")
    form.organization_id.choices = need_org_choices()
    if form.submit.data and form.validate_on_submit():
        try:
            need = services.post_need(
                current_user,
                form.organization_id.data,
                form.title.data,
                form.description.data,
                form.importance.data,
                form.urgency.data,
            )
            db.session.commit()
            return redirect(url_for("governance.need_detail", need_id=need.id))
        except DomainError as error:
            attach_error(form, error)
    poll_form = NeedPollForm(prefix="needpoll")
    poll_form.body_id.choices = [(b.id, b.name) for b in db.session.scalars(db.select(Body).order_by(Body.name))]
    return render_template(
        "governance/needs.html",
        page=paged_list(services.ranked_needs(status, q)),
        q=q,
        status=status,
        form=form,
        poll_form=poll_form,
        can_post=has_permission(current_user, NEEDS) and bool(form.organization_id.choices),
    )


@bp.post("/needs/poll")
@require(MANAGE)
def needs_poll():
    form = NeedPollForm(prefix="needpoll")
    form.body_id.choices = [(b.id, b.name) for b in db.session.scalars(db.select(Body).order_by(Body.name))]
    if not form.validate_on_submit():
        flash(
            _(
                "Check the poll settings: %(errors)s",
                errors="; ".join(f"{form[name].label.text}: {' '.join(msgs)}" for name, msgs in form.errors.items()),
            ),
            "danger",
        )
        return redirect(url_for("governance.needs"))
    try:
        poll = services.poll_top_needs(
            current_user,
            get_or_404(Body, form.body_id.data),
            form.top.data,
            form.retain.data,
            aware(form.opens_at.data),
            aware(form.closes_at.data),
        )
        db.session.commit()
        return redirect(url_for("governance.poll_detail", poll_id=poll.id))
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return redirect(url_for("governance.needs"))


@bp.route("/needs/<int:need_id>", methods=["GET", "POST"])
@require(VIEW)
def need_detail(need_id: int):
    need = get_or_404(Need, need_id)
    form = SupportForm(prefix="support")
    form.organization_id.choices = need_org_choices()
    if form.submit.data and form.validate_on_submit():
        try:
            services.support_need(
                current_user, need.id, form.organization_id.data, form.importance.data, form.urgency.data
            )
            db.session.commit()
            flash(_("Your ratings are recorded."), "success")
            return redirect(url_for("governance.need_detail", need_id=need.id))
        except DomainError as error:
            attach_error(form, error)
    supports = db.session.scalars(
        db.select(NeedSupport).where(NeedSupport.need_id == need.id).order_by(NeedSupport.id)
    ).all()
    return render_template(
        "governance/need.html",
        need=need,
        supports=supports,
        form=form,
        can_support=has_permission(current_user, NEEDS) and bool(form.organization_id.choices),
    )


@bp.route("/actions", methods=["GET", "POST"])
@require(VIEW)
def actions():
    form = ActionForm(prefix="action")
    form.owner_id.choices = user_choices()
    if has_permission(current_user, MANAGE) and form.submit.data and form.validate_on_submit():
        try:
            services.create_action(current_user, form.title.data, form.owner_id.data, form.due_date.data)
            db.session.commit()
            return redirect(url_for("governance.actions"))
        except DomainError as error:
            attach_error(form, error)
    stmt = db.select(Action).order_by(Action.status == "done", Action.due_date, Action.id)
    return render_template(
        "governance/actions.html", page=paged_list(db.session.scalars(stmt).all()), form=form, today=today()
    )


@bp.post("/actions/<int:action_id>/status")
@require(VIEW)
def action_status(action_id: int):
    try:
        services.set_action_status(current_user, action_id, request.form.get("status", ""))
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        if error.status == 404:
            abort(404)
        flash(error.message, "danger")
    return redirect(url_for("governance.actions"))


@bp.route("/polls/<int:poll_id>/retain", methods=["GET", "POST"])
@require(MANAGE)
def poll_retain(poll_id: int):
    poll = get_or_404(Poll, poll_id)
    if poll.status != "closed" or not any(o.need_id for o in poll.options):
        abort(404)
    form = RetainForm()
    form.owner_id.choices = user_choices()
    if form.validate_on_submit():
        try:
            actions = services.retain_from_poll(
                current_user, poll.id, form.retain.data, form.owner_id.data, form.due_date.data
            )
            db.session.commit()
            flash(_("%(n)d actions created.", n=len(actions)), "success")
            return redirect(url_for("governance.actions"))
        except DomainError as error:
            attach_error(form, error)
    return render_template("governance/retain.html", poll=poll, form=form)
