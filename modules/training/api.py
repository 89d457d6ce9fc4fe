"""/api/v1/training: catalogue, sessions, enrolment, waiting list, attendance, certificate check.
Handlers call the same services as the pages; errors come back as problem+json."""

from __future__ import annotations

import marshmallow as ma
from flask import g
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from core.accounts.permissions import require
from core.api import Id, PageArgs, page_of, paginate
from core.db import utcnow
from core.extensions import db, limiter
from modules.training.models import SESSION_CANCELLED, WAITING, Course, TrainingSession
from modules.training.services import attendance, enrolment
from modules.training.services.common import get_enrolment, get_session
from modules.training.views.helpers import visible_enrolments

blp = Blueprint(
    "training_api",
    __name__,
    url_prefix="/api/v1/training",
    description="Training courses, sessions, enrolments, waiting lists and certificates",
)


class CourseSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    title = ma.fields.String(metadata={"example": "Valoriser le textile"})
    objectives = ma.fields.String()
    programme = ma.fields.String()
    duration_hours = ma.fields.Decimal(as_string=True, metadata={"example": "14.0"})
    prerequisites = ma.fields.String()
    audience = ma.fields.String()


class SlotSchema(ma.Schema):
    id = ma.fields.Integer()
    starts_at = ma.fields.AwareDateTime()
    ends_at = ma.fields.AwareDateTime()


class SessionSchema(ma.Schema):
    id = ma.fields.Integer()
    course_id = ma.fields.Integer()
    course_title = ma.fields.Function(lambda s: s.course.title)
    trainer = ma.fields.Function(lambda s: s.trainer.name)
    host_organization_id = ma.fields.Integer()
    address = ma.fields.String()
    seats = ma.fields.Integer(metadata={"example": 12})
    seats_left = ma.fields.Function(enrolment.seats_left)
    min_participants = ma.fields.Integer()
    cap_per_org = ma.fields.Integer(allow_none=True)
    go_no_go_at = ma.fields.AwareDateTime()
    status = ma.fields.String(metadata={"example": "planned"})
    price_model = ma.fields.String(metadata={"example": "split"})
    starts_at = ma.fields.AwareDateTime()
    ends_at = ma.fields.AwareDateTime()
    slots = ma.fields.List(ma.fields.Nested(SlotSchema))


class SessionListSchema(ma.Schema):
    id = ma.fields.Integer()
    course_title = ma.fields.Function(lambda s: s.course.title)
    starts_at = ma.fields.AwareDateTime()
    ends_at = ma.fields.AwareDateTime()
    status = ma.fields.String()
    seats = ma.fields.Integer()
    go_no_go_at = ma.fields.AwareDateTime()


class EnrolmentSchema(ma.Schema):
    id = ma.fields.Integer()
    session_id = ma.fields.Integer()
    organization_id = ma.fields.Integer()
    name = ma.fields.String()
    email = ma.fields.String()
    volunteer = ma.fields.Boolean()
    status = ma.fields.String(metadata={"example": "enrolled"})
    offer_expires_at = ma.fields.AwareDateTime(allow_none=True)
    queue_position = ma.fields.Method("_queue_position", allow_none=True)

    def _queue_position(self, item):
        # A list computes the positions of all its rows in one query (g); one enrolment asks for its own.
        positions = g.get("training_queue_positions")
        return positions.get(item.id) if positions is not None else enrolment.queue_position(item)


class EnrolSchema(ma.Schema):
    organization_id = Id(required=True, metadata={"example": 3})
    name = ma.fields.String(
        required=True, validate=ma.validate.Length(min=1, max=200), metadata={"example": "Karim Benali"}
    )
    email = ma.fields.Email(required=True, metadata={"example": "karim@ressourcerie.example"})
    volunteer = ma.fields.Boolean(load_default=False)


class MarkSchema(ma.Schema):
    enrolment_id = Id(required=True, metadata={"example": 7})
    present = ma.fields.Boolean(required=True)


class AttendanceSchema(ma.Schema):
    marks = ma.fields.List(
        ma.fields.Nested(MarkSchema),
        required=True,
        validate=ma.validate.Length(min=1, max=500),
        metadata={"example": [{"enrolment_id": 7, "present": True}]},
    )


class AttendanceResultSchema(ma.Schema):
    marked = ma.fields.Integer()


class CertificateSchema(ma.Schema):
    valid = ma.fields.Constant(True)
    participant = ma.fields.Function(lambda c: c.enrolment.name)
    organization = ma.fields.Function(lambda c: c.enrolment.organization.name)
    course = ma.fields.Function(lambda c: c.enrolment.session.course.title)
    starts_at = ma.fields.Function(lambda c: c.enrolment.session.starts_at.isoformat())
    ends_at = ma.fields.Function(lambda c: c.enrolment.session.ends_at.isoformat())
    hours = ma.fields.Decimal(as_string=True)
    issued_at = ma.fields.AwareDateTime()


@blp.route("/courses")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(CourseSchema))
@require("training.view")
def list_courses(args):
    """The course catalogue."""
    stmt = db.select(Course).where(Course.active).order_by(Course.title)
    return paginate(stmt, args["page"], args["per_page"])


@blp.route("/sessions")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(SessionListSchema))
@require("training.view")
def list_sessions(args):
    """Upcoming sessions (not cancelled, not over), soonest first."""
    stmt = (
        db.select(TrainingSession)
        .where(TrainingSession.status != SESSION_CANCELLED, TrainingSession.ends_at > utcnow())
        .order_by(TrainingSession.starts_at, TrainingSession.id)
    )
    return paginate(stmt, args["page"], args["per_page"])


@blp.route("/sessions/<int:session_id>")
@blp.response(200, SessionSchema)
@require("training.view")
def get_one_session(session_id):
    """One session with its half-days and seats left."""
    return get_session(session_id, current_user)


# One rule for both methods: with a rule per method, werkzeug picks the POST rule before checking
# the id's range, so an id past MAX_ID answered 405 (allowed: GET) instead of 404.
@blp.route("/sessions/<int:session_id>/enrolments", endpoint="enrolments")
class SessionEnrolments(MethodView):
    @blp.response(200, EnrolmentSchema(many=True))
    @require("training.view")
    def get(self, session_id):
        """The enrolments the caller may see (their organization's, or all for the coordinator)."""
        enrolments, g.training_queue_positions = visible_enrolments(get_session(session_id, current_user))
        return enrolments

    @blp.arguments(EnrolSchema)
    @blp.response(201, EnrolmentSchema)
    @require("training.enrol")
    def post(self, data, session_id):
        """Enrol a person: a seat if one is free within the cap, else the end of the waiting list."""
        return enrolment.enrol(
            current_user, session_id, data["organization_id"], data["name"], data["email"], data["volunteer"]
        )


@blp.route("/sessions/<int:session_id>/waiting-list")
@blp.response(200, EnrolmentSchema(many=True))
@require("training.view")
def waiting_list(session_id):
    """The waiting list in order (only the entries the caller may see)."""
    enrolments, g.training_queue_positions = visible_enrolments(get_session(session_id, current_user))
    return sorted((e for e in enrolments if e.status == WAITING), key=lambda e: e.id)


@blp.route("/enrolments/<int:enrolment_id>/cancel", methods=["POST"])
@blp.response(200, EnrolmentSchema)
@require()
def cancel(enrolment_id):
    """Cancel an enrolment; a freed seat is offered to the head of the waiting list."""
    return enrolment.cancel_enrolment(current_user, enrolment_id)


@blp.route("/enrolments/<int:enrolment_id>/confirm", methods=["POST"])
@blp.response(200, EnrolmentSchema)
@require()
def confirm(enrolment_id):
    """Confirm a seat offered from the waiting list, before its deadline."""
    return enrolment.confirm_offer(current_user, enrolment_id)


@blp.route("/enrolments/<int:enrolment_id>")
@blp.response(200, EnrolmentSchema)
@require()
def get_one_enrolment(enrolment_id):
    return get_enrolment(enrolment_id, current_user)


@blp.route("/slots/<int:slot_id>/attendance", methods=["PUT"])
@blp.arguments(AttendanceSchema)
@blp.response(200, AttendanceResultSchema)
@require()
def put_attendance(data, slot_id):
    """Mark participants present or absent for one half-day (trainer of the session or coordinator)."""
    marked = attendance.record_attendance(
        current_user, slot_id, {m["enrolment_id"]: m["present"] for m in data["marks"]}
    )
    return {"marked": marked}


@blp.route("/certificates/<code>")
@blp.doc(security=[])
@blp.response(200, CertificateSchema)
@limiter.limit("30 per minute")
def verify_certificate(code):
    """Public: check a certificate's verification code (no token needed)."""
    return attendance.find_certificate(code)
