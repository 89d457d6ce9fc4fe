"""Thin pages: parse the request, call a service, render or redirect (core's lifecycle commits).
A structure's pages (statement, invoices, transfers and payments) and the network treasurer's
(rounds, dashboard, invoice settings, chart of accounts, exports), and the dashboard cards."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from core.accounts.directory import organization_choices
from core.accounts.models import Organization
from core.accounts.permissions import require
from core.clock import today
from core.errors import NotFound
from core.pdf import Document
from core.spreadsheets import csv_response
from core.web.forms import query_id
from core.web.lifecycle import submit
from core.web.pagination import paged
from modules.finance.forms import (
    MEANS_LABELS,
    AccountForm,
    ExportForm,
    IssuerForm,
    PaymentForm,
    RoundForm,
    StatementFilter,
)
from modules.finance.services import dashboard, exports, invoices, payments, rounds, settings
from modules.finance.services.common import (
    STATEMENT,
    TREASURY,
    default_org_id,
    is_treasurer,
    network_org_id,
    organization,
    require_treasurer,
    visible_org_ids,
)
from modules.finance.services.invoices import settings_of
from modules.finance.services.statement import modules_of, per_module_states, statement

bp = Blueprint("finance", __name__, url_prefix="/finance", template_folder="templates")


def org_choices() -> list[tuple[int, str]]:
    """Every structure for the treasurer, one's own otherwise."""
    return organization_choices() if is_treasurer(current_user) else organization_choices(current_user, STATEMENT)


def chosen_org() -> Organization:
    """The structure of ?org= (whose records the services check), else the user's own; 404 when
    there is none. Loaded first, so a page runs the same statements whatever else it loads."""
    if request.args.get("org"):
        org_id = query_id("org")
    else:
        org_id = default_org_id(current_user)
    if org_id is None:
        raise NotFound(_("Not found."))
    return organization(org_id)


def form_status() -> int:
    """A form shown again after a refused submission answers 422 (and core rolls back)."""
    return 422 if request.method == "POST" else 200


def pdf_response(data: bytes, filename: str) -> Response:
    return Response(data, mimetype="application/pdf", headers={"Content-Disposition": f"inline; filename={filename}"})


STATE_LABELS = {
    "provisional": _l("provisional"),
    "due": _l("due"),
    "overdue": _l("overdue"),
    "paid": _l("paid"),
    "cancelled": _l("cancelled"),
}


@bp.route("/")
@require(STATEMENT)
def index():
    return redirect(url_for("finance.statement_page"))


def _statement():
    """The filter form and the statement it asks for (a malformed period or module is ignored, shown on the form)."""
    form = StatementFilter(formdata=request.args)
    org = chosen_org()
    form.org.choices = org_choices()
    form.org.data = org.id
    form.module.choices = [("", _("All modules"))] + [(m, m) for m in modules_of(org.id)]
    valid = form.validate()
    start, end = (form.start.data, form.end.data) if valid else (None, None)
    module = (form.module.data or None) if valid else None
    opening, rows = statement(current_user, org.id, start, end, module)
    return form, org, opening, rows


@bp.route("/statement")
@require(STATEMENT)
def statement_page():
    form, org, opening, rows = _statement()
    return render_template(
        "finance/statement.html", form=form, org=org, opening=opening, rows=rows, states=STATE_LABELS
    )


def _cells(rows):
    return [[r.day, r.label, r.counterpart, r.module, STATE_LABELS[r.state], r.amount, r.balance] for r in rows]


def _header() -> list[str]:
    return [_("Date"), _("Label"), _("Counterpart"), _("Module"), _("State"), _("Amount"), _("Balance")]


@bp.route("/statement.csv")
@require(STATEMENT)
def statement_csv():
    _form, org, opening, rows = _statement()
    opening_row = [None, _("Opening balance"), None, None, None, None, opening]
    return csv_response(f"statement-{org.id}.csv", _header(), [opening_row, *_cells(rows)])


@bp.route("/statement.pdf")
@require(STATEMENT)
def statement_pdf():
    _form, org, opening, rows = _statement()
    doc = Document(_("Statement of %(name)s", name=org.name), orientation="L")
    printed = today().strftime("%d/%m/%Y")
    doc.paragraph(_("Printed on %(day)s. Opening balance: %(amount)s €", day=printed, amount=opening))
    body = [[r.day.strftime("%d/%m/%Y"), *cells[1:]] for r, cells in zip(rows, _cells(rows), strict=True)]
    doc.table_rows(_header(), body, widths=[22, 90, 55, 25, 25, 30, 30])
    return pdf_response(doc.render(), f"statement-{org.id}.pdf")


@bp.route("/invoices")
@require(STATEMENT)
def invoice_list():
    org = chosen_org()
    page = paged(invoices.visible_invoices(current_user, org.id))
    return render_template("finance/invoices.html", page=page, org=org, choices=org_choices())


@bp.route("/invoices/<int:invoice_id>.pdf")
@require(STATEMENT)
def invoice_pdf(invoice_id: int):
    invoice = invoices.get_invoice(current_user, invoice_id)
    return pdf_response(invoices.invoice_pdf(invoice), f"{invoice.reference}.pdf")


@bp.route("/transfers")
@require(STATEMENT)
def transfers():
    org = chosen_org()
    page = paged(payments.visible_transfers(current_user, org.id))
    made = paged(payments.visible_payments(current_user, org.id))
    return render_template(
        "finance/transfers.html",
        page=page,
        payments=made,
        org=org,
        choices=org_choices(),
        may_record=payments.recorder(current_user),
        means=MEANS_LABELS,
    )


@bp.route("/transfers/<int:transfer_id>/pay", methods=["GET", "POST"])
@require(STATEMENT)
def pay(transfer_id: int):
    transfer = payments.get_transfer(current_user, transfer_id)
    form = PaymentForm()
    if not form.is_submitted():
        form.amount.data, form.paid_on.data = transfer.remaining, today()
    if form.validate_on_submit():
        done = submit(
            form,
            lambda: payments.record_payment(
                current_user, transfer_id, form.amount.data, form.paid_on.data, form.means.data, form.reference.data
            ),
            _("Payment recorded."),
            url_for("finance.transfers", org=transfer.creditor_id),
        )
        if done:
            return done
    return render_template("finance/pay.html", form=form, transfer=transfer), 422 if form.errors else form_status()


@bp.route("/rounds")
@require(TREASURY)
def round_list():
    require_treasurer(current_user)
    return render_template("finance/rounds.html", page=paged(rounds.rounds()))


@bp.route("/rounds/new", methods=["GET", "POST"])
@require(TREASURY)
def new_round():
    require_treasurer(current_user)
    form = RoundForm()
    if form.validate_on_submit():
        done = submit(
            form,
            lambda: rounds.create_round(current_user, form.cutoff.data, form.due_on.data),
            _("Settlement round created: transfers and invoices are issued."),
            lambda created: url_for("finance.round_detail", round_id=created.id),
        )
        if done:
            return done
    title = _("New settlement round")
    return render_template("finance/form_page.html", form=form, title=title), 422 if form.errors else form_status()


@bp.route("/rounds/<int:round_id>")
@require(TREASURY)
def round_detail(round_id: int):
    settlement = rounds.get_round(current_user, round_id)
    return render_template("finance/round.html", round=settlement, charges=rounds.round_charges(round_id))


@bp.route("/dashboard")
@require(TREASURY)
def dashboard_page():
    require_treasurer(current_user)
    return render_template(
        "finance/dashboard.html", overview=dashboard.overview(), modules=per_module_states(), buckets=dashboard.AGEING
    )


@bp.route("/settings", methods=["GET", "POST"])
@require(TREASURY)
def issuer_settings():
    require_treasurer(current_user)
    form = IssuerForm()
    form.organization.choices = org_choices()
    if not form.is_submitted():
        _fill(form, query_id("org") or network_org_id())
    if form.validate_on_submit():
        done = submit(
            form,
            lambda: settings.save_issuer(
                current_user,
                form.organization.data,
                form.siret.data,
                form.address.data,
                form.vat_mode.data,
                form.vat_rate.data,
                form.payment_terms_days.data,
                form.late_payment_text.data,
            ),
            _("Invoice settings saved."),
            lambda saved: url_for("finance.issuer_settings", org=saved.organization_id),
        )
        if done:
            return done
    return render_template(
        "finance/settings.html", form=form, issuers=settings.all_issuers()
    ), 422 if form.errors else form_status()


def _fill(form: IssuerForm, org_id: int | None) -> None:
    if org_id is None:
        return
    saved = settings_of(org_id)
    form.organization.data = org_id
    form.siret.data, form.address.data, form.vat_mode.data = saved.siret, saved.address, saved.vat_mode
    form.vat_rate.data, form.payment_terms_days.data = saved.vat_rate, saved.payment_terms_days
    form.late_payment_text.data = saved.late_payment_text


@bp.route("/accounts", methods=["GET", "POST"])
@require(TREASURY)
def accounts():
    require_treasurer(current_user)
    form = AccountForm()
    if form.validate_on_submit():
        done = submit(
            form,
            lambda: settings.save_account(
                current_user, form.prefix.data, form.revenue_account.data, form.expense_account.data, form.label.data
            ),
            _("Accounts saved."),
            url_for("finance.accounts"),
        )
        if done:
            return done
    return render_template(
        "finance/accounts.html", form=form, mapping=exports.mapping()
    ), 422 if form.errors else form_status()


@bp.route("/exports")
@require(TREASURY)
def export_page():
    """The form; with its fields filled in (GET), the file of the period."""
    require_treasurer(current_user)
    form = ExportForm(formdata=request.args if request.args else None)
    form.org.choices = org_choices()
    if not request.args:
        form.org.data, form.start.data, form.end.data = network_org_id(), today().replace(day=1), today()
    elif form.validate():
        return _export(form)
    return render_template("finance/exports.html", form=form), 422 if form.errors else 200


def _export(form: ExportForm):
    org = organization(form.org.data)
    entries = exports.journal(current_user, org.id, form.start.data, form.end.data)
    if form.kind.data == "paheko":
        name = f"paheko-{org.id}-{form.end.data:%Y%m%d}.csv"
        return csv_response(name, exports.PAHEKO_COLUMNS, exports.paheko_rows(entries))
    filename = exports.fec_filename(settings_of(org.id).siret, form.end.data)
    return Response(
        exports.fec_text(entries),
        mimetype="text/tab-separated-values",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def member_widget(user) -> str:
    owed = dashboard.owed_by(visible_org_ids(user))
    return Markup(render_template("finance/widgets/member.html", owed=owed))


def treasurer_widget() -> str:
    owed = dashboard.owed_by(None)
    return Markup(render_template("finance/widgets/treasurer.html", open_count=rounds.open_count(), owed=owed))
