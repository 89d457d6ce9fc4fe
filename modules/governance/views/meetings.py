"""Meetings: schedule, agenda and motions, convocation, attendance and proxies, minutes."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.accounts.permissions import has_permission, require
from core.clock import local
from core.errors import DomainError
from core.extensions import db
from core.web.lifecycle import attach_error
from modules.governance.forms import AgendaItemForm, HandsForm, MeetingForm, MotionForm, ProxyForm
from modules.governance.models import AgendaItem, Attendance, Body, Meeting, Motion, Poll
from modules.governance.models.meetings import ATTENDANCE
from modules.governance.services import meetings as services
from modules.governance.services import voting
from modules.governance.services.bodies import active_members, seats_of
from modules.governance.services.common import MANAGE, VIEW, VOTE
from modules.governance.views import bp
from modules.governance.views.common import aware, get_or_404


@bp.route("/bodies/<int:body_id>/meetings/new", methods=["GET", "POST"])
@require(MANAGE)
def meeting_new(body_id: int):
    body = get_or_404(Body, body_id)
    form = MeetingForm()
    if form.validate_on_submit():
        try:
            meeting = services.create_meeting(
                current_user,
                body,
                form.title.data,
                aware(form.starts_at.data),
                aware(form.ends_at.data),
                form.mode.data,
                form.location.data,
                form.online_url.data,
            )
            db.session.commit()
            return redirect(url_for("governance.meeting_detail", meeting_id=meeting.id))
        except DomainError as error:
            attach_error(form, error)
    return render_template("governance/meeting_form.html", form=form, body=body)


def _proxy_form(meeting: Meeting, members) -> ProxyForm:
    form = ProxyForm(prefix="proxy")
    mine = seats_of(current_user, meeting.body_id, local(meeting.starts_at).date())
    form.grantor_id.choices = [(m.id, m.label) for m in mine]
    form.holder_id.choices = [(m.id, m.label) for m in members if m not in mine]
    return form


@bp.route("/meetings/<int:meeting_id>", methods=["GET", "POST"])
@require(VIEW)
def meeting_detail(meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id)
    members = active_members(meeting.body_id, local(meeting.starts_at).date())
    item_form, motion_form = AgendaItemForm(prefix="item"), MotionForm(prefix="motion")
    motion_form.item_id.choices = [(i.id, f"{i.position}. {i.title}") for i in meeting.items]
    motion_form.poll_id.choices = [(0, _("Show of hands"))] + [
        (p.id, p.question) for p in db.session.scalars(db.select(Poll).where(Poll.meeting_id == meeting.id))
    ]
    proxy_form = _proxy_form(meeting, members)
    try:
        if item_form.submit.data and item_form.validate_on_submit():
            services.add_agenda_item(current_user, meeting, item_form.title.data, item_form.description.data)
            db.session.commit()
            return redirect(url_for("governance.meeting_detail", meeting_id=meeting.id))
        if motion_form.submit.data and motion_form.validate_on_submit():
            item = get_or_404(AgendaItem, motion_form.item_id.data)
            if item.meeting_id != meeting.id:
                abort(404)
            services.add_motion(current_user, item, motion_form.text.data, motion_form.poll_id.data or None)
            db.session.commit()
            return redirect(url_for("governance.meeting_detail", meeting_id=meeting.id))
        if proxy_form.submit.data and proxy_form.validate_on_submit():
            if not has_permission(current_user, VOTE):
                abort(403)
            voting.grant_proxy(
                current_user, proxy_form.grantor_id.data, proxy_form.holder_id.data, meeting_id=meeting.id
            )
            db.session.commit()
            flash(_("The proxy is recorded."), "success")
            return redirect(url_for("governance.meeting_detail", meeting_id=meeting.id))
    except DomainError as error:
        form = item_form if item_form.submit.data else motion_form if motion_form.submit.data else proxy_form
        attach_error(form, error)
    statuses = dict(
        db.session.execute(
            db.select(Attendance.member_id, Attendance.status).where(Attendance.meeting_id == meeting.id)
        ).all()
    )
    return render_template(
        "governance/meeting.html",
        meeting=meeting,
        members=members,
        statuses=statuses,
        attendance=ATTENDANCE,
        quorum=services.live_quorum(meeting),
        proxies=services.meeting_proxies(meeting),
        item_form=item_form,
        motion_form=motion_form,
        proxy_form=proxy_form,
        hands_form=HandsForm(prefix="hands"),
        my_seats={m.id for m in seats_of(current_user, meeting.body_id, local(meeting.starts_at).date())},
    )


@bp.post("/meetings/<int:meeting_id>/attendance")
@require(MANAGE)
def meeting_attendance(meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id)
    for member in active_members(meeting.body_id, local(meeting.starts_at).date()):
        status = request.form.get(f"status-{member.id}")
        if status:
            services.record_attendance(current_user, meeting, member.id, status)
    db.session.commit()
    flash(_("Attendance saved."), "success")
    return redirect(url_for("governance.meeting_detail", meeting_id=meeting.id, _anchor="attendance"))


@bp.post("/meetings/<int:meeting_id>/convene")
@require(MANAGE)
def meeting_convene(meeting_id: int):
    try:
        sent = services.convene(current_user, meeting_id)
        db.session.commit()
        flash(_("Convocation sent to %(n)d people.", n=sent), "success")
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
    return redirect(url_for("governance.meeting_detail", meeting_id=meeting_id))


@bp.post("/motions/<int:motion_id>/hands")
@require(MANAGE)
def motion_hands(motion_id: int):
    motion = get_or_404(Motion, motion_id)
    form = HandsForm(prefix="hands")
    if not form.validate_on_submit():
        flash(_("Enter the number of votes for, against and abstaining."), "danger")
    else:
        try:
            services.record_show_of_hands(
                current_user, motion, form.votes_for.data, form.votes_against.data, form.votes_abstain.data
            )
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
    return redirect(url_for("governance.meeting_detail", meeting_id=motion.item.meeting_id))


@bp.post("/proxies/<int:proxy_id>/revoke")
@require(VOTE)
def proxy_revoke(proxy_id: int):
    from modules.governance.models import Proxy

    proxy = get_or_404(Proxy, proxy_id)
    target = (
        url_for("governance.meeting_detail", meeting_id=proxy.meeting_id)
        if proxy.meeting_id
        else url_for("governance.poll_detail", poll_id=proxy.poll_id)
    )
    try:
        voting.revoke_proxy(current_user, proxy_id)
        db.session.commit()
        flash(_("The proxy is revoked."), "success")
    except DomainError as error:
        db.session.rollback()
        if error.status == 404:
            abort(404)
        flash(error.message, "danger")
    return redirect(target)


@bp.route("/meetings/<int:meeting_id>/minutes.pdf")
@require(VIEW)
def meeting_minutes(meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id)
    pdf = services.minutes_pdf(meeting)
    return Response(
        pdf, mimetype="application/pdf", headers={"Content-Disposition": f'inline; filename="minutes-{meeting.id}.pdf"'}
    )
