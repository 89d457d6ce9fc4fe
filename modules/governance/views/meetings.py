"""Meetings: schedule, agenda and motions, convocation, attendance and proxies, minutes."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.accounts.permissions import has_permission, require
from core.clock import local
from core.db import get_or_404
from core.errors import NotFound
from core.extensions import db
from core.web.lifecycle import act, submit
from modules.governance.forms import AgendaItemForm, HandsForm, MeetingForm, MotionForm, ProxyForm
from modules.governance.models import AgendaItem, Attendance, Body, Meeting, Motion, Poll, Proxy
from modules.governance.models.meetings import ATTENDANCE
from modules.governance.services import meetings as services
from modules.governance.services import voting
from modules.governance.services.bodies import active_members, seats_of
from modules.governance.services.common import MANAGE, VIEW, VOTE
from modules.governance.views import bp
from modules.governance.views.common import page


def _meeting_url(meeting) -> str:
    return url_for("governance.meeting_detail", meeting_id=meeting.id)


@bp.route("/bodies/<int:body_id>/meetings/new", methods=["GET", "POST"])
@require(MANAGE)
def meeting_new(body_id: int):
    body = get_or_404(Body, body_id)
    form = MeetingForm()
    if form.validate_on_submit():
        done = submit(
            form,
            lambda: services.create_meeting(
                current_user,
                body,
                form.title.data,
                form.starts_at.data,
                form.ends_at.data,
                form.mode.data,
                form.location.data,
                form.online_url.data,
            ),
            None,
            _meeting_url,
        )
        if done:
            return done
    return page("governance/meeting_form.html", form, form=form, body=body)


def _proxy_form(meeting: Meeting, members) -> ProxyForm:
    form = ProxyForm(prefix="proxy")
    mine = seats_of(current_user, meeting.body_id, local(meeting.starts_at).date())
    form.grantor_id.choices = [(m.id, m.label) for m in mine]
    form.holder_id.choices = [(m.id, m.label) for m in members if m not in mine]
    return form


def _add_motion(meeting: Meeting, form: MotionForm) -> Motion:
    item = db.session.get(AgendaItem, form.item_id.data)
    if item is None or item.meeting_id != meeting.id:
        raise NotFound(_("Not found."))
    return services.add_motion(current_user, item, form.text.data, form.poll_id.data or None)


def _grant_proxy(meeting: Meeting, form: ProxyForm):
    if not has_permission(current_user, VOTE):
        abort(403)
    return voting.grant_proxy(current_user, form.grantor_id.data, form.holder_id.data, meeting_id=meeting.id)


def _submitted(meeting: Meeting, item_form, motion_form, proxy_form):
    """The redirect after the form that was sent, or None to show the page (with its refusal)."""
    back = _meeting_url(meeting)
    if item_form.submit.data and item_form.validate_on_submit():
        title, description = item_form.title.data, item_form.description.data
        return submit(
            item_form, lambda: services.add_agenda_item(current_user, meeting, title, description), None, back
        )
    if motion_form.submit.data and motion_form.validate_on_submit():
        return submit(motion_form, lambda: _add_motion(meeting, motion_form), None, back)
    if proxy_form.submit.data and proxy_form.validate_on_submit():
        return submit(proxy_form, lambda: _grant_proxy(meeting, proxy_form), _("The proxy is recorded."), back)
    return None


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
    done = _submitted(meeting, item_form, motion_form, proxy_form)
    if done:
        return done
    statuses = dict(
        db.session.execute(
            db.select(Attendance.member_id, Attendance.status).where(Attendance.meeting_id == meeting.id)
        ).all()
    )
    return page(
        "governance/meeting.html",
        item_form,
        motion_form,
        proxy_form,
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


def _record_attendance(meeting: Meeting) -> None:
    for member in active_members(meeting.body_id, local(meeting.starts_at).date()):
        status = request.form.get(f"status-{member.id}")
        if status:
            services.record_attendance(current_user, meeting, member.id, status)


@bp.post("/meetings/<int:meeting_id>/attendance")
@require(MANAGE)
def meeting_attendance(meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id)
    back = url_for("governance.meeting_detail", meeting_id=meeting.id, _anchor="attendance")
    return act(lambda: _record_attendance(meeting), _("Attendance saved."), back)


def _convene(meeting_id: int) -> None:
    sent = services.convene(current_user, meeting_id)
    flash(_("Convocation sent to %(n)d people.", n=sent), "success")


@bp.post("/meetings/<int:meeting_id>/convene")
@require(MANAGE)
def meeting_convene(meeting_id: int):
    return act(lambda: _convene(meeting_id), None, url_for("governance.meeting_detail", meeting_id=meeting_id))


@bp.post("/motions/<int:motion_id>/hands")
@require(MANAGE)
def motion_hands(motion_id: int):
    motion = get_or_404(Motion, motion_id)
    form = HandsForm(prefix="hands")
    back = url_for("governance.meeting_detail", meeting_id=motion.item.meeting_id)
    if not form.validate_on_submit():
        flash(_("Enter the number of votes for, against and abstaining."), "danger")
        return redirect(back)
    counts = form.votes_for.data, form.votes_against.data, form.votes_abstain.data
    return act(lambda: services.record_show_of_hands(current_user, motion, *counts), None, back)


@bp.post("/proxies/<int:proxy_id>/revoke")
@require(VOTE)
def proxy_revoke(proxy_id: int):
    proxy = get_or_404(Proxy, proxy_id)
    back = (
        url_for("governance.meeting_detail", meeting_id=proxy.meeting_id)
        if proxy.meeting_id
        else url_for("governance.poll_detail", poll_id=proxy.poll_id)
    )
    return act(lambda: voting.revoke_proxy(current_user, proxy_id), _("The proxy is revoked."), back)


@bp.route("/meetings/<int:meeting_id>/minutes.pdf")
@require(VIEW)
def meeting_minutes(meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id)
    pdf = services.minutes_pdf(meeting)
    return Response(
        pdf, mimetype="application/pdf", headers={"Content-Disposition": f'inline; filename="minutes-{meeting.id}.pdf"'}
    )
