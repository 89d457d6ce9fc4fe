"""/api/v1/me and /api/v1/organizations."""

from __future__ import annotations

import marshmallow as ma
from flask_login import current_user
from flask_smorest import Blueprint

from core.accounts import services
from core.accounts.models import Organization
from core.accounts.permissions import require
from core.accounts.roles import ORG_KINDS
from core.api import PageArgs, page_of, paginate
from core.errors import NotFound
from core.extensions import db

blp = Blueprint("core_api", __name__, url_prefix="/api/v1", description="Accounts and organizations")


class MembershipSchema(ma.Schema):
    organization_id = ma.fields.Integer(dump_only=True)
    role = ma.fields.String(dump_only=True)


class MeSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    email = ma.fields.Email(dump_only=True)
    name = ma.fields.String(dump_only=True)
    locale = ma.fields.String(dump_only=True)
    memberships = ma.fields.List(ma.fields.Nested(MembershipSchema), dump_only=True)


class OrganizationSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=200),
        metadata={"example": "Ressourcerie du Pays de Tours"},
    )
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(list(ORG_KINDS)), metadata={"example": "member"})
    email = ma.fields.Email(allow_none=True, validate=ma.validate.Length(max=254))
    phone = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=40))
    address = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=300))
    city = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=120))
    region = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=120))
    latitude = ma.fields.Float(allow_none=True, validate=ma.validate.Range(-90, 90))
    longitude = ma.fields.Float(allow_none=True, validate=ma.validate.Range(-180, 180))
    active = ma.fields.Boolean(load_default=True)


class OrganizationQuery(PageArgs):
    kind = ma.fields.String(validate=ma.validate.OneOf(list(ORG_KINDS)))
    q = ma.fields.String(validate=ma.validate.Length(max=100))


@blp.route("/me")
@blp.response(200, MeSchema)
@require()
def me():
    """The authenticated user and their roles per organization."""
    return current_user


@blp.route("/organizations")
@blp.arguments(OrganizationQuery, location="query")
@blp.response(200, page_of(OrganizationSchema))
@require()
def list_organizations(args):
    """Organizations of the network (names and contacts are shared among members)."""
    stmt = db.select(Organization).order_by(Organization.name)
    if args.get("kind"):
        stmt = stmt.where(Organization.kind == args["kind"])
    if args.get("q"):
        stmt = stmt.where(Organization.name.ilike(f"%{args['q']}%"))
    return paginate(stmt, args["page"], args["per_page"])


@blp.route("/organizations/<int:org_id>")
@blp.response(200, OrganizationSchema)
@require()
def get_organization(org_id: int):
    org = db.session.get(Organization, org_id)
    if org is None:
        raise NotFound("No such organization.")
    return org


@blp.route("/organizations", methods=["POST"])
@blp.arguments(OrganizationSchema)
@blp.response(201, OrganizationSchema)
@require("core.admin")
def create_organization(data):
    """Create an organization (network admins)."""
    return services.create_organization(**data)
