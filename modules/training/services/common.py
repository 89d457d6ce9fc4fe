"""Lookups shared by the services: visibility, the records a user may see, clean text."""

from __future__ import annotations

import re

from flask_babel import gettext as _

from core.accounts.permissions import has_permission, is_admin, permitted_org_ids
from core.errors import DomainError, NotFound
from core.extensions import db
from modules.training.models import Enrolment, Slot, TrainingSession

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def can_manage(user) -> bool:
    return has_permission(user, "training.manage")


def is_session_trainer(user, session: TrainingSession) -> bool:
    return bool(user and user.is_authenticated and session.trainer.user_id == user.id)


def get_session(session_id: int, user=None) -> TrainingSession:
    """A session visible to ``user`` (the catalogue is shared: any training.view holder)."""
    session = db.session.get(TrainingSession, session_id)
    if session is None or (user is not None and not has_permission(user, "training.view")):
        raise NotFound(_("Unknown session."))
    return session


def get_enrolment(enrolment_id: int, user) -> Enrolment:
    """An enrolment the user may see: their own, their organization's, or any for a coordinator."""
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or not can_see_enrolment(user, enrolment):
        raise NotFound(_("Unknown enrolment."))
    return enrolment


def can_see_enrolment(user, enrolment: Enrolment) -> bool:
    if is_admin(user) or enrolment.user_id == user.id:
        return True
    if is_session_trainer(user, enrolment.session):
        return True
    orgs = permitted_org_ids(user, "training.enrol") or set()
    return enrolment.organization_id in orgs


def get_slot(slot_id: int) -> Slot:
    slot = db.session.get(Slot, slot_id)
    if slot is None:
        raise NotFound(_("Unknown half-day."))
    return slot


def clean_email(value: str | None, field: str = "email") -> str:
    email = (value or "").strip().lower()
    if not EMAIL_RE.match(email) or len(email) > 254:
        raise DomainError(_("Enter a valid e-mail address."), field)
    return email


def clean_text(value: str | None, field: str, required: bool = True, max_length: int = 200) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError(_("This field is required."), field)
    if len(text) > max_length:
        raise DomainError(_("At most %(n)d characters.", n=max_length), field)
    return text
