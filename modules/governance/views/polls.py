"""Polls: create and edit a draft, publish, vote, proxies, results, chart, CSV and canonical form."""

from __future__ import annotations

from flask import Response, abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.accounts.permissions import has_permission, require
from core.charts import chart, svg_response
from core.clock import local
from core.db import get_or_404
from core.extensions import db
from core.web.lifecycle import act, keep_writes, submit
from core.web.pagination import paged
from modules.governance.forms import BallotForm, PollForm, ProxyForm, ReceiptForm
from modules.governance.models import Body, Meeting, Poll, Proxy
from modules.governance.services import polls as services
from modules.governance.services import results as results_service
from modules.governance.services import voting
from modules.governance.services.bodies import active_members, seats_of
from modules.governance.services.common import MANAGE, VIEW, VOTE
from modules.governance.services.figures import chart_data, choice_text, quorum_text, verdict
from modules.governance.services.poll_minutes import poll_minutes_pdf
from modules.governance.views import bp
from modules.governance.views.common import page, paged_list


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


def _poll_url(poll) -> str:
    return url_for("governance.poll_detail", poll_id=poll.id)


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
        opens_at=form.opens_at.data,
        closes_at=form.closes_at.data,
    )


def _options(form: PollForm) -> list[str]:
    return (form.options.data or "").splitlines()


def _create_poll(body: Body, form: PollForm) -> Poll:
    meeting = db.session.get(Meeting, form.meeting_id.data) if form.meeting_id.data else None
    return services.create_poll(current_user, body, _options(form), meeting=meeting, **_fields(form))


@bp.route("/bodies/<int:body_id>/polls/new", methods=["GET", "POST"])
@require(MANAGE)
def poll_new(body_id: int):
    body = get_or_404(Body, body_id)
    form = _poll_form(body)
    if form.validate_on_submit():
        done = submit(form, lambda: _create_poll(body, form), None, _poll_url)
        if done:
            return done
    return page("governance/poll_form.html", form, form=form, body=body, poll=None)


@bp.route("/polls/<int:poll_id>/edit", methods=["GET", "POST"])
@require(MANAGE)
def poll_edit(poll_id: int):
    poll = get_or_404(Poll, poll_id)
    form = _poll_form(poll.body, poll)
    if form.validate_on_submit():
        done = submit(
            form, lambda: services.update_poll(current_user, poll.id, _options(form), **_fields(form)), None, _poll_url
        )
        if done:
            return done
    return page("governance/poll_form.html", form, form=form, body=poll.body, poll=poll)


@bp.post("/polls/<int:poll_id>/publish")
@require(MANAGE)
def poll_publish(poll_id: int):
    return act(lambda: services.publish_poll(current_user, poll_id), None, _poll_url)


@bp.post("/polls/<int:poll_id>/open")
@require(MANAGE)
def poll_open(poll_id: int):
    return act(
        lambda: services.open_now(current_user, poll_id),
        _("The poll is open: its voter list, weights and proxies are frozen."),
        _poll_url,
        back=url_for("governance.poll_detail", poll_id=poll_id),
    )


@bp.post("/polls/<int:poll_id>/close")
@require(MANAGE)
def poll_close(poll_id: int):
    return act(
        lambda: services.close_early(current_user, poll_id),
        _("The poll is closed and its results are published."),
        url_for("governance.poll_results", poll_id=poll_id),
        back=url_for("governance.poll_detail", poll_id=poll_id),
    )


@bp.post("/polls/<int:poll_id>/delete")
@require(MANAGE)
def poll_delete(poll_id: int):
    return act(
        lambda: services.delete_poll(current_user, poll_id),
        None,
        url_for("governance.polls"),
        back=url_for("governance.poll_detail", poll_id=poll_id),
    )


def _refresh(poll: Poll) -> Poll:
    """Open or close the poll now if its time has come and the job has not done it yet (kept even on a GET)."""
    if (poll.status == "scheduled" and services.state(poll) != "scheduled") or (
        poll.status == "open" and services.state(poll) == "closed"
    ):
        poll = services.advance(poll.id)
        keep_writes()
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


def _cast(poll: Poll, form: BallotForm) -> str:
    code = voting.cast_ballot(
        current_user,
        poll.id,
        form.voter_id.data,
        parse_ballot(poll.method, len(poll.options), request.form),
        receipt=form.receipt.data,
    )
    flash(
        _("Your ballot is recorded. Receipt code: %(code)s (keep it to check the count).", code=code)
        if poll.secret
        else _("Your ballot is recorded."),
        "success",
    )
    return code


def _ballot_errors(form: BallotForm, seats: list) -> dict[int, str]:
    """A refused ballot's messages, shown in the ballot of its seat; a seat that has no ballot on the
    page (another organization's, unknown, or the poll no longer open) gets them at the top instead."""
    messages = [message for field in form for message in field.errors]
    if not messages:
        return {}
    if form.voter_id.data in {seat.id for seat in seats}:
        return {form.voter_id.data: " ".join(messages)}
    for message in messages:
        flash(message, "danger")
    return {}


def _proxy_form(poll: Poll) -> ProxyForm:
    form = ProxyForm(prefix="proxy")
    members = active_members(poll.body_id, local(poll.opens_at).date())
    mine = seats_of(current_user, poll.body_id, local(poll.opens_at).date())
    form.grantor_id.choices = [(m.id, m.label) for m in mine]
    form.holder_id.choices = [(m.id, m.label) for m in members if m not in mine]
    return form


def _grant_proxy(poll: Poll, form: ProxyForm):
    return voting.grant_proxy(current_user, form.grantor_id.data, form.holder_id.data, poll_id=poll.id)


@bp.route("/polls/<int:poll_id>", methods=["GET", "POST"])
@require(VIEW)
def poll_detail(poll_id: int):
    poll = get_or_404(Poll, poll_id)
    if poll.status == "draft" and not has_permission(current_user, MANAGE):
        abort(404)
    poll = _refresh(poll)
    ballot_form, receipt_form = BallotForm(), ReceiptForm(prefix="check")
    refused = request.method == "POST" and "voter_id" in request.form
    if refused:
        if not has_permission(current_user, VOTE):
            abort(403)
        if ballot_form.validate_on_submit():
            done = submit(ballot_form, lambda: _cast(poll, ballot_form), None, _poll_url(poll))
            if done:
                return done
    found = None
    if receipt_form.submit.data and receipt_form.validate_on_submit():
        found = results_service.find_receipt(poll, receipt_form.receipt.data) if poll.status == "closed" else None
    seats = voting.casting_voters(current_user, poll) if poll.status in ("open", "closed") else []
    errors = _ballot_errors(ballot_form, seats if services.state(poll) == "open" else [])
    proxy_form, proxies = None, []
    if poll.meeting_id is None and poll.status in ("draft", "scheduled"):
        proxy_form = _proxy_form(poll)
        proxies = list(db.session.scalars(db.select(Proxy).where(Proxy.poll_id == poll.id, Proxy.revoked_at.is_(None))))
        if proxy_form.submit.data and proxy_form.validate_on_submit():
            done = submit(
                proxy_form, lambda: _grant_proxy(poll, proxy_form), _("The proxy is recorded."), _poll_url(poll)
            )
            if done:
                return done
    return page(
        "governance/poll.html",
        *([proxy_form] if proxy_form else []),
        refused=refused,
        poll=poll,
        state=services.state(poll),
        seats=seats,
        voted=voting.voted_ids(poll.id, [s.id for s in seats]),
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
