"""Bodies, colleges and members."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.accounts.directory import organization_choices, user_choices
from core.accounts.permissions import has_permission, require
from core.db import get_or_404
from core.extensions import db
from core.web.lifecycle import act, submit
from modules.governance.forms import BodyForm, CollegeForm, EndTermForm, MemberForm
from modules.governance.models import Body, BodyMember, Meeting, Poll
from modules.governance.services import bodies as services
from modules.governance.services.common import MANAGE, VIEW
from modules.governance.views import bp
from modules.governance.views.common import page


def _body_url(body) -> str:
    return url_for("governance.body_detail", body_id=body.id)


@bp.route("/bodies", methods=["GET", "POST"])
@require(VIEW)
def bodies():
    form = BodyForm()
    if has_permission(current_user, MANAGE) and form.validate_on_submit():
        done = submit(
            form,
            lambda: services.create_body(
                current_user,
                form.name.data,
                form.kind.data,
                form.seat_kind.data,
                form.proxy_cap.data,
                form.notice_days.data,
                form.quorum_percent.data,
                form.description.data,
            ),
            None,
            _body_url,
        )
        if done:
            return done
    items = db.session.scalars(db.select(Body).order_by(Body.name)).all()
    return page("governance/bodies.html", form, bodies=items, form=form)


def _member_form(body: Body) -> MemberForm:
    form = MemberForm(prefix="member")
    form.holder.choices = organization_choices() if body.seat_kind == "organization" else user_choices()
    form.college_id.choices = [(0, "—")] + [(c.id, f"{c.name} ({c.weight_percent} %)") for c in body.colleges]
    return form


def _add_member(body: Body, form: MemberForm):
    holder = form.holder.data
    return services.add_member(
        current_user,
        body,
        start_date=form.start_date.data,
        end_date=form.end_date.data,
        organization_id=holder if body.seat_kind == "organization" else None,
        user_id=holder if body.seat_kind == "person" else None,
        weight=form.weight.data,
        college_id=form.college_id.data or None,
        role_title=form.role_title.data,
    )


@bp.route("/bodies/<int:body_id>", methods=["GET", "POST"])
@require(VIEW)
def body_detail(body_id: int):
    body = get_or_404(Body, body_id)
    college_form, member_form = CollegeForm(prefix="college"), _member_form(body)
    if has_permission(current_user, MANAGE):
        done = None
        if college_form.submit.data and college_form.validate_on_submit():
            name, percent = college_form.name.data, college_form.weight_percent.data
            done = submit(
                college_form, lambda: services.add_college(current_user, body, name, percent), None, _body_url(body)
            )
        elif member_form.submit.data and member_form.validate_on_submit():
            done = submit(member_form, lambda: _add_member(body, member_form), None, _body_url(body))
        if done:
            return done
    members = db.session.scalars(
        db.select(BodyMember).where(BodyMember.body_id == body.id).order_by(BodyMember.start_date.desc(), BodyMember.id)
    ).all()
    meetings = db.session.scalars(
        db.select(Meeting).where(Meeting.body_id == body.id).order_by(Meeting.starts_at.desc()).limit(10)
    ).all()
    polls = db.session.scalars(
        db.select(Poll).where(Poll.body_id == body.id).order_by(Poll.closes_at.desc()).limit(10)
    ).all()
    return page(
        "governance/body.html",
        college_form,
        member_form,
        body=body,
        members=members,
        meetings=meetings,
        polls=polls,
        college_form=college_form,
        member_form=member_form,
    )


@bp.post("/members/<int:member_id>/end")
@require(MANAGE)
def member_end(member_id: int):
    member = get_or_404(BodyMember, member_id)
    form = EndTermForm()
    back = url_for("governance.body_detail", body_id=member.body_id)
    if not form.validate_on_submit():
        flash(_("Give the last day of the term."), "danger")
        return redirect(back)
    return act(lambda: services.end_term(current_user, member, form.end_date.data), None, back)
