"""Helpers shared by the pooling services: who may act for which organization, and notices."""

from __future__ import annotations

import math

from flask_babel import gettext as _

from core import mail
from core.accounts.models import Membership, Organization, User
from core.accounts.permissions import has_permission, permitted_org_ids
from core.accounts.roles import MEMBER_MANAGER, NETWORK_ADMIN
from core.errors import DomainError, NotFound
from core.extensions import db


def acting_org_id(user, permission: str, organization_id: int | None) -> int:
    """The organization the user acts for: the one given (if permitted) or their only one."""
    if organization_id is not None:
        if not has_permission(user, permission, organization_id):
            raise NotFound(_("This organization is not one you can act for."), field="organization_id")
        return organization_id
    candidates = permitted_org_ids(user, permission)
    if candidates is None:  # a network admin acts for their own organization unless they choose
        candidates = set(user.organization_ids)
    if len(candidates) != 1:
        raise DomainError(_("Choose the organization you act for."), field="organization_id")
    return next(iter(candidates))


def optional_org_id(user, permission: str, organization_id: int | None) -> int | None:
    """Like acting_org_id, but None when the user acts for several and chose none."""
    if organization_id is not None:
        return acting_org_id(user, permission, organization_id)
    try:
        return acting_org_id(user, permission, None)
    except DomainError:
        return None


def org_choices(user, permission: str) -> list[tuple[int, str]]:
    orgs = permitted_org_ids(user, permission)
    stmt = db.select(Organization.id, Organization.name).where(Organization.active).order_by(Organization.name)
    if orgs is not None:
        stmt = stmt.where(Organization.id.in_(orgs or [-1]))
    return [(row.id, row.name) for row in db.session.execute(stmt)]


def managers_of(organization_id: int) -> list[User]:
    """The people to tell about an organization's equipment or purchase: its managers, else admins."""
    stmt = (
        db.select(User)
        .join(Membership)
        .where(Membership.organization_id == organization_id, Membership.role == MEMBER_MANAGER, User.active)
    )
    users = list(db.session.scalars(stmt))
    if not users:
        stmt = db.select(User).join(Membership).where(Membership.role == NETWORK_ADMIN, User.active)
        users = list(db.session.scalars(stmt))
    return list({u.id: u for u in users}.values())


def notify(template: str, users, **context) -> None:
    for user in {u.id: u for u in users if u is not None}.values():
        mail.send(template, user, **context)


EARTH_RADIUS_KM = 6371.0


def distance_km(a: Organization | None, b: Organization | None) -> float | None:
    """Great-circle distance between two organizations' coordinates (haversine)."""
    if not a or not b or None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return EARTH_RADIUS_KM * 2 * math.asin(math.sqrt(h))


def within_box(stmt, place, origin: Organization, max_km: float):
    """Keep the rows whose ``place`` (an Organization alias) lies in the latitude/longitude box that
    holds every point within ``max_km`` of ``origin``: the database drops the far ones, and
    ``distance_km`` still decides for the rest. Widened by 1 % against rounding."""
    angle = max_km / EARTH_RADIUS_KM
    spread = math.degrees(angle) * 1.01
    stmt = stmt.where(place.latitude.between(origin.latitude - spread, origin.latitude + spread))
    latitude = math.radians(origin.latitude)
    if angle < math.pi / 2 - abs(latitude):  # the box stops short of a pole: longitudes are bounded too
        spread = math.degrees(math.asin(math.sin(angle) / math.cos(latitude))) * 1.01
        if -180 < origin.longitude - spread and origin.longitude + spread < 180:
            stmt = stmt.where(place.longitude.between(origin.longitude - spread, origin.longitude + spread))
    return stmt
