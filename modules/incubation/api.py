"""/api/v1/incubation: tracks, projects and applications, milestones, host sites, placements, visits.

Handlers call the same services as the pages; refusals become problem+json through core.
"""

from __future__ import annotations

import marshmallow as ma
from flask_login import current_user
from flask_smorest import Blueprint

from core.accounts.permissions import require
from core.api import AwareDateTime, Id, PageArgs, page_of, paginate
from core.extensions import db
from modules.incubation.models import LEARNINGS, PLACEMENT_KINDS, HostSite, Project, Stage, Track
from modules.incubation.services import hosting, projects, reports, tracks, visits
from modules.incubation.services.access import get_project, visible_projects

blp = Blueprint(
    "incubation_api",
    __name__,
    url_prefix="/api/v1/incubation",
    description="Incubation: tracks, projects, host sites, placements",
)
V = ma.validate


class MilestoneSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(required=True, validate=V.Length(1, 120), metadata={"example": "Market study"})
    deliverables = ma.fields.String(load_default="", validate=V.Length(max=5000))
    target_days = ma.fields.Integer(required=True, validate=V.Range(1, 3650), metadata={"example": 60})


class StageSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    position = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(required=True, validate=V.Length(1, 120), metadata={"example": "Emergence"})
    milestones = ma.fields.List(ma.fields.Nested(MilestoneSchema), load_default=list)


class TrackSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(required=True, validate=V.Length(1, 120), metadata={"example": "From idea to project"})
    description = ma.fields.String(load_default="", validate=V.Length(max=5000))
    active = ma.fields.Boolean(dump_only=True)
    stages = ma.fields.List(ma.fields.Nested(StageSchema), load_default=list)


class ProjectSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    organization_id = ma.fields.Integer()
    territory = ma.fields.String()
    maturity = ma.fields.String()
    team = ma.fields.String()
    needs = ma.fields.String()
    status = ma.fields.String(metadata={"example": "accepted"})
    track_id = ma.fields.Integer(allow_none=True)
    stage_id = ma.fields.Integer(allow_none=True)
    review_note = ma.fields.String()
    last_activity_at = AwareDateTime()


class ApplicationSchema(ma.Schema):
    track_id = Id(required=True)
    motivation = ma.fields.String(
        required=True,
        validate=V.Length(1, 5000),
        metadata={"example": "We want to open a ressourcerie in our town in 2027."},
    )


class ReviewSchema(ma.Schema):
    decision = ma.fields.String(
        required=True, validate=V.OneOf(["accept", "refuse", "more"]), metadata={"example": "accept"}
    )
    note = ma.fields.String(load_default="", validate=V.Length(max=5000))


class ProjectMilestoneSchema(ma.Schema):
    id = ma.fields.Integer()
    milestone_id = ma.fields.Integer()
    name = ma.fields.String(attribute="milestone.name")
    status = ma.fields.String()
    target_date = ma.fields.Date()
    submitted_at = AwareDateTime(allow_none=True)
    validated_at = AwareDateTime(allow_none=True)
    comment = ma.fields.String()


class MilestoneReviewSchema(ma.Schema):
    decision = ma.fields.String(
        required=True, validate=V.OneOf(["validate", "return"]), metadata={"example": "validate"}
    )
    comment = ma.fields.String(load_default="", validate=V.Length(max=5000))


class TimelineSchema(ma.Schema):
    day = ma.fields.Date()
    kind = ma.fields.String()
    title = ma.fields.String()
    detail = ma.fields.String()
    late = ma.fields.Boolean()


class SiteSchema(ma.Schema):
    id = ma.fields.Integer()
    organization_id = ma.fields.Integer()
    name = ma.fields.String()
    address = ma.fields.String()
    capacity = ma.fields.Integer()
    learnings = ma.fields.List(ma.fields.String(validate=V.OneOf(LEARNINGS)), attribute="learning_list")
    referent_id = ma.fields.Integer()
    active = ma.fields.Boolean()
    periods = ma.fields.List(
        ma.fields.Nested(
            ma.Schema.from_dict({"start_date": ma.fields.Date(), "end_date": ma.fields.Date()}, name="HostPeriodSchema")
        )
    )


class PlacementSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    project_id = Id(required=True)
    host_site_id = Id(required=True)
    holder_id = Id(load_default=None, allow_none=True)
    kind = ma.fields.String(required=True, validate=V.OneOf(PLACEMENT_KINDS), metadata={"example": "immersion"})
    start_date = ma.fields.Date(required=True, metadata={"example": "2026-12-07"})
    end_date = ma.fields.Date(load_default=None, allow_none=True, metadata={"example": "2026-12-11"})
    people = ma.fields.Integer(load_default=1, validate=V.Range(1, 100))
    message = ma.fields.String(load_default="", validate=V.Length(max=2000))
    status = ma.fields.String(dump_only=True)
    decision_note = ma.fields.String(dump_only=True)
    report = ma.fields.String(dump_only=True)


class DecisionSchema(ma.Schema):
    accept = ma.fields.Boolean(required=True, metadata={"example": True})
    note = ma.fields.String(load_default="", validate=V.Length(max=2000))


class VisitSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    authority = ma.fields.String(required=True, validate=V.Length(1, 200), metadata={"example": "Ville de Vierzon"})
    visitors = ma.fields.String(load_default="", validate=V.Length(max=300))
    visited_on = ma.fields.Date(required=True, metadata={"example": "2026-11-20"})
    place = ma.fields.String(load_default="", validate=V.Length(max=300))
    notes = ma.fields.String(load_default="", validate=V.Length(max=5000))
    project_id = Id(load_default=None, allow_none=True)
    host_site_id = Id(load_default=None, allow_none=True)


@blp.route("/tracks")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(TrackSchema))
@require()
def list_tracks(args):
    stmt = db.select(Track).options(db.selectinload(Track.stages).selectinload(Stage.milestones)).order_by(Track.name)
    return paginate(stmt, args["page"], args["per_page"])


@blp.route("/tracks", methods=["POST"])
@blp.arguments(TrackSchema)
@blp.response(201, TrackSchema)
@require("incubation.manage")
def create_track(data):
    track = tracks.create_track(current_user, data["name"], data["description"])
    for stage_data in data["stages"]:
        stage = tracks.add_stage(current_user, track, stage_data["name"])
        for m in stage_data["milestones"]:
            tracks.add_milestone(current_user, stage, m["name"], m["deliverables"], m["target_days"])
    return track


@blp.route("/projects")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(ProjectSchema))
@require()
def list_projects(args):
    return paginate(visible_projects(current_user).order_by(Project.id), args["page"], args["per_page"])


@blp.route("/projects/<int:project_id>")
@blp.response(200, ProjectSchema)
@require()
def get_one_project(project_id):
    return get_project(current_user, project_id)


@blp.route("/projects/<int:project_id>/application", methods=["POST"])
@blp.arguments(ApplicationSchema)
@blp.response(200, ProjectSchema)
@require("incubation.apply")
def apply(data, project_id):
    project = get_project(current_user, project_id, lock=True)
    projects.apply(current_user, project, data["track_id"], data["motivation"])
    return project


@blp.route("/projects/<int:project_id>/review", methods=["POST"])
@blp.arguments(ReviewSchema)
@blp.response(200, ProjectSchema)
@require("incubation.manage")
def review(data, project_id):
    project = get_project(current_user, project_id, lock=True)
    projects.review(current_user, project, data["decision"], data["note"])
    return project


@blp.route("/projects/<int:project_id>/milestones")
@blp.response(200, ProjectMilestoneSchema(many=True))
@require()
def project_milestones(project_id):
    return tracks.project_milestones(get_project(current_user, project_id))


@blp.route("/projects/<int:project_id>/milestones/<int:pm_id>/review", methods=["POST"])
@blp.arguments(MilestoneReviewSchema)
@blp.response(200, ProjectMilestoneSchema)
@require()
def review_milestone(data, project_id, pm_id):
    project = get_project(current_user, project_id, lock=True)
    pm = tracks.get_project_milestone(project, pm_id)
    tracks.review_milestone(current_user, project, pm, data["decision"], data["comment"])
    return pm


@blp.route("/projects/<int:project_id>/timeline")
@blp.response(200, TimelineSchema(many=True))
@require()
def timeline(project_id):
    return reports.timeline(current_user, get_project(current_user, project_id))


@blp.route("/sites")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(SiteSchema))
@require()
def list_sites(args):
    return paginate(hosting.sites_stmt().options(db.selectinload(HostSite.periods)), args["page"], args["per_page"])


@blp.route("/placements")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(PlacementSchema))
@require()
def list_placements(args):
    return paginate(hosting.placements_stmt(current_user), args["page"], args["per_page"])


@blp.route("/placements", methods=["POST"])
@blp.arguments(PlacementSchema)
@blp.response(201, PlacementSchema)
@require()
def request_placement(data):
    placement = hosting.request_placement(
        current_user,
        project_id=data["project_id"],
        host_site_id=data["host_site_id"],
        kind=data["kind"],
        start=data["start_date"],
        end=data["end_date"],
        people=data["people"],
        message=data["message"],
        holder_id=data["holder_id"],
    )
    return placement


@blp.route("/placements/<int:placement_id>/decision", methods=["POST"])
@blp.arguments(DecisionSchema)
@blp.response(200, PlacementSchema)
@require()
def decide(data, placement_id):
    placement = hosting.get_placement(current_user, placement_id, lock=True)
    hosting.decide_placement(current_user, placement, data["accept"], data["note"])
    return placement


@blp.route("/visits")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(VisitSchema))
@require()
def list_visits(args):
    return paginate(visits.visits_stmt(current_user), args["page"], args["per_page"])


@blp.route("/visits", methods=["POST"])
@blp.arguments(VisitSchema)
@blp.response(201, VisitSchema)
@require()
def record_visit(data):
    return visits.record_visit(current_user, **data)
