"""The shared-needs board and the actions that come out of it."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.accounts.directory import organization_choices, user_choices
from core.accounts.permissions import has_permission, require
from core.clock import today
from core.db import get_or_404
from core.extensions import db
from core.web.lifecycle import act, submit
from modules.governance.forms import ActionForm, NeedForm, NeedPollForm, RetainForm, SupportForm
from modules.governance.models import Action, Body, Need, NeedSupport, Poll
from modules.governance.services import needs as services
from modules.governance.services.common import MANAGE, NEEDS, VIEW
from modules.governance.views import bp
from modules.governance.views.common import page, paged_list

NEED_POSTERS = ("member", "network", "partner")  # kinds of organization that post and join needs


def need_org_choices() -> list[tuple[int, str]]:
    return organization_choices(current_user, NEEDS, kinds=NEED_POSTERS)


def _need_url(need) -> str:
    return url_for("governance.need_detail", need_id=need.id)


def _body_choices() -> list[tuple[int, str]]:
    return [(b.id, b.name) for b in db.session.scalars(db.select(Body).order_by(Body.name))]


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
        done = submit(
            form,
            lambda: services.post_need(
                current_user,
                form.organization_id.data,
                form.title.data,
                form.description.data,
                form.importance.data,
                form.urgency.data,
            ),
            None,
            _need_url,
        )
        if done:
            return done
    poll_form = NeedPollForm(prefix="needpoll")
    poll_form.body_id.choices = _body_choices()
    return page(
        "governance/needs.html",
        form,
        page=paged_list(services.ranked_needs(status, q)),
        q=q,
        status=status,
        form=form,
        poll_form=poll_form,
        can_post=has_permission(current_user, NEEDS) and bool(form.organization_id.choices),
    )


def _poll_top_needs(form: NeedPollForm) -> Poll:
    body = get_or_404(Body, form.body_id.data)
    top, retain = form.top.data, form.retain.data
    return services.poll_top_needs(current_user, body, top, retain, form.opens_at.data, form.closes_at.data)


@bp.post("/needs/poll")
@require(MANAGE)
def needs_poll():
    form = NeedPollForm(prefix="needpoll")
    form.body_id.choices = _body_choices()
    back = url_for("governance.needs")
    if not form.validate_on_submit():
        flash(
            _(
                "Check the poll settings: %(errors)s",
                errors="; ".join(f"{form[name].label.text}: {' '.join(msgs)}" for name, msgs in form.errors.items()),
            ),
            "danger",
        )
        return redirect(back)
    return act(
        lambda: _poll_top_needs(form), None, lambda poll: url_for("governance.poll_detail", poll_id=poll.id), back
    )


@bp.route("/needs/<int:need_id>", methods=["GET", "POST"])
@require(VIEW)
def need_detail(need_id: int):
    need = get_or_404(Need, need_id)
    form = SupportForm(prefix="support")
    form.organization_id.choices = need_org_choices()
    if form.submit.data and form.validate_on_submit():
        done = submit(
            form,
            lambda: services.support_need(
                current_user, need.id, form.organization_id.data, form.importance.data, form.urgency.data
            ),
            _("Your ratings are recorded."),
            _need_url(need),
        )
        if done:
            return done
    supports = db.session.scalars(
        db.select(NeedSupport).where(NeedSupport.need_id == need.id).order_by(NeedSupport.id)
    ).all()
    return page(
        "governance/need.html",
        form,
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
        done = submit(
            form,
            lambda: services.create_action(current_user, form.title.data, form.owner_id.data, form.due_date.data),
            None,
            url_for("governance.actions"),
        )
        if done:
            return done
    stmt = db.select(Action).order_by(Action.status == "done", Action.due_date, Action.id)
    return page(
        "governance/actions.html", form, page=paged_list(db.session.scalars(stmt).all()), form=form, today=today()
    )


@bp.post("/actions/<int:action_id>/status")
@require(VIEW)
def action_status(action_id: int):
    status = request.form.get("status", "")
    return act(lambda: services.set_action_status(current_user, action_id, status), None, url_for("governance.actions"))


@bp.route("/polls/<int:poll_id>/retain", methods=["GET", "POST"])
@require(MANAGE)
def poll_retain(poll_id: int):
    poll = get_or_404(Poll, poll_id)
    if poll.status != "closed" or not any(o.need_id for o in poll.options):
        abort(404)
    form = RetainForm()
    form.owner_id.choices = user_choices()
    if form.validate_on_submit():
        done = submit(form, lambda: _retain(poll, form), None, url_for("governance.actions"))
        if done:
            return done
    return page("governance/retain.html", form, poll=poll, form=form)


def _retain(poll: Poll, form: RetainForm) -> list[Action]:
    actions = services.retain_from_poll(current_user, poll.id, form.retain.data, form.owner_id.data, form.due_date.data)
    flash(_("%(n)d actions created.", n=len(actions)), "success")
    return actions
