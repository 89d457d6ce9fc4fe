"""Helpers shared by the pooling services: who may act for which organization, and notices."""

from __future__ import annotations

import math

from flask_babel import gettext as _

from core import mail
from core.accounts.models import Organization
from core.accounts.permissions import has_permission, permitted_org_ids
from core.clock import check_horizon
from core.errors import DomainError, NotFound

# Bookings, campaigns and unavailability periods are planned at most this far ahead: a later date
# is a typo in the year (9999), not a plan, and would be approved and charged as one.
PLANNING_YEARS = 2


def check_planned(**moments) -> None:
    """Refuse, on its field, any of the given dates beyond the planning horizon (or before 2000)."""
    for field, moment in moments.items():
        if moment is not None:
            check_horizon(moment, PLANNING_YEARS, field)


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
