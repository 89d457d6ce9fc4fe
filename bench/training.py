"""Training at scale: trainers, courses, sessions over half-days, enrolments with waiting lists,
attendance, certificates and the fee split posted to the ledger.

Per session, people are enrolled in arrival order (ids): the first ones up to the seats hold a
seat, the later ones wait in line, so the FIFO order is never skipped; the per-organization cap
counts the waiting list too; nobody is enrolled twice in one session.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time, timedelta
from decimal import Decimal

from core.clock import from_local, local
from core.ledger import Charge
from core.money import allocate
from modules.training.models import (
    CANCELLED,
    CONFIRMED,
    DROPPED,
    ENROLLED,
    FIXED,
    PLANNED,
    SESSION_CANCELLED,
    SPLIT,
    WAITING,
    Attendance,
    Certificate,
    Course,
    Enrolment,
    Slot,
    Trainer,
    TrainingSession,
)

HALF_DAYS = ((time(9), time(12, 30)), (time(13, 30), time(17)))
PAST_DAYS = 5 * 365
FUTURE_DAYS = 180
SESSION_COLUMNS = (
    "id",
    "course_id",
    "trainer_id",
    "host_organization_id",
    "payee_organization_id",
    "address",
    "seats",
    "min_participants",
    "cap_per_org",
    "go_no_go_at",
    "price_model",
    "trainer_fee",
    "costs",
    "fixed_price",
    "offer_hours",
    "status",
    "starts_at",
    "ends_at",
    "decided_at",
    "cancel_reason",
    "created_at",
    "updated_at",
)
ENROLMENT_COLUMNS = (
    "id",
    "session_id",
    "organization_id",
    "user_id",
    "name",
    "email",
    "volunteer",
    "status",
    "created_at",
    "enrolled_at",
    "ended_at",
    "created_by_id",
    "convocation_sent_at",
    "survey_token",
)


def _people(net, rng) -> tuple[list[int], list[int]]:
    """Trainers (a third of them with an account) and courses."""
    trainer_ids = list(net.bulk.next_ids(Trainer, net.sizes["trainers"]))
    staff = [u for users in net.staff.values() for u in users]
    accounts = rng.sample(staff, min(len(staff), len(trainer_ids) // 3))
    net.grant([(user, net.network_id, "trainer") for user in accounts])
    now = net.now
    net.bulk.insert(
        Trainer,
        (
            "id",
            "name",
            "email",
            "user_id",
            "organization_id",
            "internal",
            "daily_fee",
            "travel_costs",
            "active",
            "created_at",
            "updated_at",
        ),
        (
            (
                t,
                f"Formatrice bench {n}",
                f"formation{n}@bench.example",
                accounts[n] if n < len(accounts) else None,
                net.network_id,
                n % 4 == 0,
                Decimal(rng.randrange(400, 1200)),
                Decimal(rng.randrange(0, 400)),
                True,
                now,
                now,
            )
            for n, t in enumerate(trainer_ids)
        ),
    )
    course_ids = list(net.bulk.next_ids(Course, net.sizes["courses"]))
    net.bulk.insert(
        Course,
        ("id", "title", "objectives", "duration_hours", "active", "created_at", "updated_at"),
        (
            (c, f"Formation bench {n:03d}", "Savoir-faire du réemploi", Decimal(7 * rng.randint(1, 3)), True, now, now)
            for n, c in enumerate(course_ids)
        ),
    )
    return trainer_ids, course_ids


def _counts(total: int, parts: int, rng) -> list[int]:
    """``parts`` sizes around the mean that add up to ``total`` exactly."""
    mean = total / parts
    sizes = [max(1, round(mean * rng.uniform(0.5, 1.5))) for _ in range(parts)]
    diff = total - sum(sizes)
    index = 0
    while diff:
        step = 1 if diff > 0 else -1
        if sizes[index % parts] + step >= 1:
            sizes[index % parts] += step
            diff -= step
        index += 1
    return sizes


def generate(net) -> None:
    rng, bulk, now = net.rng("training"), net.bulk, net.now
    trainer_ids, course_ids = _people(net, rng)
    session_ids = list(bulk.next_ids(TrainingSession, net.sizes["sessions"]))
    sizes = _counts(net.sizes["enrolments"], len(session_ids), rng)
    enrolment_ids = iter(bulk.next_ids(Enrolment, net.sizes["enrolments"]))
    today = local(now).date()
    sessions, slots, enrolments, attendance, certificates, charges = [], [], [], [], [], []
    for n, (session_id, size) in enumerate(zip(session_ids, sizes)):
        first_day = today + timedelta(
            days=rng.randrange(20, FUTURE_DAYS) if n % 10 == 0 else rng.randrange(-PAST_DAYS, 20)
        )
        half_days = rng.randint(2, 4)
        periods = [
            (
                from_local(datetime.combine(first_day + timedelta(days=h // 2), HALF_DAYS[h % 2][0])),
                from_local(datetime.combine(first_day + timedelta(days=h // 2), HALF_DAYS[h % 2][1])),
            )
            for h in range(half_days)
        ]
        slot_ids = list(bulk.next_ids(Slot, half_days))
        slots += [(s, session_id, start, end) for s, (start, end) in zip(slot_ids, periods)]
        starts, ends = periods[0][0], periods[-1][1]
        go_no_go = starts - timedelta(days=14)
        status = PLANNED if go_no_go > now else (SESSION_CANCELLED if rng.random() < 0.15 else CONFIRMED)
        decided = go_no_go if status != PLANNED else None
        seats = rng.randint(12, 40)
        cap = rng.randint(2, 4) if rng.random() < 0.3 else None
        if cap is not None and cap * len(net.members) < 2 * size:
            cap = None  # too few organizations to fill the session within a cap
        fixed_price = Decimal(rng.randrange(150, 400)) if rng.random() < 0.2 else None
        opened = min(go_no_go - timedelta(days=60), now - timedelta(days=2))
        trainer_fee = Decimal(rng.randrange(400, 1200)) * ((half_days + 1) // 2)
        costs = Decimal(rng.randrange(0, 400))
        sessions.append(
            (
                session_id,
                rng.choice(course_ids),
                rng.choice(trainer_ids),
                rng.choice(net.members),
                net.network_id,
                "Salle de formation bench",
                seats,
                min(seats, rng.randint(4, 8)),
                cap,
                go_no_go,
                FIXED if fixed_price else SPLIT,
                trainer_fee,
                costs,
                fixed_price,
                48,
                status,
                starts,
                ends,
                decided,
                "Formatrice indisponible" if status == SESSION_CANCELLED else None,
                opened,
                decided or opened,
            )
        )
        held, per_org, seen = [], Counter(), set()
        for position in range(size):
            org = rng.choice(net.members)
            while cap is not None and per_org[org] >= cap:
                org = rng.choice(net.members)
            people = [u for u in net.managers[org] + net.staff.get(org, []) if u not in seen] or [
                u for u in net.people if u not in seen
            ]
            user = rng.choice(people)
            seen.add(user)
            created = opened + timedelta(days=1, minutes=position)
            if rng.random() < 0.15:
                state, ended = CANCELLED, created + timedelta(days=2)
            else:
                per_org[org] += 1
                state = ENROLLED if len(held) < seats else WAITING
                ended = None
                if status == SESSION_CANCELLED:
                    state, ended = DROPPED, decided
            enrolment_id = next(enrolment_ids)
            if state == ENROLLED:
                held.append((enrolment_id, org))
            name, email = net.people[user]
            enrolments.append(
                (
                    enrolment_id,
                    session_id,
                    org,
                    user,
                    name,
                    email,
                    False,
                    state,
                    created,
                    created if state == ENROLLED else None,
                    ended,
                    rng.choice(net.managers[org]),
                    decided if state == ENROLLED and status == CONFIRMED else None,
                    f"{rng.getrandbits(128):032x}",
                )
            )
        if status != CONFIRMED:
            continue
        counts = Counter(org for _e, org in held)
        orgs = sorted(counts)
        amounts = (
            [fixed_price * counts[o] for o in orgs]
            if fixed_price
            else allocate(trainer_fee + costs, [counts[o] for o in orgs])
        )
        charges += [
            (
                org,
                net.network_id,
                amount,
                f"Formation : session {session_id}",
                f"training.session:{session_id}",
                False,
                decided,
            )
            for org, amount in zip(orgs, amounts)
            if amount > 0
        ]
        if ends > now:
            continue
        hours = sum((Decimal((end - start).total_seconds()) / 3600 for start, end in periods), Decimal(0))
        for enrolment_id, _org in held:
            marks = [rng.random() < 0.92 for _slot in slot_ids]
            attendance += [(enrolment_id, slot, present, ends) for slot, present in zip(slot_ids, marks)]
            if all(marks):
                certificates.append((enrolment_id, f"{rng.getrandbits(80):020x}", hours, ends + timedelta(days=1)))
    bulk.insert(TrainingSession, SESSION_COLUMNS, sessions)
    bulk.insert(Slot, ("id", "session_id", "starts_at", "ends_at"), slots)
    bulk.insert(Enrolment, ENROLMENT_COLUMNS, enrolments)
    bulk.insert(
        Attendance,
        ("id", "enrolment_id", "slot_id", "present", "marked_at"),
        ((i, *row) for i, row in zip(bulk.next_ids(Attendance, len(attendance)), attendance)),
    )
    bulk.insert(
        Certificate,
        ("id", "enrolment_id", "code", "hours", "issued_at"),
        ((i, *row) for i, row in zip(bulk.next_ids(Certificate, len(certificates)), certificates)),
    )
    bulk.insert(
        Charge,
        ("id", "debtor_id", "creditor_id", "amount", "reason", "source", "released", "created_at"),
        ((i, *row) for i, row in zip(bulk.next_ids(Charge, len(charges)), charges)),
    )
