"""Forms of the training pages. Rules live in the services; forms only parse and check types."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError

from core.clock import LocalTimeError, wall_clock
from core.web.forms import DecimalField, IntegerField

MONTHS = [
    (str(i), label)
    for i, label in enumerate(
        [
            _l("January"),
            _l("February"),
            _l("March"),
            _l("April"),
            _l("May"),
            _l("June"),
            _l("July"),
            _l("August"),
            _l("September"),
            _l("October"),
            _l("November"),
            _l("December"),
        ],
        start=1,
    )
]
RATINGS = [(str(i), str(i)) for i in range(1, 6)]
SLOT_LINE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2}|\d{2}/\d{2}/\d{4})\s+(\d{1,2}[:h]\d{2})\s*-\s*(\d{1,2}[:h]\d{2})\s*$")


def parse_slots(text: str) -> list[tuple[datetime, datetime]]:
    """One half-day per line, Paris time: "2026-12-03 09:00-12:30" or "03/12/2026 14h00-17h30"."""
    slots = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = SLOT_LINE.match(line)
        if not match:
            raise ValidationError(_l("Line %(n)s: write a date then hours, e.g. 2026-12-03 09:00-12:30.", n=number))
        day, start, end = match.groups()
        day_format = "%Y-%m-%d" if "-" in day else "%d/%m/%Y"
        try:
            begin = datetime.strptime(f"{day} {start.replace('h', ':')}", f"{day_format} %H:%M")
            finish = datetime.strptime(f"{day} {end.replace('h', ':')}", f"{day_format} %H:%M")
        except ValueError:
            raise ValidationError(_l("Line %(n)s: this date or time does not exist.", n=number)) from None
        slots.append((_paris_time(begin, number), _paris_time(finish, number)))
    return slots


def _paris_time(value: datetime, line: int) -> datetime:
    """A typed Paris time as aware UTC; the hour skipped or lived twice at a clock change is refused."""
    try:
        return wall_clock(value)
    except LocalTimeError as error:
        raise ValidationError(_l("Line %(n)s: %(error)s", n=line, error=str(error))) from None


class TrainerForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)])
    user_id = SelectField(_l("User account (to take attendance)"), coerce=int, validators=[Optional()])
    organization_id = SelectField(_l("Organization"), coerce=int, validators=[Optional()])
    internal = BooleanField(_l("Internal trainer (from the regional network)"))
    bio = TextAreaField(_l("Biography"), validators=[Optional(), Length(max=5000)])
    daily_fee = DecimalField(_l("Daily fee (€)"), places=2, validators=[InputRequired(), NumberRange(min=0)])
    travel_costs = DecimalField(
        _l("Travel costs per session (€)"), places=2, validators=[InputRequired(), NumberRange(min=0)]
    )
    active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save"))


class CourseForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    objectives = TextAreaField(_l("Objectives"), validators=[Optional(), Length(max=10000)])
    programme = TextAreaField(_l("Programme"), validators=[Optional(), Length(max=10000)])
    duration_hours = DecimalField(
        _l("Duration (hours)"), places=1, validators=[InputRequired(), NumberRange(min=0.5, max=500)]
    )
    prerequisites = TextAreaField(_l("Prerequisites"), validators=[Optional(), Length(max=10000)])
    audience = TextAreaField(_l("Audience"), validators=[Optional(), Length(max=10000)])
    active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save"))


class SessionForm(FlaskForm):
    course_id = SelectField(_l("Course"), coerce=int, validators=[InputRequired()])
    trainer_id = SelectField(_l("Trainer"), coerce=int, validators=[InputRequired()])
    host_organization_id = SelectField(_l("Host site"), coerce=int, validators=[InputRequired()])
    address = StringField(_l("Address"), validators=[DataRequired(), Length(max=300)])
    slots = TextAreaField(
        _l("Half-days"),
        validators=[DataRequired()],
        description=_l("One half-day per line, Paris time, e.g. 2026-12-03 09:00-12:30."),
    )
    seats = IntegerField(_l("Seats"), validators=[InputRequired(), NumberRange(min=1, max=500)])
    min_participants = IntegerField(_l("Minimum participants"), validators=[InputRequired(), NumberRange(min=1)])
    cap_per_org = IntegerField(
        _l("Cap per organization"),
        validators=[Optional(), NumberRange(min=1)],
        description=_l("Leave empty for no cap. The cap counts the waiting list."),
    )
    go_no_go_at = DateTimeLocalField(_l("Go/no-go date"), format="%Y-%m-%dT%H:%M", validators=[InputRequired()])
    price_model = RadioField(
        _l("Price model"),
        choices=[
            ("split", _l("Trainer's fee and costs split pro rata of participants")),
            ("fixed", _l("Fixed price per participant")),
        ],
        default="split",
    )
    trainer_fee = DecimalField(
        _l("Trainer's fee (€)"),
        places=2,
        validators=[Optional(), NumberRange(min=0)],
        description=_l("Empty: the trainer's daily fee per two half-days plus travel."),
    )
    costs = DecimalField(
        _l("Other costs (€)"), places=2, default=Decimal("0"), validators=[Optional(), NumberRange(min=0)]
    )
    fixed_price = DecimalField(
        _l("Fixed price per participant (€)"), places=2, validators=[Optional(), NumberRange(min=0)]
    )
    payee_organization_id = SelectField(
        _l("Organization that pays the trainer"), coerce=int, validators=[InputRequired()]
    )
    offer_hours = IntegerField(
        _l("Hours to confirm a freed seat"), default=48, validators=[InputRequired(), NumberRange(min=1, max=336)]
    )
    submit = SubmitField(_l("Save"))

    EDITABLE = (
        "course_id",
        "trainer_id",
        "host_organization_id",
        "address",
        "seats",
        "min_participants",
        "cap_per_org",
        "price_model",
        "trainer_fee",
        "costs",
        "fixed_price",
        "payee_organization_id",
        "offer_hours",
    )

    def validate_slots(self, field):
        self.parsed_slots = parse_slots(field.data)

    def validate_go_no_go_at(self, field):
        try:
            self.parsed_go_no_go_at = wall_clock(field.data)
        except LocalTimeError as error:
            raise ValidationError(str(error)) from None


class AttendanceForm(FlaskForm):
    """The sign-in sheet: its radio buttons are one per participant, read by the view."""


class CancelSessionForm(FlaskForm):
    reason = StringField(_l("Reason given to the participants"), validators=[DataRequired(), Length(max=300)])
    submit = SubmitField(_l("Cancel the session"))


class EnrolForm(FlaskForm):
    organization_id = SelectField(_l("Organization"), coerce=int, validators=[InputRequired()])
    name = StringField(_l("Participant's name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Participant's e-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    volunteer = BooleanField(_l("Volunteer"))
    submit = SubmitField(_l("Enrol"))


class InterestForm(FlaskForm):
    course_id = SelectField(_l("Course"), coerce=int, validators=[InputRequired()])
    organization_id = SelectField(_l("Organization"), coerce=int, validators=[InputRequired()])
    people = IntegerField(_l("How many people"), validators=[InputRequired(), NumberRange(min=1, max=100)])
    months = SelectMultipleField(_l("Preferred months"), choices=MONTHS, validators=[Optional()])
    places = StringField(_l("Preferred places"), validators=[Optional(), Length(max=300)])
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Register interest"))


class SurveyForm(FlaskForm):
    overall = RadioField(_l("Overall, how satisfied are you? (1 to 5)"), choices=RATINGS, validators=[InputRequired()])
    content = RadioField(
        _l("Was the content useful for your work? (1 to 5)"), choices=RATINGS, validators=[InputRequired()]
    )
    trainer = RadioField(_l("How was the trainer? (1 to 5)"), choices=RATINGS, validators=[InputRequired()])
    comment = TextAreaField(_l("Comments"), validators=[Optional(), Length(max=3000)])
    submit = SubmitField(_l("Send"))


class VerifyForm(FlaskForm):
    class Meta:
        csrf = False  # a read-only lookup by GET

    code = StringField(_l("Verification code"), validators=[DataRequired(), Length(max=64)])
    submit = SubmitField(_l("Check"))


class ReportForm(FlaskForm):
    class Meta:
        csrf = False

    organization_id = SelectField(_l("Organization"), coerce=int, validators=[InputRequired()])
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(min=2000, max=2100)])
    submit = SubmitField(_l("Download CSV"))
