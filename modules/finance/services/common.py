"""Who may see and do what in finance: the network treasurer, and each structure for its own records."""

from __future__ import annotations

import zlib

from flask_babel import gettext as _

from core.accounts.models import Organization
from core.accounts.permissions import PermissionDenied, is_admin, permitted_org_ids
from core.clock import check_horizon
from core.errors import NotFound
from core.extensions import db

STATEMENT, TREASURY = "finance.statement", "finance.treasury"
HORIZON_YEARS = 2
ISSUING = "finance.issuing"  # the lock name of rounds and credit notes


def is_treasurer(user) -> bool:
    """The network's treasurer: the treasury permission held in the network organization (or an admin).
    A member structure's treasurer role only opens its own structure's records."""
    if is_admin(user):
        return True
    orgs = permitted_org_ids(user, TREASURY)
    if not orgs:
        return False
    return bool(
        db.session.scalar(db.select(db.func.count()).where(Organization.id.in_(orgs), Organization.kind == "network"))
    )


def require_treasurer(user) -> None:
    if not is_treasurer(user):
        raise PermissionDenied(TREASURY)


def visible_org_ids(user) -> set[int] | None:
    """The structures whose money the user sees; None: all of them (the treasurer)."""
    return None if is_treasurer(user) else (permitted_org_ids(user, STATEMENT) or set())


def check_visible(user, organization_id: int) -> None:
    """A structure's records are absent (404) for whoever may not see them."""
    orgs = visible_org_ids(user)
    if orgs is not None and organization_id not in orgs:
        raise NotFound(_("Not found."))


def organization(organization_id: int) -> Organization:
    org = db.session.get(Organization, organization_id)
    if org is None:
        raise NotFound(_("Not found."))
    return org


def default_org_id(user) -> int | None:
    """The structure shown when none is asked for: the user's own, else the network organization."""
    orgs = visible_org_ids(user)
    if orgs:
        return min(orgs)
    if orgs is None:
        return network_org_id()
    return None


def network_org_id() -> int | None:
    return db.session.scalar(
        db.select(Organization.id).where(Organization.kind == "network").order_by(Organization.id).limit(1)
    )


def serialize(name: str) -> None:
    """Queue writers of ``name`` (rounds, invoice numbering) one behind the other until commit: on
    PostgreSQL with a transaction-level advisory lock; SQLite's transaction already holds the write
    lock. What the first writer committed is then seen by the next one's queries."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(db.text("SELECT pg_advisory_xact_lock(:key)"), {"key": zlib.crc32(name.encode())})


def module_of(source: str) -> str:
    """The module that posted a ledger source ("pooling.booking:12" -> "pooling")."""
    return source.split(":", 1)[0].split(".", 1)[0]


def check_day(value, field: str) -> None:
    """A date typed by a person: within the planning horizon and after 2000."""
    check_horizon(value, HORIZON_YEARS, field)
