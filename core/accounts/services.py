"""Accounts rules: creating organizations and users, roles, passwords, reset tokens."""

from __future__ import annotations

import secrets

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from core import audit, signals
from core.accounts.models import Membership, Organization, User
from core.accounts.roles import ORG_KINDS, ROLES
from core.db import utcnow
from core.errors import Conflict, DomainError, NotFound
from core.extensions import db

MIN_PASSWORD = 10


def check_password_rules(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD:
        raise DomainError(_("The password must have at least %(n)d characters.", n=MIN_PASSWORD), field)
    if len(password) > 256:
        raise DomainError(_("The password is too long."), field)
    if password.isdigit() or password.isalpha():
        raise DomainError(_("The password must mix letters with digits or symbols."), field)


def normalize_email(email: str) -> str:
    return email.strip().lower()


def create_organization(name: str, kind: str, **fields) -> Organization:
    if kind not in ORG_KINDS:
        raise DomainError(_("Unknown organization kind."), "kind")
    name = name.strip()
    if not name:
        raise DomainError(_("A name is required."), "name")
    if db.session.scalar(db.select(Organization.id).where(Organization.name == name)):
        raise Conflict(_("An organization with this name already exists."), "name")
    org = Organization(name=name, kind=kind, **fields)
    db.session.add(org)
    db.session.flush()
    audit.record("organization.create", "organization", org.id, name=name, kind=kind)
    signals.organization_created.send(org)
    return org


def update_organization(org: Organization, **fields) -> Organization:
    if "kind" in fields and fields["kind"] not in ORG_KINDS:
        raise DomainError(_("Unknown organization kind."), "kind")
    if "name" in fields:
        fields["name"] = fields["name"].strip()
        clash = db.session.scalar(
            db.select(Organization.id).where(Organization.name == fields["name"], Organization.id != org.id)
        )
        if clash:
            raise Conflict(_("An organization with this name already exists."), "name")
    for key, value in fields.items():
        setattr(org, key, value)
    audit.record("organization.update", "organization", org.id, fields=sorted(fields))
    return org


def create_user(email: str, name: str, password: str | None = None, locale: str = "fr", confirmed: bool = True) -> User:
    email = normalize_email(email)
    if db.session.scalar(db.select(User.id).where(User.email == email)):
        raise Conflict(_("A user with this e-mail already exists."), "email")
    if locale not in ("fr", "en"):
        raise DomainError(_("Unknown language."), "locale")
    user = User(email=email, name=name.strip(), locale=locale, email_confirmed_at=utcnow() if confirmed else None)
    if password is not None:
        check_password_rules(password)
        user.set_password(password)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("A user with this e-mail already exists."), "email") from None
    audit.record("user.create", "user", user.id, email=email)
    signals.user_created.send(user)
    return user


def grant_role(user: User, organization_id: int, role: str) -> Membership:
    if role not in ROLES:
        raise DomainError(_("Unknown role."), "role")
    if db.session.get(Organization, organization_id) is None:
        raise NotFound(_("Unknown organization."), "organization_id")
    existing = db.session.scalar(
        db.select(Membership).filter_by(user_id=user.id, organization_id=organization_id, role=role)
    )
    if existing:
        return existing
    membership = Membership(user_id=user.id, organization_id=organization_id, role=role)
    db.session.add(membership)
    db.session.flush()
    db.session.refresh(user)
    audit.record("membership.grant", "user", user.id, organization_id=organization_id, role=role)
    signals.membership_changed.send(user, organization_id=organization_id, role=role, granted=True)
    return membership


def revoke_role(user: User, membership_id: int) -> None:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.user_id != user.id:
        raise NotFound(_("Unknown membership."))
    org_id, role = membership.organization_id, membership.role
    db.session.delete(membership)
    db.session.flush()
    db.session.refresh(user)
    audit.record("membership.revoke", "user", user.id, organization_id=org_id, role=role)
    signals.membership_changed.send(user, organization_id=org_id, role=role, granted=False)


def authenticate(email: str, password: str) -> User | None:
    user = db.session.scalar(db.select(User).where(User.email == normalize_email(email)))
    if user is None or not user.active or not user.check_password(password):
        audit.record("auth.failure", "user", getattr(user, "id", None), email=normalize_email(email))
        return None
    user.last_login_at = utcnow()
    audit.record("auth.login", "user", user.id, user=user)
    signals.user_logged_in.send(user)
    return user


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def make_token(user: User, purpose: str) -> str:
    # The session version is inside the token, so it dies once the password changes: works once.
    return _serializer(purpose).dumps({"id": user.id, "v": user.session_version})


def read_token(token: str, purpose: str, max_age: int) -> User:
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise DomainError(_("This link has expired. Ask for a new one.")) from None
    except BadSignature:
        raise DomainError(_("This link is not valid.")) from None
    user = db.session.get(User, data.get("id"))
    if user is None or user.session_version != data.get("v") or not user.active:
        raise DomainError(_("This link has already been used or is no longer valid."))
    return user


def request_password_reset(email: str) -> None:
    """Send a reset link if the address is known; say nothing either way (no account probing)."""
    from core import mail

    user = db.session.scalar(db.select(User).where(User.email == normalize_email(email)))
    if user is None or not user.active:
        return
    token = make_token(user, "password-reset")
    mail.send(
        "mail/password_reset.txt", user, token=token, max_age_minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    )
    audit.record("auth.reset_requested", "user", user.id, user=user)


def reset_password(token: str, password: str) -> User:
    user = read_token(token, "password-reset", current_app.config["PASSWORD_RESET_MAX_AGE"])
    check_password_rules(password)
    user.set_password(password)
    audit.record("auth.password_reset", "user", user.id, user=user)
    return user


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current):
        raise DomainError(_("The current password is not correct."), "current_password")
    check_password_rules(new, "new_password")
    user.set_password(new)
    audit.record("auth.password_change", "user", user.id, user=user)


def update_profile(user: User, name: str, locale: str) -> None:
    if locale not in ("fr", "en"):
        raise DomainError(_("Unknown language."), "locale")
    if not name.strip():
        raise DomainError(_("A name is required."), "name")
    user.name, user.locale = name.strip(), locale
    audit.record("user.profile", "user", user.id, user=user)


def logout_everywhere(user: User) -> None:
    user.session_version = secrets.token_hex(8)
