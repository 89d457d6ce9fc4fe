"""Dashboard, unified calendar, personal iCal feed and health check."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import Blueprint, Response, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import text

from core import jobs
from core.accounts.models import Organization, User
from core.accounts.permissions import is_admin
from core.calendar import events_for, feed_window, period_for, to_ics, within_range
from core.clock import PARIS, day_start, today
from core.extensions import db
from core.faults import FAILED, contained
from core.hookspecs import Widget
from core.plugins import collect_owned, installed_modules
from core.web.hooks import module_titles

bp = Blueprint("web", __name__)


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        return render_template("web/welcome.html")
    return dashboard()


@bp.route("/favicon.ico")
def favicon():
    return redirect(url_for("static", filename="favicon.svg"), 301)


@bp.route("/dashboard")
@login_required
def dashboard():
    widgets = _rendered_widgets()
    start = day_start(today())
    upcoming = events_for(current_user, start, start + timedelta(days=14), limit=10)
    summary = _admin_summary() if is_admin(current_user) else None
    return render_template("web/dashboard.html", widgets=widgets, upcoming=upcoming, summary=summary)


def _rendered_widgets() -> list[tuple[Widget, str]]:
    """Each card with its HTML, rendered here so that a module whose card fails is left out."""
    cards = sorted(collect_owned("erp_dashboard_widgets", user=current_user), key=lambda pair: pair[1].order)
    rendered = [(widget, contained(module, "widget", widget.render)) for module, widget in cards]
    return [(widget, html) for widget, html in rendered if html is not FAILED]


def _admin_summary() -> dict:
    """What a network admin watches: failed jobs, the outbox, the size of the network."""
    count = lambda model, *where: db.session.scalar(  # noqa: E731
        db.select(db.func.count()).select_from(model).where(*where)
    )
    return {
        "dead_jobs": count(jobs.Job, jobs.Job.status == "dead"),
        "backlog": jobs.backlog(),
        "organizations": count(Organization, Organization.active),
        "users": count(User, User.active),
        "modules": sorted(installed_modules()),
    }


def _anchor() -> date:
    """The day the calendar page is about: ``on`` (YYYY-MM-DD), else ``month`` (YYYY-MM), else today;
    a malformed value means today, one out of the calendar's range its nearest bound."""
    for name, fmt in (("on", "%Y-%m-%d"), ("month", "%Y-%m")):
        value = request.args.get(name)
        if value:
            try:
                return within_range(datetime.strptime(value, fmt).date())
            except ValueError:
                break
    return today()


@bp.route("/calendar")
@login_required
def calendar():
    view = request.args.get("view", "month")
    if view not in ("month", "week", "list"):
        view = "month"
    titles = module_titles()
    modules = {m for m in request.args.getlist("module") if m in titles}
    anchor = _anchor()
    period = period_for(view, anchor)
    start, end = day_start(period.weeks[0][0]), day_start(period.weeks[-1][-1] + timedelta(days=1))
    events = events_for(current_user, start, end, modules or None)
    by_day: dict[date, list] = {}
    for event in events:
        first_day = _local_day(event.start)
        last_day = max(first_day, _local_day(event.end, inclusive_end=True))
        day = first_day
        while day <= last_day:
            by_day.setdefault(day, []).append(event)
            day += timedelta(days=1)
    feed_url = (
        url_for("web.calendar_feed", token=current_user.calendar_token, _external=True)
        if current_user.calendar_token
        else None
    )
    return render_template(
        "web/calendar.html",
        view=view,
        anchor=anchor,
        period=period,
        events=events,
        by_day=by_day,
        modules=modules,
        titles=titles,
        feed_url=feed_url,
        today=today(),
    )


def _local_day(value, inclusive_end: bool = False) -> date:
    if isinstance(value, datetime):
        moment = value.astimezone(PARIS)
        if inclusive_end and moment.time() == datetime.min.time():
            moment -= timedelta(seconds=1)
        return moment.date()
    return value - timedelta(days=1) if inclusive_end else value


@bp.route("/calendar/feed/<token>.ics")
def calendar_feed(token: str):
    user = db.session.scalar(db.select(User).where(User.calendar_token == token)) if len(token) > 20 else None
    if user is None or not user.active:
        abort(404)
    start, end = feed_window()
    body = to_ics(
        events_for(user, start, end), _("Calendar of %(name)s", name=user.name), current_app.config["PUBLIC_URL"]
    )
    return Response(body, mimetype="text/calendar", headers={"Cache-Control": "private, max-age=300"})


@bp.route("/api-docs")
def api_docs():
    """A readable page of the OpenAPI document, rendered on the server (no CDN, no script)."""
    spec = current_app.extensions["erp_api"].spec.to_dict()
    return render_template("web/api_docs.html", spec=spec)


@bp.route("/ping")
def ping():
    """Liveness without touching the database (load balancers, and the benchmarks' floor)."""
    return Response("pong", mimetype="text/plain")


@bp.route("/healthz")
def healthz():
    report: dict = {"status": "ok"}
    try:
        db.session.execute(text("SELECT 1"))
        report["database"] = "ok"
        report["outbox_backlog"] = jobs.backlog()
    except Exception as exc:  # noqa: BLE001 - health reports, never raises
        db.session.rollback()
        report.update(status="degraded", database=f"error: {exc.__class__.__name__}")
    if current_app.config.get("REDIS_URL"):
        try:
            jobs.redis_connection().ping()
            report["redis"] = "ok"
        except Exception as exc:  # noqa: BLE001
            report.update(status="degraded", redis=f"error: {exc.__class__.__name__}")
    else:
        report["redis"] = "not configured (jobs run in-process)"
    try:
        beat = jobs.last_heartbeat()
    except Exception:  # noqa: BLE001
        beat = None
    report["worker_heartbeat"] = beat.isoformat() if beat else None
    status = 200 if report["database"] == "ok" else 503
    return jsonify(report), status
