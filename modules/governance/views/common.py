"""Small helpers of the governance views."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from core.accounts.models import Organization, User
from core.clock import from_local, local
from core.extensions import db
from modules.governance.services.needs import editable_need_orgs


def get_or_404(model, object_id):
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


def aware(value):
    return from_local(value) if value is not None else None


def naive_local(value):
    return local(value).replace(tzinfo=None) if value is not None else None


def need_org_choices() -> list[tuple[int, str]]:
    orgs = editable_need_orgs(current_user)
    stmt = db.select(Organization).where(Organization.active, Organization.kind.in_(("member", "network", "partner")))
    if orgs is not None:
        stmt = stmt.where(Organization.id.in_(orgs or [-1]))
    return [(o.id, o.name) for o in db.session.scalars(stmt.order_by(Organization.name))]


def user_choices() -> list[tuple[int, str]]:
    return [(u.id, u.name) for u in db.session.scalars(db.select(User).where(User.active).order_by(User.name))]
