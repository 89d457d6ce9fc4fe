"""Helpers shared by the governance services: who may act for a seat, row locks, choices."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy.orm import lazyload

from core.accounts.permissions import all_grants, check
from core.errors import NotFound
from core.extensions import db

VOTE = "governance.vote"
MANAGE = "governance.manage"
VIEW = "governance.view"
NEEDS = "governance.needs"


def require_manager(user) -> None:
    check(user, MANAGE)


def acting_org_ids(user) -> set[int]:
    """Organizations the user may speak for in a body: their own memberships only.

    A network admin holds every permission everywhere, but voting for an organization needs a
    role in it: an administrator never casts another organization's ballot.
    """
    roles = set(all_grants().get(VOTE, ()))
    return {m.organization_id for m in user.memberships if m.role in roles}


def acts_for(user, organization_id: int | None, user_id: int | None) -> bool:
    if user_id is not None:
        return user_id == user.id
    return organization_id in acting_org_ids(user)


def locked(model, object_id, shared: bool = False):
    """Reload a row under a lock (FOR UPDATE, or FOR SHARE when ``shared``); no-op locks on SQLite,
    where the transaction already holds the database write lock."""
    # no eager joins: PostgreSQL refuses FOR UPDATE on the nullable side of an outer join
    stmt = (
        db.select(model)
        .where(model.id == object_id)
        .options(lazyload("*"))
        .with_for_update(read=shared)
        .execution_options(populate_existing=True)
    )
    obj = db.session.scalar(stmt)
    if obj is None:
        raise NotFound(_("Not found."))
    return obj
