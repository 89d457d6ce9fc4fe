"""Forms of the incubation pages; the rules beyond field shape live in the services."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    MultipleFileField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, NumberRange, Optional

from core.web.forms import IntegerField
from modules.incubation.views.labels import LEARNING_LABELS, PLACEMENT_KIND

TEXT = [Optional(), Length(max=5000)]


class SignupForm(FlaskForm):
    name = StringField(
        _l("Your name"), validators=[DataRequired(), Length(max=200)], render_kw={"autocomplete": "name"}
    )
    email = EmailField(
        _l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)], render_kw={"autocomplete": "email"}
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=256)],
        description=_l("At least 10 characters, mixing letters with digits or symbols."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
    project_name = StringField(_l("Name of the project"), validators=[DataRequired(), Length(max=200)])
    territory = StringField(_l("Territory"), validators=[Optional(), Length(max=200)])
    needs = TextAreaField(_l("What do you need?"), validators=TEXT)
    submit = SubmitField(_l("Sign up"))


class ProjectForm(FlaskForm):
    territory = StringField(_l("Territory"), validators=[Optional(), Length(max=200)])
    maturity = TextAreaField(_l("Where the project stands"), validators=TEXT)
    team = TextAreaField(_l("Team"), validators=TEXT)
    needs = TextAreaField(_l("Needs"), validators=TEXT)
    submit = SubmitField(_l("Save"))


class ApplyForm(FlaskForm):
    track_id = SelectField(_l("Track"), coerce=int, validators=[DataRequired()])
    motivation = TextAreaField(
        _l("Why this track, and what do you expect?"), validators=[DataRequired(), Length(max=5000)]
    )
    submit = SubmitField(_l("Apply"))


class ReviewForm(FlaskForm):
    decision = SelectField(
        _l("Decision"), choices=[("accept", _l("Accept")), ("more", _l("Ask for more")), ("refuse", _l("Refuse"))]
    )
    note = TextAreaField(
        _l("Message to the holder"),
        validators=TEXT,
        description=_l("Required to refuse (the reason) or to ask for more."),
    )
    submit = SubmitField(_l("Send the decision"))


class CoachForm(FlaskForm):
    user_id = SelectField(_l("Coach"), coerce=int, validators=[DataRequired()])
    submit = SubmitField(_l("Assign"))


class TrackForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    description = TextAreaField(_l("Description"), validators=TEXT)
    submit = SubmitField(_l("Create the track"))


class StageForm(FlaskForm):
    name = StringField(_l("Name of the stage"), validators=[DataRequired(), Length(max=120)])
    submit = SubmitField(_l("Add the stage"))


class MilestoneForm(FlaskForm):
    name = StringField(_l("Milestone"), validators=[DataRequired(), Length(max=120)])
    deliverables = TextAreaField(_l("Expected deliverables"), validators=TEXT)
    target_days = IntegerField(_l("Target duration (days)"), validators=[DataRequired(), NumberRange(1, 3650)])
    submit = SubmitField(_l("Add the milestone"))


class SubmitMilestoneForm(FlaskForm):
    files = MultipleFileField(_l("Documents"), description=_l("PDF, images or office files."))
    note = TextAreaField(_l("Note for the coaches"), validators=TEXT)
    submit = SubmitField(_l("Submit the milestone"))


class MilestoneReviewForm(FlaskForm):
    decision = SelectField(
        _l("Decision"), choices=[("validate", _l("Validate")), ("return", _l("Return with comments"))]
    )
    comment = TextAreaField(_l("Comments"), validators=TEXT)
    submit = SubmitField(_l("Send"))


class JournalForm(FlaskForm):
    written_on = DateField(_l("Date"), validators=[Optional()])
    body = TextAreaField(_l("Entry"), validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField(_l("Add to the journal"))


class SiteForm(FlaskForm):
    organization_id = SelectField(_l("Host organization"), coerce=int, validators=[DataRequired()])
    name = StringField(_l("Name of the site"), validators=[DataRequired(), Length(max=200)])
    address = StringField(_l("Address"), validators=[DataRequired(), Length(max=300)])
    capacity = IntegerField(_l("Capacity (people per day)"), validators=[DataRequired(), NumberRange(1, 100)])
    learnings = SelectMultipleField(_l("What a holder can learn here"), choices=list(LEARNING_LABELS.items()))
    referent_id = SelectField(_l("Referent"), coerce=int, validators=[DataRequired()])
    description = TextAreaField(_l("Description"), validators=TEXT)
    active = BooleanField(_l("Open to requests"), default=True)
    submit = SubmitField(_l("Save"))


class PeriodForm(FlaskForm):
    start_date = DateField(_l("From"), validators=[DataRequired()])
    end_date = DateField(_l("To"), validators=[DataRequired()])
    submit = SubmitField(_l("Add the period"))


class PlacementForm(FlaskForm):
    project_id = SelectField(_l("Project"), coerce=int, validators=[DataRequired()])
    host_site_id = SelectField(_l("Host site"), coerce=int, validators=[DataRequired()])
    kind = SelectField(_l("Kind"), choices=list(PLACEMENT_KIND.items()))
    start_date = DateField(_l("From"), validators=[DataRequired()])
    end_date = DateField(_l("To"), validators=[Optional()], description=_l("Leave empty for a one-day visit."))
    people = IntegerField(_l("Number of people"), default=1, validators=[DataRequired(), NumberRange(1, 100)])
    message = TextAreaField(_l("Message to the referent"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Send the request"))


class DecisionForm(FlaskForm):
    note = TextAreaField(
        _l("Message to the holder"), validators=[Optional(), Length(max=2000)], description=_l("Required to decline.")
    )


class ReportForm(FlaskForm):
    report = TextAreaField(_l("Report"), validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField(_l("Save the report"))


class VisitForm(FlaskForm):
    authority = StringField(_l("Local authority"), validators=[DataRequired(), Length(max=200)])
    visitors = StringField(_l("Who came"), validators=[Optional(), Length(max=300)])
    visited_on = DateField(_l("Date"), validators=[DataRequired()])
    place = StringField(_l("Where"), validators=[Optional(), Length(max=300)])
    project_id = SelectField(_l("Project"), coerce=int, validators=[Optional()])
    host_site_id = SelectField(_l("Host site"), coerce=int, validators=[Optional()])
    notes = TextAreaField(_l("Notes"), validators=TEXT)
    submit = SubmitField(_l("Record the visit"))
