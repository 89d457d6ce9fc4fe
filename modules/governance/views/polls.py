"""Polls: create and edit a draft, publish, vote, proxies, results, chart, CSV and canonical form."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.accounts.permissions import has_permission, require
from core.charts import chart, svg_response
from core.clock import local
from core.errors import DomainError
from core.extensions import db
from core.web.lifecycle import attach_error
from core.web.pagination import page_args, paged
from modules.governance.forms import PollForm, ProxyForm, ReceiptForm
from modules.governance.models import Body, Meeting, Poll, Proxy
from modules.governance.paging import page_of_list
from modules.governance.services import polls as services
from modules.governance.services import results as results_service
from modules.governance.services import voting
from modules.governance.services.bodies import active_members, seats_of
from modules.governance.services.common import MANAGE, VIEW, VOTE
from modules.governance.services.figures import chart_data, choice_text, quorum_text, verdict
from modules.governance.services.poll_minutes import poll_minutes_pdf
from modules.governance.views import bp
from modules.governance.views.common import aware, get_or_404, naive_local


@bp.route("/polls")
@require(VIEW)
def polls():
    q = (request.args.get("q") or "").strip()
    stmt = db.select(Poll).order_by(Poll.closes_at.desc(), Poll.id.desc())
    if not has_permission(current_user, MANAGE):
        stmt = stmt.where(Poll.status != "draft")
    if q:
        stmt = stmt.where(Poll.question.ilike(f"%{q}%"))
    return render_template("governance/polls.html", page=paged(stmt), q=q, state=services.state)


def _poll_form(body: Body, poll: Poll | None = None) -> PollForm:
    form = PollForm(obj=poll) if poll is not None and request.method == "GET" else PollForm()
    form.meeting_id.choices = [(0, _("Standalone online poll"))] + [
        (m.id, m.title)
        for m in db.session.scalars(
            db.select(Meeting).where(Meeting.body_id == body.id).order_by(Meeting.starts_at.desc()).limit(20)
        )
    ]
    if poll is not None and request.method == "GET":
        form.options.data = "\n".join(o.label for o in poll.options)
        form.opens_at.data, form.closes_at.data = naive_local(poll.opens_at), naive_local(poll.closes_at)
        form.meeting_id.data = poll.meeting_id or 0
    return form


def _fields(form: PollForm) -> dict:
    return dict(
        question=form.question.data,
        description=form.description.data or "",
        method=form.method.data,
        rule=form.rule.data,
        abstentions=form.abstentions.data,
        quorum_kind=form.quorum_kind.data,
        quorum_percent=form.quorum_percent.data,
        secret=form.secret.data,
        allow_change=form.allow_change.data,
        max_choices=form.max_choices.data,
        opens_at=aware(form.opens_at.data),
        closes_at=aware(form.closes_at.data),
    )


@bp.route("/bodies/<int:body_id>/polls/new", methods=["GET", "POST"])
@require(MANAGE)
def poll_new(body_id: int):
    body = get_or_404(Body, body_id)
    form = _poll_form(body)
    if form.validate_on_submit():
        try:
            meeting = db.session.get(Meeting, form.meeting_id.data) if form.meeting_id.data else None
            poll = services.create_poll(
                current_user, body, (form.options.data or "").splitlines(), meeting=meeting, **_fields(form)
            )
            db.session.commit()
            return redirect(url_for("governance.poll_detail", poll_id=poll.id))
        except DomainError as error:
            attach_error(form, error)
    return render_template("governance/poll_form.html", form=form, body=body, poll=None)


@bp.route("/polls/<int:poll_id>/edit", methods=["GET", "POST"])
@require(MANAGE)
def poll_edit(poll_id: int):
    poll = get_or_404(Poll, poll_id)
    form = _poll_form(poll.body, poll)
    if form.validate_on_submit():
        try:
            services.update_poll(current_user, poll.id, (form.options.data or "").splitlines(), **_fields(form))
            db.session.commit()
            return redirect(url_for("governance.poll_detail", poll_id=poll.id))
        except DomainError as error:
            attach_error(form, error)
    return render_template("governance/poll_form.html", form=form, body=poll.body, poll=poll)


@bp.post("/polls/<int:poll_id>/publish")
@require(MANAGE)
def poll_publish(poll_id: int):
    try:
        services.publish_poll(current_user, poll_id)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
    return redirect(url_for("governance.poll_detail", poll_id=poll_id))


@bp.post("/polls/<int:poll_id>/open")
@require(MANAGE)
def poll_open(poll_id: int):
    try:
        services.open_now(current_user, poll_id)
        db.session.commit()
        flash(_("The poll is open: its voter list, weights and proxies are frozen."), "success")
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
    return redirect(url_for("governance.poll_detail", poll_id=poll_id))


@bp.post("/polls/<int:poll_id>/close")
@require(MANAGE)
def poll_close(poll_id: int):
    try:
        services.close_early(current_user, poll_id)
        db.session.commit()
        flash(_("The poll is closed and its results are published."), "success")
        return redirect(url_for("governance.poll_results", poll_id=poll_id))
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
    return redirect(url_for("governance.poll_detail", poll_id=poll_id))


@bp.post("/polls/<int:poll_id>/delete")
@require(MANAGE)
def poll_delete(poll_id: int):
    try:
        services.delete_poll(current_user, poll_id)
        db.session.commit()
        return redirect(url_for("governance.polls"))
    except DomainError as error:
        db.session.rollback()
        if error.status == 404:
            abort(404)
        flash(error.message, "danger")
        return redirect(url_for("governance.poll_detail", poll_id=poll_id))


def _refresh(poll: Poll) -> Poll:
    """Open or close the poll now if its time has come and the job has not done it yet."""
    if (poll.status == "scheduled" and services.state(poll) != "scheduled") or (
        poll.status == "open" and services.state(poll) == "closed"
    ):
        poll = services.advance(poll.id)
        db.session.commit()
    return poll


def parse_ballot(method: str, n: int, form) -> object:
    """The raw choice typed in the ballot form, in the shape the service checks."""
    if method in ("yes_no", "single"):
        return form.get("choice") or None
    if method == "approval":
        return form.getlist("choice")
    if method == "ranked":
        return [value for i in range(n) if (value := form.get(f"rank-{i}"))]
    grades = [form.get(f"grade-{i}") for i in range(n)]
    return [] if all(g in (None, "") for g in grades) else grades


@bp.route("/polls/<int:poll_id>", methods=["GET", "POST"])
@require(VIEW)
def poll_detail(poll_id: int):
    poll = get_or_404(Poll, poll_id)
    if poll.status == "draft" and not has_permission(current_user, MANAGE):
        abort(404)
    poll = _refresh(poll)
    errors, receipt_form = {}, ReceiptForm(prefix="check")
    if request.method == "POST" and request.form.get("voter_id"):
        if not has_permission(current_user, VOTE):
            abort(403)
        voter_id = request.form.get("voter_id", type=int)
        try:
            code = voting.cast_ballot(
                current_user,
                poll.id,
                voter_id,
                parse_ballot(poll.method, len(poll.options), request.form),
                receipt=request.form.get("receipt"),
            )
            db.session.commit()
            flash(
                _("Your ballot is recorded. Receipt code: %(code)s (keep it to check the count).", code=code)
                if poll.secret
                else _("Your ballot is recorded."),
                "success",
            )
            return redirect(url_for("governance.poll_detail", poll_id=poll.id))
        except DomainError as error:
            db.session.rollback()
            errors[voter_id] = error.message
    found = None
    if receipt_form.submit.data and receipt_form.validate_on_submit():
        found = results_service.find_receipt(poll, receipt_form.receipt.data) if poll.status == "closed" else None
    seats = voting.casting_voters(current_user, poll) if poll.status in ("open", "closed") else []
    voted = voting.voted_ids(poll.id, [s.id for s in seats])
    proxy_form, proxies = None, []
    if poll.meeting_id is None and poll.status in ("draft", "scheduled"):
        proxy_form = ProxyForm(prefix="proxy")
        members = active_members(poll.body_id, local(poll.opens_at).date())
        mine = seats_of(current_user, poll.body_id, local(poll.opens_at).date())
        proxy_form.grantor_id.choices = [(m.id, m.label) for m in mine]
        proxy_form.holder_id.choices = [(m.id, m.label) for m in members if m not in mine]
        proxies = list(db.session.scalars(db.select(Proxy).where(Proxy.poll_id == poll.id, Proxy.revoked_at.is_(None))))
        if proxy_form.submit.data and proxy_form.validate_on_submit():
            try:
                voting.grant_proxy(current_user, proxy_form.grantor_id.data, proxy_form.holder_id.data, poll_id=poll.id)
                db.session.commit()
                flash(_("The proxy is recorded."), "success")
                return redirect(url_for("governance.poll_detail", poll_id=poll.id))
            except DomainError as error:
                attach_error(proxy_form, error)
    return render_template(
        "governance/poll.html",
        poll=poll,
        state=services.state(poll),
        seats=seats,
        voted=voted,
        turnout=services.turnout(poll) if poll.status == "open" else None,
        errors=errors,
        receipt_form=receipt_form,
        found=found,
        proxy_form=proxy_form,
        proxies=proxies,
        my_seats={m.id for m in seats_of(current_user, poll.body_id, local(poll.opens_at).date())},
        form_values=request.form if errors else {},
    )


def _closed(poll_id: int) -> Poll:
    poll = _refresh(get_or_404(Poll, poll_id))
    if poll.status != "closed":
        abort(404)
    return poll


@bp.route("/polls/<int:poll_id>/results")
@require(VIEW)
def poll_results(poll_id: int):
    poll = _closed(poll_id)
    result = results_service.poll_result(poll)
    page = paged_list(result.ballots)
    return render_template(
        "governance/results.html",
        poll=poll,
        result=result,
        chart=chart_data(result),
        verdict=verdict(result),
        quorum_text=quorum_text(result),
        choice_text=choice_text,
        page=page,
    )


def paged_list(items: list):
    return page_of_list(items, *page_args())


@bp.route("/polls/<int:poll_id>/chart.svg")
@require(VIEW)
def poll_chart(poll_id: int):
    poll = _closed(poll_id)
    data = chart_data(results_service.poll_result(poll))
    return svg_response(chart("bar", data["title"], data["labels"], data["series"]))


@bp.route("/polls/<int:poll_id>/minutes.pdf")
@require(VIEW)
def poll_minutes(poll_id: int):
    poll = _closed(poll_id)
    return Response(
        poll_minutes_pdf(results_service.poll_result(poll)),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="poll-{poll.id}-minutes.pdf"'},
    )


@bp.route("/polls/<int:poll_id>/ballots.csv")
@require(VIEW)
def poll_csv(poll_id: int):
    poll = _closed(poll_id)
    body = results_service.ballots_csv(poll, results_service.published_ballots(poll))
    return Response(
        body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="poll-{poll.id}-ballots.csv"'}
    )


@bp.route("/polls/<int:poll_id>/canonical.json")
@require(VIEW)
def poll_canonical(poll_id: int):
    poll = _closed(poll_id)
    return Response(results_service.canonical(poll), mimetype="application/json")
