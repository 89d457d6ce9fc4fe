"""Forms of the governance pages (the ballot itself is built per method in its template)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import URL, DataRequired, InputRequired, Length, NumberRange, Optional

from core.clock import LocalTimeError, local, wall_clock
from core.web.forms import DecimalField, IntegerField
from modules.governance.services.figures import ABSTENTION_LABELS, METHOD_LABELS, RULE_LABELS


class ParisDateTimeField(DateTimeLocalField):
    """A Paris wall-clock time typed in the form, as aware UTC in ``data``; a time that Paris skips
    or lives twice is refused on the field (core.clock.wall_clock), never moved silently."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None:
            try:
                self.data = wall_clock(self.data)
            except LocalTimeError:
                self.data = None
                raise
            except OverflowError:
                self.data = None
                raise ValueError(_("This date is out of range.")) from None

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return local(self.data).strftime("%Y-%m-%dT%H:%M") if self.data else ""


KIND_CHOICES = [("assembly", _l("General assembly")), ("board", _l("Board")), ("committee", _l("Steering committee"))]
SEAT_CHOICES = [("organization", _l("Organizations")), ("person", _l("Persons"))]
METHOD_CHOICES = list(METHOD_LABELS.items())
RULE_CHOICES = list(RULE_LABELS.items())
ABSTENTION_CHOICES = list(ABSTENTION_LABELS.items())
QUORUM_CHOICES = [("none", _l("No quorum")), ("voters", _l("Share of voters")), ("weight", _l("Share of weight"))]
MODE_CHOICES = [("in_person", _l("In person")), ("online", _l("Online")), ("hybrid", _l("Both"))]
RATING_CHOICES = [(i, str(i)) for i in range(1, 6)]


class BodyForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=KIND_CHOICES)
    seat_kind = SelectField(_l("Members are"), choices=SEAT_CHOICES)
    proxy_cap = IntegerField(
        _l("Proxies per holder (maximum)"), default=2, validators=[InputRequired(), NumberRange(0, 50)]
    )
    notice_days = IntegerField(
        _l("Notice period (days)"), default=15, validators=[InputRequired(), NumberRange(0, 365)]
    )
    quorum_percent = DecimalField(
        _l("Meeting quorum (percent of the weight)"),
        default=50,
        places=2,
        validators=[InputRequired(), NumberRange(0, 100)],
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Create"))


class CollegeForm(FlaskForm):
    name = StringField(_l("College"), validators=[DataRequired(), Length(max=120)])
    weight_percent = DecimalField(
        _l("Share of the weight (percent)"), places=2, validators=[InputRequired(), NumberRange(0.01, 100)]
    )
    submit = SubmitField(_l("Add the college"))


class MemberForm(FlaskForm):
    holder = SelectField(_l("Member"), coerce=int, validators=[InputRequired()])
    college_id = SelectField(_l("College"), coerce=int, validators=[Optional()])
    weight = DecimalField(_l("Weight"), default=1, places=2, validators=[InputRequired(), NumberRange(0.01, 1000000)])
    role_title = StringField(_l("Office (e.g. treasurer)"), validators=[Optional(), Length(max=120)])
    start_date = DateField(_l("Term starts"), validators=[InputRequired()])
    end_date = DateField(_l("Term ends"), validators=[Optional()])
    submit = SubmitField(_l("Add the member"))


class EndTermForm(FlaskForm):
    end_date = DateField(_l("Last day of the term"), validators=[InputRequired()])
    submit = SubmitField(_l("End the term"))


class MeetingForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    starts_at = ParisDateTimeField(_l("Starts (Paris time)"), validators=[InputRequired()])
    ends_at = ParisDateTimeField(_l("Ends (Paris time)"), validators=[InputRequired()])
    mode = SelectField(_l("Held"), choices=MODE_CHOICES)
    location = StringField(_l("Place"), validators=[Optional(), Length(max=300)])
    online_url = StringField(_l("Online meeting link"), validators=[Optional(), URL(), Length(max=300)])
    submit = SubmitField(_l("Schedule"))


class AgendaItemForm(FlaskForm):
    title = StringField(_l("Agenda item"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Details"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Add to the agenda"))


class MotionForm(FlaskForm):
    item_id = SelectField(_l("Agenda item"), coerce=int)
    text = TextAreaField(_l("Motion"), validators=[DataRequired(), Length(max=5000)])
    poll_id = SelectField(_l("Decided by the poll"), coerce=int, validators=[Optional()])
    submit = SubmitField(_l("Add the motion"))


class HandsForm(FlaskForm):
    votes_for = IntegerField(_l("For"), validators=[InputRequired(), NumberRange(0)])
    votes_against = IntegerField(_l("Against"), validators=[InputRequired(), NumberRange(0)])
    votes_abstain = IntegerField(_l("Abstentions"), validators=[InputRequired(), NumberRange(0)])
    submit = SubmitField(_l("Save"))


class ProxyForm(FlaskForm):
    grantor_id = SelectField(_l("Seat giving its proxy"), coerce=int)
    holder_id = SelectField(_l("Proxy holder"), coerce=int)
    submit = SubmitField(_l("Give the proxy"))


class PollForm(FlaskForm):
    question = StringField(_l("Question"), validators=[DataRequired(), Length(max=300)])
    description = TextAreaField(_l("Details"), validators=[Optional(), Length(max=5000)])
    method = SelectField(_l("Voting method"), choices=METHOD_CHOICES)
    options = TextAreaField(
        _l("Options, one per line"),
        description=_l("Not used for yes / no / abstain."),
        validators=[Optional(), Length(max=10000)],
    )
    max_choices = IntegerField(_l("Approval: at most this many options"), validators=[Optional(), NumberRange(1)])
    rule = SelectField(_l("Majority rule"), choices=RULE_CHOICES)
    abstentions = SelectField(_l("Abstentions"), choices=ABSTENTION_CHOICES)
    quorum_kind = SelectField(_l("Quorum"), choices=QUORUM_CHOICES)
    quorum_percent = DecimalField(
        _l("Quorum (percent)"), default=0, places=2, validators=[InputRequired(), NumberRange(0, 100)]
    )
    secret = BooleanField(_l("Secret ballot"), default=True)
    allow_change = BooleanField(_l("Voters may change their vote until the close"))
    opens_at = ParisDateTimeField(_l("Opens (Paris time)"), validators=[InputRequired()])
    closes_at = ParisDateTimeField(_l("Closes (Paris time)"), validators=[InputRequired()])
    meeting_id = SelectField(_l("Meeting"), coerce=int, validators=[Optional()])
    submit = SubmitField(_l("Save the draft"))


class BallotForm(FlaskForm):
    """The seat a ballot is cast for; the choice itself is read per method (views.polls.parse_ballot).
    ``choice`` only carries a refusal of the choice back to the seat's ballot."""

    voter_id = IntegerField(_l("Seat"), validators=[InputRequired()])
    choice = StringField(_l("Your choice"))
    receipt = StringField(_l("Receipt code"), validators=[Optional(), Length(max=40)])


class ReceiptForm(FlaskForm):
    receipt = StringField(_l("Receipt code"), validators=[DataRequired(), Length(max=40)])
    submit = SubmitField(_l("Check"))


class NeedForm(FlaskForm):
    organization_id = SelectField(_l("For the organization"), coerce=int)
    title = StringField(_l("Need"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Details"), validators=[Optional(), Length(max=5000)])
    importance = SelectField(_l("Importance (1-5)"), coerce=int, choices=RATING_CHOICES, default=3)
    urgency = SelectField(_l("Urgency (1-5)"), coerce=int, choices=RATING_CHOICES, default=3)
    submit = SubmitField(_l("Post the need"))


class SupportForm(FlaskForm):
    organization_id = SelectField(_l("For the organization"), coerce=int)
    importance = SelectField(_l("Importance (1-5)"), coerce=int, choices=RATING_CHOICES, default=3)
    urgency = SelectField(_l("Urgency (1-5)"), coerce=int, choices=RATING_CHOICES, default=3)
    submit = SubmitField(_l("We share this need"))


class NeedPollForm(FlaskForm):
    body_id = SelectField(_l("Body that votes"), coerce=int)
    top = IntegerField(
        _l("Needs offered (top of the list)"), default=6, validators=[InputRequired(), NumberRange(2, 30)]
    )
    retain = IntegerField(_l("Needs to retain"), default=3, validators=[InputRequired(), NumberRange(1, 29)])
    opens_at = ParisDateTimeField(_l("Opens (Paris time)"), validators=[InputRequired()])
    closes_at = ParisDateTimeField(_l("Closes (Paris time)"), validators=[InputRequired()])
    submit = SubmitField(_l("Create the poll"))


class RetainForm(FlaskForm):
    retain = IntegerField(_l("Needs to retain"), default=3, validators=[InputRequired(), NumberRange(1, 30)])
    owner_id = SelectField(_l("Owner of the actions"), coerce=int)
    due_date = DateField(_l("Due date"), validators=[InputRequired()])
    submit = SubmitField(_l("Turn into actions"))


class ActionForm(FlaskForm):
    title = StringField(_l("Action"), validators=[DataRequired(), Length(max=200)])
    owner_id = SelectField(_l("Person in charge"), coerce=int)
    due_date = DateField(_l("Due date"), validators=[InputRequired()])
    submit = SubmitField(_l("Add the action"))
