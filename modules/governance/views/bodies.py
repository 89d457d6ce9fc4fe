"""Bodies, colleges and members."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.accounts.models import Organization, User
from core.accounts.permissions import has_permission, require
from core.errors import DomainError
from core.extensions import db
from core.web.lifecycle import attach_error
from modules.governance.forms import BodyForm, CollegeForm, EndTermForm, MemberForm
from modules.governance.models import Body, BodyMember, Meeting, Poll
from modules.governance.services import bodies as services
from modules.governance.services.common import MANAGE, VIEW
from modules.governance.views import bp
from modules.governance.views.common import get_or_404


@bp.route("/bodies", methods=["GET", "POST"])
@require(VIEW)
def bodies():
    form = BodyForm()
    if has_permission(current_user, MANAGE) and form.validate_on_submit():
        try:
            body = services.create_body(
                current_user,
                form.name.data,
                form.kind.data,
                form.seat_kind.data,
                form.proxy_cap.data,
                form.notice_days.data,
                form.quorum_percent.data,
                form.description.data,
            )
            db.session.commit()
            return redirect(url_for("governance.body_detail", body_id=body.id))
        except DomainError as error:
            attach_error(form, error)
    items = db.session.scalars(db.select(Body).order_by(Body.name)).all()
    return render_template("governance/bodies.html", bodies=items, form=form)


def _member_form(body: Body) -> MemberForm:
    form = MemberForm(prefix="member")
    if body.seat_kind == "organization":
        stmt = db.select(Organization).where(Organization.active).order_by(Organization.name)
        form.holder.choices = [(o.id, o.name) for o in db.session.scalars(stmt)]
    else:
        form.holder.choices = [
            (u.id, u.name) for u in db.session.scalars(db.select(User).where(User.active).order_by(User.name))
        ]
    form.college_id.choices = [(0, "—")] + [(c.id, f"{c.name} ({c.weight_percent} %)") for c in body.colleges]
    return form


@bp.route("/bodies/<int:body_id>", methods=["GET", "POST"])
@require(VIEW)
def body_detail(body_id: int):
    body = get_or_404(Body, body_id)
    college_form, member_form = CollegeForm(prefix="college"), _member_form(body)
    if has_permission(current_user, MANAGE):
        try:
            if college_form.submit.data and college_form.validate_on_submit():
                services.add_college(current_user, body, college_form.name.data, college_form.weight_percent.data)
                db.session.commit()
                return redirect(url_for("governance.body_detail", body_id=body.id))
            if member_form.submit.data and member_form.validate_on_submit():
                holder = member_form.holder.data
                services.add_member(
                    current_user,
                    body,
                    start_date=member_form.start_date.data,
                    end_date=member_form.end_date.data,
                    organization_id=holder if body.seat_kind == "organization" else None,
                    user_id=holder if body.seat_kind == "person" else None,
                    weight=member_form.weight.data,
                    college_id=member_form.college_id.data or None,
                    role_title=member_form.role_title.data,
                )
                db.session.commit()
                return redirect(url_for("governance.body_detail", body_id=body.id))
        except DomainError as error:
            attach_error(member_form if member_form.submit.data else college_form, error)
    members = db.session.scalars(
        db.select(BodyMember).where(BodyMember.body_id == body.id).order_by(BodyMember.start_date.desc(), BodyMember.id)
    ).all()
    meetings = db.session.scalars(
        db.select(Meeting).where(Meeting.body_id == body.id).order_by(Meeting.starts_at.desc()).limit(10)
    ).all()
    polls = db.session.scalars(
        db.select(Poll).where(Poll.body_id == body.id).order_by(Poll.closes_at.desc()).limit(10)
    ).all()
    return render_template(
        "governance/body.html",
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
    if not form.validate_on_submit():
        flash(_("Give the last day of the term."), "danger")
    else:
        try:
            services.end_term(current_user, member, form.end_date.data)
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
    return redirect(url_for("governance.body_detail", body_id=member.body_id))
