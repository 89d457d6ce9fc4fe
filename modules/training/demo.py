"""Demo data: a national-network trainer, three courses, a past session with attendance and
certificates, an upcoming full session with a waiting list, one below its minimum near go/no-go."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from core.clock import from_local, today
from core.extensions import db
from modules.training.models import Slot, TrainingSession
from modules.training.services import attendance, catalogue, enrolment, feedback

PEOPLE = [
    ("tours", "Karim Benali", "equipe@ressourceries.example"),
    ("tours", "Lucie Garnier", "lucie.garnier@tours.example"),
    ("orleans", "Hugo Lambert", "hugo.lambert@orleans.example"),
    ("orleans", "Inès Marchand", "ines.marchand@orleans.example"),
    ("blois", "Camille Roussel", "camille.roussel@blois.example"),
    ("bourges", "Mehdi Saidi", "mehdi.saidi@bourges.example"),
    ("limoges", "Chloé Perrin", "chloe.perrin@limoges.example"),
    ("gueret", "Antoine Faure", "antoine.faure@gueret.example"),
    ("tulle", "Sarah Colin", "sarah.colin@tulle.example"),
    ("brive", "Yanis Robert", "yanis.robert@brive.example"),
    ("vendome", "Manon Blanc", "manon.blanc@vendome.example"),
    ("chartres", "Léo Mercier", "leo.mercier@chartres.example"),
]


def _slots(first_day, days: int) -> list[tuple[datetime, datetime]]:
    slots = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        slots.append((from_local(datetime.combine(day, time(9))), from_local(datetime.combine(day, time(12, 30)))))
        slots.append((from_local(datetime.combine(day, time(13, 30))), from_local(datetime.combine(day, time(17)))))
    return slots


def _session(
    admin,
    demo,
    course,
    trainer,
    host_key: str,
    first_day,
    seats: int,
    minimum: int,
    go_days_before: int,
    cap: int | None = None,
) -> TrainingSession:
    host = demo.members[host_key]
    slots = _slots(first_day, 2)
    return catalogue.create_session(
        admin,
        catalogue.SessionData(
            course_id=course.id,
            trainer_id=trainer.id,
            host_organization_id=host.id,
            payee_organization_id=demo.network.id,
            address=host.address or host.city,
            seats=seats,
            min_participants=minimum,
            go_no_go_at=slots[0][0] - timedelta(days=go_days_before),
            slots=slots,
            cap_per_org=cap,
            costs=Decimal("180.00"),
        ),
    )


def _enrol(admin, demo, session: TrainingSession, people) -> None:
    for key, name, email in people:
        enrolment.enrol(admin, session.id, demo.members[key].id, name, email)


def _move_to_past(session: TrainingSession, days: int) -> None:
    """The past session is created like any other, then set back in time as if weeks had passed."""
    shift = timedelta(days=days)
    for slot in db.session.scalars(db.select(Slot).where(Slot.session_id == session.id)):
        slot.starts_at, slot.ends_at = slot.starts_at - shift, slot.ends_at - shift
    session.go_no_go_at -= shift
    session.starts_at -= shift
    session.ends_at -= shift
    db.session.flush()


def load(demo) -> None:
    admin = demo.users["coordination"]
    trainer = catalogue.save_trainer(
        admin,
        name="Hélène Roux",
        email="formatrice@ressourceries.example",
        user_id=demo.users["formatrice"].id,
        organization_id=demo.partners["national"].id,
        internal=False,
        bio="Formatrice du réseau national depuis 2015 : valorisation, vente, accueil des publics.",
        daily_fee=Decimal("950.00"),
        travel_costs=Decimal("320.00"),
    )
    courses = [
        catalogue.save_course(
            admin,
            title=title,
            duration_hours=Decimal("14"),
            objectives=objectives,
            programme=programme,
            audience="Salariés et bénévoles des ressourceries",
        )
        for title, objectives, programme in [
            (
                "Valoriser le textile",
                "Trier, préparer et mettre en valeur les textiles de réemploi.",
                "Jour 1 : tri et qualité. Jour 2 : mise en rayon et prix.",
            ),
            (
                "Accueillir et conseiller en boutique solidaire",
                "Accueillir tous les publics et conseiller.",
                "Jour 1 : posture d'accueil. Jour 2 : gestion des situations difficiles.",
            ),
            (
                "Sécurité et gestes et postures en atelier",
                "Prévenir les risques en collecte et en atelier.",
                "Jour 1 : manutention. Jour 2 : outillage et équipements.",
            ),
        ]
    ]
    start = today()
    past = _session(admin, demo, courses[0], trainer, "tours", start + timedelta(days=10), 12, 6, 5)
    _enrol(admin, demo, past, PEOPLE[:8])
    _move_to_past(past, 70)
    enrolment.apply_deadlines(past)
    people = attendance.participants(past.id)
    for index, slot in enumerate(past.slots):
        attendance.record_attendance(admin, slot.id, {p.id: not (p == people[-1] and index >= 2) for p in people})
    attendance.issue_certificates(admin, past.id)

    full = _session(admin, demo, courses[1], trainer, "orleans", start + timedelta(days=40), 8, 5, 14, cap=3)
    _enrol(admin, demo, full, PEOPLE[:10])

    low = _session(admin, demo, courses[2], trainer, "limoges", start + timedelta(days=9), 12, 6, 7)
    _enrol(admin, demo, low, PEOPLE[6:9])

    for key, people_count, months, places in [
        ("blois", 3, [3, 4], "Blois, Tours"),
        ("vendome", 2, [4], "Tours"),
        ("chartres", 4, [3, 10], "Chartres, Orléans"),
    ]:
        feedback.register_interest(admin, courses[2].id, demo.members[key].id, people_count, months, places)
    db.session.commit()
