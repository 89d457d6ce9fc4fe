"""Forms of the pooling pages; dates are typed as Paris wall-clock times."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FloatField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from core.accounts.roles import ROLES
from core.clock import local, wall_clock
from core.web.forms import DecimalField, IntegerField, LongSelect
from modules.pooling.models import CONDITION_STATES
from modules.pooling.services.booking import MAX_UNITS_AT_ONCE
from modules.pooling.services.pricing import MAX_PRICE, MAX_QUANTITY

DT = "%Y-%m-%dT%H:%M"
WEEKDAYS = [
    ("1", _l("Monday")),
    ("2", _l("Tuesday")),
    ("3", _l("Wednesday")),
    ("4", _l("Thursday")),
    ("5", _l("Friday")),
    ("6", _l("Saturday")),
    ("7", _l("Sunday")),
]
STATES = {"good": _l("Good"), "worn": _l("Worn"), "damaged": _l("Damaged")}
MAX_HOURS = 24 * 92
MONEY = NumberRange(min=0, max=MAX_PRICE)
SCOPES = [("all", _l("All members")), ("organizations", _l("Some organizations")), ("roles", _l("Some roles"))]


class ParisDateTimeField(DateTimeLocalField):
    """A Paris wall-clock time typed in a form, as aware UTC (core.clock.wall_clock): a time that
    does not exist or happens twice in Paris is refused on the field instead of being moved."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None:
            self.data = wall_clock(self.data)  # LocalTimeError is a ValueError: WTForms shows it on the field

    def _value(self):
        if not self.raw_data and self.data is not None and self.data.tzinfo is not None:
            return local(self.data).strftime(self.format[0])
        return super()._value()


class ActingForField(SelectField):
    """The organization one acts for: a value outside the choices (a tampered form) is refused
    with a message that says why, not WTForms' "Not a valid choice"."""

    def pre_validate(self, form):
        if self.data not in {value for value, _label in self.choices}:
            raise ValidationError(_l("This organization is not one you can act for."))


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    start = ParisDateTimeField(_l("Free from"), format=DT, validators=[InputRequired()])
    end = ParisDateTimeField(_l("Until"), format=DT, validators=[InputRequired()])
    category = SelectField(_l("Category"), choices=[], validate_choice=False)
    site_id = SelectField(_l("Site"), choices=[], coerce=str, validate_choice=False, widget=LongSelect())
    max_km = FloatField(_l("Within (km)"), validators=[Optional(), NumberRange(min=0, max=2000)])
    organization_id = SelectField(_l("Booking for"), choices=[], coerce=str, validate_choice=False)


class BookForm(FlaskForm):
    start = ParisDateTimeField(_l("Pick-up"), format=DT, validators=[InputRequired()])
    end = ParisDateTimeField(_l("Return"), format=DT, validators=[InputRequired()])
    quantity = IntegerField(
        _l("Units"), default=1, validators=[InputRequired(), NumberRange(min=1, max=MAX_UNITS_AT_ONCE)]
    )
    organization_id = ActingForField(_l("Booking for"), coerce=int, choices=[])
    purpose = StringField(_l("Purpose"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Book"))


class RefuseForm(FlaskForm):
    reason = StringField(_l("Reason of the refusal"), validators=[DataRequired(), Length(max=300)])
    submit = SubmitField(_l("Refuse"))


class ConditionForm(FlaskForm):
    state = SelectField(_l("State of the item"), choices=[(s, STATES[s]) for s in CONDITION_STATES], default="good")
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 3})
    photo = FileField(_l("Photo (optional)"), render_kw={"accept": "image/*"})
    submit = SubmitField(_l("Save"))


class UnavailabilityForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=[("maintenance", _l("Maintenance")), ("blackout", _l("Blackout"))])
    start = ParisDateTimeField(_l("From"), format=DT, validators=[InputRequired()])
    end = ParisDateTimeField(_l("Until"), format=DT, validators=[InputRequired()])
    unit_id = SelectField(_l("Unit"), coerce=int, choices=[])
    weekly_until = DateField(_l("Repeat every week until (optional)"), validators=[Optional()])
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Declare"))


class EquipmentForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    category = StringField(
        _l("Category"),
        validators=[DataRequired(), Length(max=80)],
        description=_l("e.g. vehicle, trailer, baler, stand, tools"),
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    photo = FileField(_l("Photo"))
    organization_id = SelectField(_l("Owner organization"), coerce=int, choices=[])
    site_id = SelectField(_l("Site"), coerce=int, choices=[])
    site_address = StringField(_l("Address of the site"), validators=[Optional(), Length(max=300)])
    units = IntegerField(_l("Identical units"), default=1, validators=[InputRequired(), NumberRange(min=1, max=200)])
    value = DecimalField(_l("Value (€)"), places=2, default=0, validators=[Optional(), MONEY])
    booking_scope = SelectField(_l("Who may book"), choices=SCOPES)
    allowed_org_ids = SelectMultipleField(_l("Organizations allowed"), coerce=int, choices=[])
    allowed_roles = SelectMultipleField(_l("Roles allowed"), choices=[(k, v) for k, v in ROLES.items()])
    min_hours = IntegerField(
        _l("Minimum duration (hours)"), default=1, validators=[InputRequired(), NumberRange(min=0, max=MAX_HOURS)]
    )
    max_hours = IntegerField(
        _l("Maximum duration (hours)"), default=168, validators=[InputRequired(), NumberRange(min=1, max=MAX_HOURS)]
    )
    lead_hours = IntegerField(
        _l("Lead time (hours)"), default=0, validators=[InputRequired(), NumberRange(min=0, max=MAX_HOURS)]
    )
    buffer_minutes = IntegerField(
        _l("Buffer between bookings (minutes)"),
        default=0,
        validators=[InputRequired(), NumberRange(min=0, max=7 * 24 * 60)],
    )
    approval_required = BooleanField(_l("Bookings need the owner's approval"))
    fee_per_day = DecimalField(_l("Fee per day (€)"), places=2, default=0, validators=[Optional(), MONEY])
    fee_per_half_day = DecimalField(_l("Fee per half-day (€)"), places=2, default=0, validators=[Optional(), MONEY])
    deposit = DecimalField(_l("Deposit (€)"), places=2, default=0, validators=[Optional(), MONEY])
    quota_bookings_per_month = IntegerField(
        _l("Quota: bookings per organization per month"), validators=[Optional(), NumberRange(min=1, max=1000)]
    )
    quota_days_per_month = IntegerField(
        _l("Quota: days per organization per month"), validators=[Optional(), NumberRange(min=1, max=31)]
    )
    opens_at = TimeField(_l("Pick-up and return from"), validators=[Optional()])
    closes_at = TimeField(_l("Pick-up and return until"), validators=[Optional()])
    open_weekdays = SelectMultipleField(_l("Opening days"), choices=WEEKDAYS, default=[d for d, _n in WEEKDAYS])
    submit = SubmitField(_l("Save"))


class CampaignForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    organization_id = SelectField(_l("Ordered and paid by"), coerce=int, choices=[])
    supplier_name = StringField(_l("Supplier"), validators=[DataRequired(), Length(max=200)])
    supplier_contact = StringField(_l("Supplier contact"), validators=[Optional(), Length(max=300)])
    supplier_terms = TextAreaField(_l("Terms (delivery, payment)"), validators=[Optional(), Length(max=5000)])
    opens_at = ParisDateTimeField(_l("Opens"), format=DT, validators=[InputRequired()])
    deadline = ParisDateTimeField(_l("Deadline"), format=DT, validators=[InputRequired()])
    min_total_quantity = IntegerField(
        _l("Minimum total quantity (units)"), validators=[Optional(), NumberRange(min=0, max=MAX_QUANTITY)]
    )
    min_total_amount = DecimalField(_l("Minimum total amount excl. VAT (€)"), places=2, validators=[Optional(), MONEY])
    site_ids = SelectMultipleField(_l("Delivery sites"), coerce=int, choices=[])
    products = TextAreaField(
        _l("Products"),
        validators=[DataRequired()],
        description=_l(
            "One product per line: reference | name | unit | pack size | VAT % | tiers, "
            "e.g. GANT-L | Work gloves L | pair | 10 | 20 | 1-49: 12.00; 50-199: 10.50; 200+: 9.20"
        ),
    )
    submit = SubmitField(_l("Create the campaign"))


class PledgeForm(FlaskForm):
    product_id = HiddenField()
    quantity = IntegerField(_l("Quantity"), validators=[InputRequired(), NumberRange(min=0, max=MAX_QUANTITY)])
    delivery_site_id = SelectField(_l("Collected at"), coerce=int, choices=[])
    organization_id = ActingForField(_l("For"), coerce=int, choices=[])
    submit = SubmitField(_l("Save my pledge"))
