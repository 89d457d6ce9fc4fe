"""Fixtures of the training tests: a coordinator, member organizations with managers, a trainer,
a course, and a factory of sessions (created through the service, as the coordinator would)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest

from core.accounts.models import Organization
from core.db import utcnow
from core.extensions import db


@pytest.fixture
def erp_modules():
    return "training"


@dataclass
class World:
    coordinator: object
    network: object
    orgs: list
    managers: list
    staff: object
    trainer_user: object
    trainer: object
    course: object


@pytest.fixture
def world(app, make_org, make_user):
    from modules.training.services import catalogue

    coordinator = make_user("network_admin", email="coord@test.example", name="Coordination")
    network = db.session.get(Organization, coordinator.memberships[0].organization_id)
    orgs = [make_org(f"Ressourcerie {c}", address=f"1 rue {c}") for c in "ABCD"]
    # Only the first manager logs in to pages; the others use API tokens (hashing is slow).
    managers = [
        make_user(
            "member_manager",
            org=o,
            email=f"manager{i}@test.example",
            name=f"Manager {i}",
            **({} if i == 0 else {"password": None}),
        )
        for i, o in enumerate(orgs)
    ]
    staff = make_user("member_staff", org=orgs[0], email="staff@test.example", name="Staff A")
    national = make_org("Réseau national", kind="partner")
    trainer_user = make_user("trainer", org=national, email="trainer@test.example", name="Trainer")
    trainer = catalogue.save_trainer(
        coordinator,
        name="Hélène Roux",
        user_id=trainer_user.id,
        organization_id=national.id,
        daily_fee=Decimal("900"),
        travel_costs=Decimal("200"),
    )
    course = catalogue.save_course(coordinator, title="Valoriser le textile", duration_hours=Decimal("14"))
    db.session.commit()
    return World(coordinator, network, orgs, managers, staff, trainer_user, trainer, course)


def half_days(start_in_days: float = 10, count: int = 2):
    """``count`` half-days starting ``start_in_days`` from now (morning and afternoon pairs)."""
    base = (utcnow() + timedelta(days=start_in_days)).replace(hour=8, minute=0, second=0, microsecond=0)
    slots = []
    for i in range(count):
        day = base + timedelta(days=i // 2)
        start = day + timedelta(hours=0 if i % 2 == 0 else 4, minutes=30 * (i % 2))
        slots.append((start, start + timedelta(hours=3, minutes=30)))
    return slots


@pytest.fixture
def make_session(world):
    from modules.training.services import catalogue

    def factory(seats=12, minimum=None, cap=None, start_in_days=10, slots=2, go_days_before=3, **fields):
        times = half_days(start_in_days, slots)
        data = catalogue.SessionData(
            course_id=world.course.id,
            trainer_id=world.trainer.id,
            host_organization_id=world.orgs[0].id,
            payee_organization_id=world.network.id,
            address="1 rue A, Tours",
            seats=seats,
            min_participants=min(2, seats) if minimum is None else minimum,
            go_no_go_at=times[0][0] - timedelta(days=go_days_before),
            slots=times,
            cap_per_org=cap,
            **fields,
        )
        session = catalogue.create_session(world.coordinator, data)
        db.session.commit()
        return session

    return factory


@pytest.fixture
def enrol_many(world):
    from modules.training.services.enrolment import enrol

    def do(session, count, org_index=0, prefix="person"):
        made = []
        for i in range(count):
            org = world.orgs[i % len(world.orgs)] if org_index is None else world.orgs[org_index]
            made.append(enrol(world.coordinator, session.id, org.id, f"{prefix} {i}", f"{prefix}{i}@test.example"))
        db.session.commit()
        return made

    return do


def shift_to_past(session, days: float) -> None:
    """Time passes: move the session (slots, dates) ``days`` back."""
    from modules.training.models import Slot

    delta = timedelta(days=days)
    for slot in db.session.scalars(db.select(Slot).where(Slot.session_id == session.id)):
        slot.starts_at, slot.ends_at = slot.starts_at - delta, slot.ends_at - delta
    session.go_no_go_at -= delta
    session.starts_at -= delta
    session.ends_at -= delta
    db.session.commit()
