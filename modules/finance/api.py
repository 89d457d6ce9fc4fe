"""/api/v1/finance: statements, invoices, transfers, payments, rounds and accounting exports.
Handlers call the same services as the pages; errors come back as problem+json."""

from __future__ import annotations

from decimal import Decimal

import marshmallow as ma
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint

from core.accounts.permissions import require
from core.api import AwareDateTime, Id, PageArgs, page_of, page_of_list, paginate
from core.clock import today
from core.errors import NotFound
from core.spreadsheets import csv_text
from modules.finance.models import MEANS
from modules.finance.services import exports, invoices, payments, rounds
from modules.finance.services.common import STATEMENT, TREASURY, default_org_id, require_treasurer
from modules.finance.services.invoices import settings_of
from modules.finance.services.statement import statement

blp = Blueprint(
    "finance_api",
    __name__,
    url_prefix="/api/v1/finance",
    description="Statements, settlement rounds, transfers, payments, invoices and accounting exports",
)
MAX_AMOUNT = Decimal("999999999999.99")


def _money(**kwargs):
    return ma.fields.Decimal(as_string=True, places=2, **kwargs)


class OrgArgs(PageArgs):
    organization_id = Id(load_default=None)


class StatementArgs(OrgArgs):
    start = ma.fields.Date(load_default=None)
    end = ma.fields.Date(load_default=None)
    module = ma.fields.String(load_default=None, validate=ma.validate.Length(max=60))


class PeriodArgs(ma.Schema):
    organization_id = Id(load_default=None)
    start = ma.fields.Date(load_default=None, metadata={"description": "Default: the first day of this month"})
    end = ma.fields.Date(load_default=None, metadata={"description": "Default: today"})

    @ma.post_load
    def _this_month_by_default(self, data, **kwargs):
        return {**data, "start": data["start"] or today().replace(day=1), "end": data["end"] or today()}


class RowSchema(ma.Schema):
    day = ma.fields.Date()
    label = ma.fields.String()
    counterpart = ma.fields.String()
    module = ma.fields.String()
    state = ma.fields.String(metadata={"example": "due"})
    amount = _money(metadata={"example": "-12.50"})
    balance = _money()
    path = ma.fields.String(allow_none=True)


class StatementSchema(page_of(RowSchema)):
    organization_id = ma.fields.Integer()
    opening = _money()


class LineSchema(ma.Schema):
    charge_id = ma.fields.Integer()
    source = ma.fields.String()
    description = ma.fields.String()
    quantity = ma.fields.Integer()
    unit_price = _money()
    amount = _money()


class InvoiceSummarySchema(ma.Schema):
    id = ma.fields.Integer()
    reference = ma.fields.String(metadata={"example": "F-1-2026-00001"})
    kind = ma.fields.String(metadata={"example": "invoice"})
    issuer_id = ma.fields.Integer()
    customer_id = ma.fields.Integer()
    year = ma.fields.Integer()
    number = ma.fields.Integer()
    issued_on = ma.fields.Date()
    due_on = ma.fields.Date()
    round_id = ma.fields.Integer(allow_none=True)
    credited_invoice_id = ma.fields.Integer(allow_none=True)
    total = _money()
    issuer_name = ma.fields.String()
    issuer_address = ma.fields.String()
    issuer_siret = ma.fields.String()
    customer_name = ma.fields.String()
    customer_address = ma.fields.String()
    vat_mention = ma.fields.String()
    payment_terms = ma.fields.String()
    late_payment_text = ma.fields.String()


class InvoiceSchema(InvoiceSummarySchema):
    lines = ma.fields.List(ma.fields.Nested(LineSchema))


class TransferSchema(ma.Schema):
    id = ma.fields.Integer()
    round_id = ma.fields.Integer()
    debtor_id = ma.fields.Integer()
    creditor_id = ma.fields.Integer()
    amount = _money()
    paid = _money()
    remaining = _money()
    due_on = ma.fields.Date()


class PaymentSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    transfer_id = ma.fields.Integer(dump_only=True)
    amount = _money(
        required=True,
        allow_nan=False,
        validate=ma.validate.Range(min=Decimal("0.01"), max=MAX_AMOUNT),
        metadata={"example": "120.00"},
    )
    paid_on = ma.fields.Date(required=True, metadata={"example": "2026-12-01"})
    means = ma.fields.String(required=True, validate=ma.validate.OneOf(MEANS), metadata={"example": "transfer"})
    reference = ma.fields.String(
        load_default="", validate=ma.validate.Length(max=120), metadata={"example": "VIR 2026-12-01"}
    )
    recorded_at = ma.fields.AwareDateTime(dump_only=True)


class RoundSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    cutoff = AwareDateTime(required=True, metadata={"example": "2026-11-30T23:59:00+01:00"})
    due_on = ma.fields.Date(required=True, metadata={"example": "2026-12-31"})
    total = _money(dump_only=True)
    transfers = ma.fields.List(ma.fields.Nested(TransferSchema), dump_only=True)


def _org(args) -> int:
    org_id = args.get("organization_id") or default_org_id(current_user)
    if org_id is None:
        raise NotFound(_("Not found."))
    return org_id


@blp.route("/statement")
@blp.arguments(StatementArgs, location="query")
@blp.response(200, StatementSchema)
@require(STATEMENT)
def get_statement(args):
    org_id = _org(args)
    opening, rows = statement(current_user, org_id, args["start"], args["end"], args["module"])
    page = page_of_list(rows, args["page"], args["per_page"])
    return {**page.__dict__, "pages": page.pages, "organization_id": org_id, "opening": opening}


@blp.route("/invoices")
@blp.arguments(OrgArgs, location="query")
@blp.response(200, page_of(InvoiceSummarySchema))
@require(STATEMENT)
def list_invoices(args):
    return paginate(invoices.visible_invoices(current_user, _org(args)), args["page"], args["per_page"])


@blp.route("/invoices/<int:invoice_id>")
@blp.response(200, InvoiceSchema)
@require(STATEMENT)
def get_invoice(invoice_id):
    return invoices.get_invoice(current_user, invoice_id)


@blp.route("/transfers")
@blp.arguments(OrgArgs, location="query")
@blp.response(200, page_of(TransferSchema))
@require(STATEMENT)
def list_transfers(args):
    stmt = payments.visible_transfers(current_user, args.get("organization_id"))
    return paginate(stmt, args["page"], args["per_page"])


@blp.route("/payments")
@blp.arguments(OrgArgs, location="query")
@blp.response(200, page_of(PaymentSchema))
@require(STATEMENT)
def list_payments(args):
    stmt = payments.visible_payments(current_user, args.get("organization_id"))
    return paginate(stmt, args["page"], args["per_page"])


@blp.route("/transfers/<int:transfer_id>/payments", methods=["POST"])
@blp.arguments(PaymentSchema)
@blp.response(201, PaymentSchema)
@require(STATEMENT)
def create_payment(body, transfer_id):
    return payments.record_payment(
        current_user, transfer_id, body["amount"], body["paid_on"], body["means"], body["reference"]
    )


@blp.route("/rounds")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(RoundSchema))
@require(TREASURY)
def list_rounds(args):
    require_treasurer(current_user)
    return paginate(rounds.rounds(), args["page"], args["per_page"])


@blp.route("/rounds", methods=["POST"])
@blp.arguments(RoundSchema)
@blp.response(201, RoundSchema)
@require(TREASURY)
def create_round(body):
    return rounds.create_round(current_user, body["cutoff"], body["due_on"])


class ExportSchema(ma.Schema):
    filename = ma.fields.String(metadata={"example": "812345670FEC20261231.txt"})
    media_type = ma.fields.String(metadata={"example": "text/tab-separated-values"})
    entries = ma.fields.Integer()
    debit = _money()
    credit = _money()
    content = ma.fields.String()


def _export(args, filename: str, media_type: str, render) -> dict:
    entries = exports.journal(current_user, _org(args), args["start"], args["end"])
    lines = [line for entry in entries for line in entry.lines]
    return {
        "filename": filename,
        "media_type": media_type,
        "entries": len(entries),
        "debit": sum((line.debit for line in lines), Decimal("0.00")),
        "credit": sum((line.credit for line in lines), Decimal("0.00")),
        "content": render(entries),
    }


@blp.route("/exports/fec")
@blp.arguments(PeriodArgs, location="query")
@blp.response(200, ExportSchema)
@require(TREASURY)
def export_fec(args):
    """The FEC of the period (tab-separated, 18 columns) with its totals."""
    filename = exports.fec_filename(settings_of(_org(args)).siret, args["end"])
    return _export(args, filename, "text/tab-separated-values", exports.fec_text)


@blp.route("/exports/paheko")
@blp.arguments(PeriodArgs, location="query")
@blp.response(200, ExportSchema)
@require(TREASURY)
def export_paheko(args):
    """The journal of the period as a CSV Paheko imports, with its totals."""
    filename = f"paheko-{_org(args)}-{args['end']:%Y%m%d}.csv"
    return _export(
        args, filename, "text/csv", lambda entries: csv_text(exports.PAHEKO_COLUMNS, exports.paheko_rows(entries))
    )
