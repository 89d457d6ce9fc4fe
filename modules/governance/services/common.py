"""Helpers shared by the governance services: who may act for a seat, the limits every input obeys."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from core.accounts.permissions import all_grants, check
from core.clock import check_horizon
from core.errors import DomainError

VOTE = "governance.vote"
MANAGE = "governance.manage"
VIEW = "governance.view"
NEEDS = "governance.needs"

# The same limits for the pages and the API, held here so that neither can store more than the other.
NAME_LENGTH = 200  # titles, names, questions of a need or an agenda item
SHORT_LENGTH = 120  # a college, an office
PLACE_LENGTH = 300  # a place, a link, a poll's question
OPTION_LENGTH = 200  # one option of a poll
MAX_OPTIONS = 50  # options of a poll (a ranked or graded ballot stays something a person can fill)
TEXT_LENGTH = 5000  # descriptions, motions
HORIZON_YEARS = 2  # meetings and polls are planned at most this far ahead


def require_manager(user) -> None:
    check(user, MANAGE)


def bounded_text(value, field: str, max_length: int, required: bool = False) -> str:
    """A typed text, stripped; refused when required and empty or longer than ``max_length``."""
    value = (value or "").strip() if isinstance(value, str) or value is None else None
    if value is None:
        raise DomainError(_("Enter a text."), field)
    if required and not value:
        raise DomainError(_("This field is required."), field)
    if len(value) > max_length:
        raise DomainError(_("At most %(n)d characters.", n=max_length), field)
    return value


def planned(value: datetime | None, field: str) -> datetime:
    """A meeting's or a poll's time: required, and within the planning horizon (a year 9999 is a typo)."""
    if value is None:
        raise DomainError(_("This field is required."), field)
    check_horizon(value, HORIZON_YEARS, field)
    return value


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
