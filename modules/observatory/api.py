"""/api/v1/observatory: periods, indicators, reports (same rules as the pages), figures."""

from __future__ import annotations

import marshmallow as ma
from flask_login import current_user
from flask_smorest import Blueprint

from core.accounts.permissions import require
from core.api import Id, PageArgs, page_of, paginate
from core.clock import today
from core.extensions import db
from modules.observatory.models import Indicator, Period, Report
from modules.observatory.services import figures, reports
from modules.observatory.services.catalog import YEARS, label_of

blp = Blueprint(
    "observatory_api",
    __name__,
    url_prefix="/api/v1/observatory",
    description="Activity observatory: reports per period and aggregated figures",
)


class PeriodSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    kind = ma.fields.String(metadata={"example": "quarter"})
    year = ma.fields.Integer(metadata={"example": 2025})
    number = ma.fields.Integer(metadata={"example": 2})
    start_on = ma.fields.Date()
    end_on = ma.fields.Date(metadata={"description": "exclusive"})
    due_on = ma.fields.Date()


class IndicatorSchema(ma.Schema):
    code = ma.fields.String(metadata={"example": "collected_furniture"})
    label = ma.fields.Function(label_of)
    theme = ma.fields.String(metadata={"example": "collection"})
    unit = ma.fields.String(metadata={"example": "t"})
    decimals = ma.fields.Integer()
    stock = ma.fields.Boolean()


class FiguresField(ma.fields.Dict):
    """{indicator code: figure}; figures may be numbers or strings with a decimal comma."""

    def __init__(self, **kwargs):
        super().__init__(keys=ma.fields.String(), values=ma.fields.Raw(allow_none=True), **kwargs)


class ReportSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    organization_id = ma.fields.Integer()
    period_id = ma.fields.Integer()
    status = ma.fields.String(metadata={"example": "draft"})
    late = ma.fields.Boolean()
    submitted_at = ma.fields.DateTime(allow_none=True)
    validated_at = ma.fields.DateTime(allow_none=True)
    return_comment = ma.fields.String(allow_none=True)
    figures = ma.fields.Function(lambda r: {k: str(v) for k, v in reports.figures_of(r).items()})


class OpenReportSchema(ma.Schema):
    organization_id = Id(required=True, metadata={"example": 3})
    period_id = Id(required=True, metadata={"example": 5})


class ReportFilterSchema(PageArgs):
    period_id = Id()
    status = ma.fields.String(validate=ma.validate.OneOf(["draft", "submitted", "returned", "validated"]))


class FiguresSchema(ma.Schema):
    figures = FiguresField(required=True, metadata={"example": {"collected_furniture": "12,5", "recycled": 3}})


class CorrectionSchema(FiguresSchema):
    reason = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=2000),
        metadata={"example": "Textiles were counted twice in March."},
    )


class CommentSchema(ma.Schema):
    comment = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=2000),
        metadata={"example": "The reused tonnage exceeds what was collected."},
    )


class YearArgs(ma.Schema):
    year = ma.fields.Integer(
        load_default=lambda: today().year,
        validate=ma.validate.Range(YEARS.start, YEARS.stop - 1),
        metadata={"example": 2025, "description": "default: the current year"},
    )


class FigureRowSchema(ma.Schema):
    code = ma.fields.String()
    label = ma.fields.String()
    unit = ma.fields.String()
    current = ma.fields.Decimal(as_string=True, allow_none=True)
    previous = ma.fields.Decimal(as_string=True, allow_none=True)


class FiguresOfYearSchema(ma.Schema):
    year = ma.fields.Integer()
    reuse_rate = ma.fields.Decimal(as_string=True, allow_none=True)
    previous_reuse_rate = ma.fields.Decimal(as_string=True, allow_none=True)
    rows = ma.fields.List(ma.fields.Nested(FigureRowSchema))
    contributed = ma.fields.List(ma.fields.Nested(FigureRowSchema))
    contributed_as_of = ma.fields.DateTime(
        metadata={
            "description": "when the other modules' figures of the whole network were computed "
            "(this year's and last year's are computed again every hour)"
        }
    )


@blp.route("/periods")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(PeriodSchema))
@require("observatory.view")
def list_periods(args):
    return paginate(db.select(Period).order_by(Period.start_on.desc()), args["page"], args["per_page"])


@blp.route("/indicators")
@blp.response(200, IndicatorSchema(many=True))
@require("observatory.view")
def list_indicators():
    return db.session.scalars(db.select(Indicator).where(Indicator.active).order_by(Indicator.position)).all()


@blp.route("/reports")
@blp.arguments(ReportFilterSchema, location="query")
@blp.response(200, page_of(ReportSchema))
@require("observatory.view")
def list_reports(args):
    stmt = reports.visible_reports(current_user).options(db.selectinload(Report.values))
    if "period_id" in args:
        stmt = stmt.where(Report.period_id == args["period_id"])
    if "status" in args:
        stmt = stmt.where(Report.status == args["status"])
    return paginate(stmt, args["page"], args["per_page"])


@blp.route("/reports", methods=["POST"])
@blp.arguments(OpenReportSchema)
@blp.response(200, ReportSchema)
@require("observatory.report")
def open_report(data):
    return reports.open_report(current_user, data["organization_id"], data["period_id"])


@blp.route("/reports/<int:report_id>")
@blp.response(200, ReportSchema)
@require("observatory.view")
def get_report(report_id):
    return reports.get_report(current_user, report_id)


@blp.route("/reports/<int:report_id>/figures", methods=["PUT"])
@blp.arguments(FiguresSchema)
@blp.response(200, ReportSchema)
@require("observatory.report")
def save_figures(data, report_id):
    return reports.save_draft(current_user, report_id, data["figures"])


@blp.route("/reports/<int:report_id>/submit", methods=["POST"])
@blp.response(200, ReportSchema)
@require("observatory.report")
def submit(report_id):
    return reports.submit(current_user, report_id)


@blp.route("/reports/<int:report_id>/validate", methods=["POST"])
@blp.response(200, ReportSchema)
@require("observatory.coordinate")
def validate(report_id):
    return reports.validate(current_user, report_id)


@blp.route("/reports/<int:report_id>/return", methods=["POST"])
@blp.arguments(CommentSchema)
@blp.response(200, ReportSchema)
@require("observatory.coordinate")
def return_report(data, report_id):
    return reports.return_report(current_user, report_id, data["comment"])


@blp.route("/reports/<int:report_id>/correct", methods=["POST"])
@blp.arguments(CorrectionSchema)
@blp.response(200, ReportSchema)
@require("observatory.coordinate")
def correct(data, report_id):
    return reports.correct(current_user, report_id, data["figures"], data["reason"])


@blp.route("/figures/region")
@blp.arguments(YearArgs, location="query")
@blp.response(200, FiguresOfYearSchema)
@require("observatory.region")
def region_figures(args):
    return figures.dashboard(args["year"])


@blp.route("/figures/public")
@blp.doc(security=[])  # public: no token needed
@blp.arguments(YearArgs, location="query")
@blp.response(200, FiguresOfYearSchema)
def public_figures(args):
    return figures.public_figures(args["year"])
