"""Dashboards of a structure and of the region: tables, charts, CSV exports, the PDF summary."""

from __future__ import annotations

from flask import Response, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from core.accounts.models import Organization
from core.accounts.permissions import has_permission, permitted_org_ids, require
from core.api import Page
from core.charts import chart, svg_response
from core.db import get_or_404
from core.extensions import db
from core.spreadsheets import csv_response
from core.web.forms import query_id
from core.web.pagination import page_args
from modules.observatory.services import figures
from modules.observatory.services.catalog import COLLECTED, UNITS, YEARS, active_indicators, label_of, period_label
from modules.observatory.services.contributions import as_of_sentence
from modules.observatory.services.summary import yearly_summary
from modules.observatory.views import bp
from modules.observatory.views.helpers import chosen_year, figure, reader_figure

TABLES = ("indicators", "periods", "structures", "modules")


def _own_structure(user) -> int | None:
    """The structure whose figures a member sees by default (the first they may see)."""
    orgs = permitted_org_ids(user, "observatory.view") or set()
    return min(orgs) if orgs else None


def _scope() -> tuple[Organization | None, set[int] | None]:
    """The structure asked for (``org``), or the region; 404 for a structure one may not see, or
    for an ``org`` that cannot be an id."""
    if "org" in request.args:
        org_id = query_id("org")
    elif has_permission(current_user, "observatory.region"):
        return None, None
    else:
        org_id = _own_structure(current_user)
        if org_id is None:
            abort(403)
    if org_id is None or not has_permission(current_user, "observatory.view", org_id):
        abort(404)
    org = get_or_404(Organization, org_id)
    return org, {org.id}


def _context(year: int, org_ids):
    board = figures.dashboard(year, org_ids)
    labels = [period_label(p) for p in board.periods]
    names = {}
    if org_ids is None:
        names = dict(
            db.session.execute(
                db.select(Organization.id, Organization.name).where(Organization.id.in_(list(board.structures) or [-1]))
            ).all()
        )
    return board, labels, names


@bp.route("/dashboard")
@require("observatory.view")
def dashboard():
    return _render(*_scope())


@bp.route("/region")
@require("observatory.region")
def region():
    return _render(None, None)


def _structures_page(board, names) -> Page:
    """One page of the per-structure table, by name: a national network has a thousand structures
    (all of them are in the CSV export)."""
    page, per_page = page_args()
    ordered = sorted(board.structures, key=lambda org_id: str(names.get(org_id, org_id)).casefold())
    rows = [(org_id, board.structures[org_id]) for org_id in ordered[(page - 1) * per_page : page * per_page]]
    return Page(rows, page, per_page, len(ordered))


def _render(org, org_ids):
    year = chosen_year()
    board, labels, names = _context(year, org_ids)
    return render_template(
        "observatory/dashboard.html",
        board=board,
        org=org,
        year=year,
        labels=labels,
        structures=_structures_page(board, names),
        names=names,
        units=UNITS,
        figure=reader_figure(),
        period_label=period_label,
        chart_tables=_chart_tables(_charts(board, labels, year)),
        tables=TABLES,
        indicators=active_indicators(),
        label_of=label_of,
        as_of_sentence=as_of_sentence,
    )


def _charts(board, labels, year) -> dict[str, tuple[str, str, list, dict]]:
    """Each chart's kind, title, labels and series: drawn as SVG and repeated as a table."""
    return {
        "reuse": (
            "line",
            _("Reuse rate per period (%)"),
            labels,
            {str(year): [figures.reuse_rate(board.by_period.get(p.id, {})) for p in board.periods]},
        ),
        "flows": _flows_chart(year, [(r.label, r.previous, r.current) for r in board.rows if r.code in COLLECTED]),
        "jobs": (
            "bar",
            _("Jobs (full-time equivalents) per period"),
            labels,
            {str(year): [board.by_period.get(p.id, {}).get("jobs_fte") for p in board.periods]},
        ),
    }


def _flows_chart(year, flows: list[tuple[str, object, object]]) -> tuple[str, str, list, dict]:
    """The tonnages collected per flow, this year and the year before: (label, previous, current)."""
    return (
        "bar",
        _("Tonnages collected per flow (t)"),
        [label for label, _previous, _current in flows],
        {
            str(year - 1): [previous for _label, previous, _current in flows],
            str(year): [current for _label, _previous, current in flows],
        },
    )


def _flows_alone(year, org_ids) -> tuple[str, str, list, dict]:
    """The flows chart without the rest of the dashboard (the dashboard card shows only it)."""
    current, previous = figures.flow_totals(year, org_ids), figures.flow_totals(year - 1, org_ids)
    return _flows_chart(
        year,
        [(label_of(i), previous.get(i.code), current.get(i.code)) for i in active_indicators() if i.code in COLLECTED],
    )


def _chart_tables(charts):
    """The charts' figures as text for their table alternative (decimal comma in French)."""
    return {
        name: (title, labels, {key: [figure(v) for v in values] for key, values in series.items()})
        for name, (_kind, title, labels, series) in charts.items()
    }


def glance_widget(user) -> str:
    """The dashboard card: this year's collected tonnages, of the region or of one's structure."""
    region = has_permission(user, "observatory.region")
    org_id = None if region else _own_structure(user)
    if org_id is None and not region:
        return ""
    year = chosen_year()
    scope = None if org_id is None else {org_id}
    title, chart_labels, series = _chart_tables({"flows": _flows_alone(year, scope)})["flows"]
    return render_template(
        "observatory/widget_glance.html", org_id=org_id, year=year, title=title, labels=chart_labels, series=series
    )


@bp.route("/charts/<name>.svg")
@require("observatory.view")
def chart_svg(name):
    org, org_ids = _scope()
    year = chosen_year()
    if name == "flows":  # the dashboard card's chart: no need for the whole dashboard
        charts = {"flows": _flows_alone(year, org_ids)}
    else:
        board, labels, _names = _context(year, org_ids)
        charts = _charts(board, labels, year)
    if name not in charts:
        abort(404)
    kind, title, chart_labels, series = charts[name]
    return svg_response(chart(kind, title, chart_labels, series))


@bp.route("/export/<table>.csv")
@require("observatory.view")
def export(table):
    org, org_ids = _scope()
    year = chosen_year()
    board, labels, names = _context(year, org_ids)
    if table == "indicators":
        rows = [[r.code, r.label, r.unit, r.current, r.previous, r.change] for r in board.rows]
        header = ["indicator", "label", "unit", str(year), str(year - 1), "change_percent"]
    elif table == "periods":
        rows = [
            [i.code, label_of(i), i.unit, *[board.by_period.get(p.id, {}).get(i.code) for p in board.periods]]
            for i in active_indicators()
        ]
        header = ["indicator", "label", "unit", *labels]
    elif table == "structures" and org_ids is None:
        codes = [i.code for i in active_indicators()]
        rows = [[names.get(o, o), *[board.structures[o].get(c) for c in codes]] for o in sorted(board.structures)]
        header = ["structure", *codes]
    elif table == "modules":
        rows = [[r.code, r.label, r.unit, r.current, r.previous] for r in board.contributed]
        header = ["indicator", "label", "unit", str(year), str(year - 1)]
    else:
        abort(404)
    scope_name = f"{org.id}" if org else "region"
    return csv_response(f"observatory-{scope_name}-{year}-{table}.csv", header, rows)


@bp.route("/region/summary-<int:year>.pdf")
@require("observatory.region")
def summary_pdf(year):
    if year not in YEARS:
        abort(404)
    response = Response(yearly_summary(year), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="observatory-{year}.pdf"'
    return response
