"""Forms of the finance pages. Rules live in the services; forms only parse and check types."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DateTimeLocalField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from core.clock import LocalTimeError, wall_clock
from core.web.forms import DecimalField, IntegerField
from modules.finance.models import MEANS, VAT_EXEMPT, VAT_RATE
from modules.finance.services.exports import period_error

MEANS_LABELS = {
    "transfer": _l("Bank transfer"),
    "cheque": _l("Cheque"),
    "cash": _l("Cash"),
    "card": _l("Card"),
    "other": _l("Other"),
}


class StatementFilter(FlaskForm):
    """The query string of the statement and the exports (GET, no CSRF)."""

    class Meta:
        csrf = False

    org = SelectField(_l("Structure"), coerce=int, validate_choice=False)
    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])
    module = SelectField(_l("Module"), validators=[Optional()], validate_choice=False)


class ExportForm(FlaskForm):
    class Meta:
        csrf = False

    org = SelectField(_l("Structure"), coerce=int, validate_choice=False)
    start = DateField(_l("From"), validators=[InputRequired()])
    end = DateField(_l("To"), validators=[InputRequired()])
    kind = SelectField(_l("Format"), choices=[("fec", _l("FEC (tab-separated)")), ("paheko", _l("Paheko CSV"))])

    def validate(self, extra_validators=None) -> bool:
        """The service's period rule, shown on its field (a GET: nothing to roll back)."""
        if not super().validate(extra_validators):
            return False
        error = period_error(self.start.data, self.end.data)
        if error is not None:
            getattr(self, error[0]).errors.append(error[1])
        return error is None


class RoundForm(FlaskForm):
    cutoff = DateTimeLocalField(_l("Cut-off (charges posted until)"), validators=[InputRequired()])
    due_on = DateField(_l("Due date of the transfers"), validators=[InputRequired()])

    def validate_cutoff(self, field):
        if field.data is not None:
            try:
                field.data = wall_clock(field.data)
            except LocalTimeError as error:
                raise ValidationError(str(error)) from None


class PaymentForm(FlaskForm):
    amount = DecimalField(_l("Amount (€)"), places=2, validators=[InputRequired()])
    paid_on = DateField(_l("Paid on"), validators=[InputRequired()])
    means = SelectField(_l("Means"), choices=[(m, MEANS_LABELS[m]) for m in MEANS])
    reference = StringField(_l("Reference"), validators=[Optional(), Length(max=120)])


class IssuerForm(FlaskForm):
    organization = SelectField(_l("Structure"), coerce=int, validate_choice=False)
    siret = StringField(_l("SIRET"), validators=[Optional(), Length(max=20)])
    address = TextAreaField(_l("Address on invoices"), validators=[Optional(), Length(max=300)])
    vat_mode = SelectField(
        _l("VAT"),
        choices=[(VAT_EXEMPT, _l("Not subject to VAT (art. 293 B du CGI)")), (VAT_RATE, _l("VAT at a rate"))],
    )
    vat_rate = DecimalField(_l("VAT rate (%)"), places=2, validators=[Optional()])
    payment_terms_days = IntegerField(_l("Payment terms (days)"), validators=[InputRequired()], default=30)
    late_payment_text = TextAreaField(_l("Late-payment mention"), validators=[Optional(), Length(max=2000)])


class AccountForm(FlaskForm):
    prefix = StringField(_l("Source prefix (module or module.kind)"), validators=[InputRequired(), Length(max=60)])
    revenue_account = StringField(_l("Revenue account"), validators=[InputRequired(), Length(max=12)])
    expense_account = StringField(_l("Expense account"), validators=[InputRequired(), Length(max=12)])
    label = StringField(_l("Label"), validators=[InputRequired(), Length(max=120)])
