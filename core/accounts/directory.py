"""Who to tell and what to offer: the people in charge of an organization, and the choices of
organizations and people that forms show. One copy for every module."""

from __future__ import annotations

from collections.abc import Iterable

from core.accounts.models import Membership, Organization, User
from core.accounts.permissions import permitted_org_ids
from core.accounts.roles import MEMBER_MANAGER, NETWORK_ADMIN
from core.extensions import db


def managers_of(organization_id: int) -> list[User]:
    """The people told about an organization's affairs: its active managers or, when it has none,
    the network admins, so that a notice is never sent to nobody. In one statement each."""
    for role, where in (
        (MEMBER_MANAGER, Membership.organization_id == organization_id),
        (NETWORK_ADMIN, db.true()),
    ):
        stmt = db.select(User).join(Membership).where(Membership.role == role, where, User.active).order_by(User.id)
        users = list(dict.fromkeys(db.session.scalars(stmt)))
        if users:
            return users
    return []


def organization_choices(
    user=None, permission: str | None = None, kinds: Iterable[str] | None = None
) -> list[tuple[int, str]]:
    """(id, name) of the active organizations, by name: those where ``user`` holds ``permission``
    when both are given (every one for a network admin), of the given ``kinds`` if any."""
    stmt = db.select(Organization.id, Organization.name).where(Organization.active).order_by(Organization.name)
    if kinds is not None:
        stmt = stmt.where(Organization.kind.in_(tuple(kinds)))
    if user is not None and permission is not None:
        allowed = permitted_org_ids(user, permission)
        if allowed is not None:
            stmt = stmt.where(Organization.id.in_(allowed or [-1]))
    return [(row.id, row.name) for row in db.session.execute(stmt)]


def user_choices() -> list[tuple[int, str]]:
    """(id, name) of the active people, by name."""
    stmt = db.select(User.id, User.name).where(User.active).order_by(User.name)
    return [(row.id, row.name) for row in db.session.execute(stmt)]
