"""Forms of the observatory's pages; the report form is built from the active indicators."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from modules.observatory.services.catalog import THEMES, UNITS, YEARS, label_of

PREFIX = "f_"  # keeps an indicator's code from clashing with a form attribute


class FiguresForm(FlaskForm):
    """Base of the report form; one text field per indicator is added by ``figures_form``."""

    def figures(self, indicators) -> dict[str, str]:
        return {i.code: self[PREFIX + i.code].data for i in indicators}

    def __getattr__(self, name):
        # A service names a refused figure by its indicator's code: this finds the field it is
        # shown under (core's attach_error looks fields up by name).
        field = self.__dict__.get("_fields", {}).get(PREFIX + name)
        if field is None:
            raise AttributeError(name)
        return field


class CorrectionBase(FiguresForm):
    reason = TextAreaField(_l("Reason for the correction"), validators=[DataRequired(), Length(max=2000)])


def figures_form(indicators, base=FiguresForm, **kwargs) -> FiguresForm:
    # Text inputs, not number inputs: people type "1 234,5" and the service reads it.
    attrs = {
        PREFIX + i.code: StringField(
            label_of(i),
            description=UNITS.get(i.unit, i.unit),
            render_kw={"inputmode": "decimal", "autocomplete": "off"},
        )
        for i in indicators
    }
    return type("ReportForm", (base,), attrs)(**kwargs)


class ReturnForm(FlaskForm):
    comment = TextAreaField(_l("What needs correcting"), validators=[DataRequired(), Length(max=2000)])


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file (columns: indicator; value)"))
    content = HiddenField()


class PeriodForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=[("quarter", _l("Quarter")), ("month", _l("Month"))])
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(YEARS.start, YEARS.stop - 1)])
    number = IntegerField(
        _l("Number (quarter 1 to 4, month 1 to 12)"), validators=[InputRequired(), NumberRange(1, 12)]
    )
    due_on = DateField(
        _l("Due date"), validators=[Optional()], description=_l("Empty: thirty days after the end of the period.")
    )


class YearForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=[("quarter", _l("Quarters")), ("month", _l("Months"))])
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(YEARS.start, YEARS.stop - 1)])


class IndicatorForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=60)])
    label = StringField(_l("Label"), validators=[DataRequired(), Length(max=200)])
    theme = SelectField(_l("Theme"), choices=list(THEMES.items()))
    unit = SelectField(_l("Unit"), choices=list(UNITS.items()))
    decimals = IntegerField(_l("Decimals"), default=0, validators=[InputRequired(), NumberRange(0, 3)])
    stock = BooleanField(_l("A stock (averaged over the year) rather than a flow (summed)"))


class RuleForm(FlaskForm):
    """Choices are the active indicators, set by the view."""

    left = SelectMultipleField(_l("The sum of these indicators…"), validators=[DataRequired()])
    right = SelectMultipleField(_l("…may not exceed the sum of these"), validators=[DataRequired()])
    message = StringField(_l("Message when the rule is broken"), validators=[DataRequired(), Length(max=300)])


class ConsentForm(FlaskForm):
    consent = BooleanField(_l("Show our structure's own figures on the public page"))
