"""The one way to check a permission: ``has_permission`` in services, ``require`` on views.

Permissions are declared in module manifests with the roles that hold them. A role held in an
organization grants the permission for that organization's records; a network admin holds every
permission for every organization.
"""

from __future__ import annotations

from functools import wraps

from flask import abort, request
from flask_login import current_user

from core.accounts.roles import NETWORK_ADMIN
from core.plugins import registry

CORE_PERMISSIONS = {
    "core.admin": (NETWORK_ADMIN,),
    "core.ledger": (NETWORK_ADMIN,),
}


class PermissionDenied(Exception):
    """Raised by services; views and the API turn it into 403."""


def all_grants() -> dict[str, tuple[str, ...]]:
    return {**CORE_PERMISSIONS, **registry().grants()}


def is_admin(user) -> bool:
    return bool(user and user.is_authenticated and NETWORK_ADMIN in user.roles)


def permitted_org_ids(user, permission: str) -> set[int] | None:
    """Organizations in which ``user`` holds ``permission``; None means all (network admin)."""
    if not user or not user.is_authenticated:
        return set()
    if is_admin(user):
        return None
    roles = set(all_grants().get(permission, ()))
    return {m.organization_id for m in user.memberships if m.role in roles}


def has_permission(user, permission: str, organization_id: int | None = None) -> bool:
    orgs = permitted_org_ids(user, permission)
    if orgs is None:
        return True
    return bool(orgs) if organization_id is None else organization_id in orgs


def check(user, permission: str, organization_id: int | None = None) -> None:
    if not has_permission(user, permission, organization_id):
        raise PermissionDenied(permission)


def require(permission: str | None = None):
    """View decorator: anonymous users go to the login page, others without it get 403."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                from core.extensions import login_manager

                return login_manager.unauthorized()
            if permission and not has_permission(current_user, permission):
                abort(403)
            return view(*args, **kwargs)

        wrapper.erp_permission = permission
        return wrapper

    return decorate


def scope(stmt, column, user, permission: str):
    """Record rule: restrict a select to rows whose ``column`` is an organization the user may see."""
    orgs = permitted_org_ids(user, permission)
    return stmt if orgs is None else stmt.where(column.in_(orgs or [-1]))


def is_api_request() -> bool:
    return request.path.startswith("/api/")
