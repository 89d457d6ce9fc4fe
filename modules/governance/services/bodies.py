"""Bodies, colleges and seats over terms."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from core import audit
from core.accounts.models import Membership, Organization, User
from core.errors import Conflict, DomainError
from core.extensions import db
from modules.governance.models import Body, BodyMember, College
from modules.governance.models.bodies import BODY_KINDS, SEAT_KINDS
from modules.governance.services.common import (
    NAME_LENGTH,
    SHORT_LENGTH,
    TEXT_LENGTH,
    acting_org_ids,
    bounded_text,
    require_manager,
)


def _decimal(value, field: str, low: Decimal, high: Decimal | None = None) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise DomainError(_("Enter a number."), field) from None
    if not number.is_finite() or number < low or (high is not None and number > high):
        raise DomainError(_("This number is out of range."), field)
    return number


def create_body(
    user,
    name: str,
    kind: str,
    seat_kind: str,
    proxy_cap: int = 2,
    notice_days: int = 15,
    quorum_percent=Decimal(50),
    description: str = "",
) -> Body:
    require_manager(user)
    name = bounded_text(name, "name", NAME_LENGTH)
    if not name:
        raise DomainError(_("A name is required."), "name")
    if kind not in BODY_KINDS:
        raise DomainError(_("Unknown kind of body."), "kind")
    if seat_kind not in SEAT_KINDS:
        raise DomainError(_("Members are organizations or persons."), "seat_kind")
    if not isinstance(proxy_cap, int) or not 0 <= proxy_cap <= 50:
        raise DomainError(_("This number is out of range."), "proxy_cap")
    if not isinstance(notice_days, int) or not 0 <= notice_days <= 365:
        raise DomainError(_("This number is out of range."), "notice_days")
    if db.session.scalar(db.select(Body.id).where(Body.name == name)):
        raise Conflict(_("A body with this name already exists."), "name")
    body = Body(
        name=name,
        kind=kind,
        seat_kind=seat_kind,
        proxy_cap=proxy_cap,
        notice_days=notice_days,
        quorum_percent=_decimal(quorum_percent, "quorum_percent", Decimal(0), Decimal(100)),
        description=bounded_text(description, "description", TEXT_LENGTH),
    )
    db.session.add(body)
    db.session.flush()
    audit.record("governance.body.create", "governance_body", body.id, name=name)
    return body


def add_college(user, body: Body, name: str, weight_percent) -> College:
    require_manager(user)
    name = bounded_text(name, "name", SHORT_LENGTH)
    if not name:
        raise DomainError(_("A name is required."), "name")
    if body.seat_kind != "organization":
        raise DomainError(_("Only an assembly of organizations has colleges."), "name")
    percent = _decimal(weight_percent, "weight_percent", Decimal("0.01"), Decimal(100))
    used = sum((c.weight_percent for c in body.colleges), Decimal(0))
    if used + percent > 100:
        raise DomainError(_("The colleges' weights would exceed 100 percent."), "weight_percent")
    if any(c.name == name for c in body.colleges):
        raise Conflict(_("This body already has a college with this name."), "name")
    college = College(body_id=body.id, name=name, weight_percent=percent)
    db.session.add(college)
    db.session.flush()
    db.session.refresh(body)
    audit.record("governance.college.create", "governance_body", body.id, college=name, percent=str(percent))
    return college


def add_member(
    user,
    body: Body,
    *,
    start_date: date,
    organization_id: int | None = None,
    user_id: int | None = None,
    weight=Decimal(1),
    college_id: int | None = None,
    end_date: date | None = None,
    role_title: str = "",
) -> BodyMember:
    require_manager(user)
    if body.seat_kind == "organization":
        if organization_id is None or db.session.get(Organization, organization_id) is None:
            raise DomainError(_("Choose an organization."), "organization_id")
        user_id = None
    else:
        if user_id is None or db.session.get(User, user_id) is None:
            raise DomainError(_("Choose a person."), "user_id")
        organization_id = None
    if end_date is not None and end_date < start_date:
        raise DomainError(_("The term cannot end before it starts."), "end_date")
    if body.colleges and college_id not in {c.id for c in body.colleges}:
        raise DomainError(_("Choose the member's college."), "college_id")
    if not body.colleges:
        college_id = None
    clash = db.select(BodyMember).where(
        BodyMember.body_id == body.id,
        BodyMember.organization_id == organization_id if organization_id else BodyMember.user_id == user_id,
    )
    for other in db.session.scalars(clash):
        if (other.end_date is None or other.end_date >= start_date) and (
            end_date is None or end_date >= other.start_date
        ):
            raise Conflict(_("This member already has a seat in this body over these dates."), "start_date")
    member = BodyMember(
        body_id=body.id,
        organization_id=organization_id,
        user_id=user_id,
        college_id=college_id,
        weight=_decimal(weight, "weight", Decimal("0.000001"), Decimal(1000000)),
        start_date=start_date,
        end_date=end_date,
        role_title=bounded_text(role_title, "role_title", SHORT_LENGTH),
    )
    db.session.add(member)
    db.session.flush()
    audit.record("governance.member.add", "governance_body", body.id, member=member.id)
    return member


def end_term(user, member: BodyMember, end_date: date) -> None:
    require_manager(user)
    if end_date < member.start_date:
        raise DomainError(_("The term cannot end before it starts."), "end_date")
    member.end_date = end_date
    audit.record("governance.member.end", "governance_body", member.body_id, member=member.id)


def active_members(body_id: int, day: date) -> list[BodyMember]:
    stmt = (
        db.select(BodyMember)
        .where(
            BodyMember.body_id == body_id,
            BodyMember.start_date <= day,
            (BodyMember.end_date.is_(None)) | (BodyMember.end_date >= day),
        )
        .order_by(BodyMember.id)
    )
    return list(db.session.scalars(stmt))


def seats_of(user, body_id: int, day: date) -> list[BodyMember]:
    """The seats of the body the user speaks for on that day."""
    orgs = acting_org_ids(user)
    return [
        m
        for m in active_members(body_id, day)
        if (m.user_id == user.id) or (m.organization_id is not None and m.organization_id in orgs)
    ]


def seat_users(members: list[BodyMember]) -> dict[int, list[User]]:
    """Who receives mail for each seat: the person, or the organization's voting representatives."""
    from core.accounts.permissions import all_grants

    roles = set(all_grants().get("governance.vote", ()))
    org_ids = {m.organization_id for m in members if m.organization_id}
    by_org: dict[int, list[User]] = {}
    if org_ids:
        rows = db.session.execute(
            db.select(Membership.organization_id, User)
            .join(User, User.id == Membership.user_id)
            .where(Membership.organization_id.in_(org_ids), Membership.role.in_(roles), User.active)
        )
        for org_id, person in rows:
            if person not in by_org.setdefault(org_id, []):
                by_org[org_id].append(person)
    return {m.id: ([m.user] if m.user_id else by_org.get(m.organization_id, [])) for m in members}
