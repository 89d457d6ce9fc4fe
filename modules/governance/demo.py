"""Demo data: an assembly with weights and two colleges, a board of six and its bureau of three, meetings,
polls and needs."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from core.clock import today
from core.db import utcnow
from core.extensions import db
from modules.governance.services import bodies, meetings, needs, polls, voting

NEEDS = [
    ("A shared box truck with tail lift", 12, 5, 4),
    ("Group purchase of workwear", 9, 3, 3),
    ("Training on electrical appliance repair", 10, 5, 3),
    ("A common till and stock software", 8, 4, 4),
    ("Shared stand for regional fairs", 5, 2, 2),
    ("Baler for cardboard and textiles", 7, 4, 5),
    ("Joint communication campaign", 6, 3, 2),
    ("Pooled accountant for small members", 4, 4, 3),
    ("Safety training for forklift drivers", 7, 4, 4),
    ("Shared warehouse in Orléans", 3, 3, 2),
    ("Regional price guide for second-hand goods", 5, 2, 1),
    ("Volunteer exchange between sites", 4, 2, 2),
]


def _ballots_for(poll, rng: random.Random, share: float = 0.7) -> int:
    """Cast ballots for a share of the seats, each by a person who acts for the seat."""
    from modules.governance.models import BodyMember, PollVoter
    from modules.governance.services.bodies import seat_users

    cast = 0
    voters = list(db.session.scalars(db.select(PollVoter).where(PollVoter.poll_id == poll.id).order_by(PollVoter.id)))
    by_id = {v.id: v for v in voters}
    people = seat_users([db.session.get(BodyMember, v.member_id) for v in voters])
    n = len(poll.options)
    for voter in voters:
        caster = by_id[voter.proxy_holder_id] if voter.proxy_holder_id else voter
        persons = people.get(caster.member_id) or []
        if not persons or rng.random() > share:
            continue
        if poll.method == "yes_no":
            choice = rng.choice(["yes", "yes", "yes", "no", "abstain"])
        elif poll.method == "single":
            choice = rng.randrange(n)
        elif poll.method == "approval":
            choice = rng.sample(range(n), rng.randint(1, poll.max_choices or n))
        elif poll.method == "ranked":
            choice = sorted(range(n), key=lambda o: rng.random() + (0.4 if o == 0 else 0))
        else:
            choice = [min(5, max(0, round(rng.gauss(3 if o == 1 else 2.5, 1.2)))) for o in range(n)]
        voting.cast_ballot(persons[0], poll.id, voter.id, choice)
        cast += 1
    return cast


def load(demo) -> None:
    rng = random.Random(2026)
    admin = demo.users["coordination"]
    now = utcnow()
    start = today() - timedelta(days=400)
    assembly = bodies.create_body(
        admin,
        "Assemblée générale",
        "assembly",
        "organization",
        proxy_cap=2,
        notice_days=15,
        quorum_percent=Decimal(50),
        description="Les structures adhérentes et les partenaires du réseau.",
    )
    members_college = bodies.add_college(admin, assembly, "Structures adhérentes", Decimal(70))
    partners_college = bodies.add_college(admin, assembly, "Partenaires", Decimal(30))
    big = {"tours", "orleans", "limoges"}
    for key, org in demo.members.items():
        bodies.add_member(
            admin,
            assembly,
            organization_id=org.id,
            college_id=members_college.id,
            weight=Decimal(2 if key in big else 1),
            start_date=start,
        )
    for org in demo.partners.values():
        bodies.add_member(admin, assembly, organization_id=org.id, college_id=partners_college.id, start_date=start)
    board = bodies.create_body(
        admin, "Conseil d'administration", "board", "person", proxy_cap=1, notice_days=7, quorum_percent=Decimal(50)
    )
    titles = ["Président", "Trésorière", "Secrétaire", "Vice-présidente", "Administrateur", "Administratrice"]
    for index, key in enumerate(["bureau", "bureau2", "bureau3", "bureau4", "bureau5", "bureau6"]):
        bodies.add_member(admin, board, user_id=demo.users[key].id, start_date=start, role_title=titles[index])
    bureau = bodies.create_body(
        admin,
        "Bureau",
        "board",
        "person",
        proxy_cap=1,
        notice_days=3,
        quorum_percent=Decimal(50),
        description="Le président, la trésorière et le secrétaire : les décisions courantes.",
    )
    for key, title in zip(["bureau", "bureau2", "bureau3"], titles):
        bodies.add_member(admin, bureau, user_id=demo.users[key].id, start_date=start, role_title=title)
    committee = bodies.create_body(
        admin,
        "Comité de pilotage",
        "committee",
        "organization",
        proxy_cap=1,
        notice_days=21,
        quorum_percent=Decimal(34),
    )
    for org in [demo.network, *demo.partners.values()]:
        bodies.add_member(admin, committee, organization_id=org.id, start_date=start)
    db.session.flush()

    # a past general assembly with its minutes
    past = meetings.create_meeting(
        admin,
        assembly,
        "Assemblée générale ordinaire",
        now + timedelta(days=40),
        now + timedelta(days=40, hours=3),
        "hybrid",
        "Salle des fêtes, Orléans",
        "https://visio.example/ag",
    )
    report = meetings.add_agenda_item(admin, past, "Rapport moral et financier")
    meetings.add_agenda_item(admin, past, "Élection du conseil d'administration")
    motion = meetings.add_motion(admin, report, "L'assemblée approuve les comptes de l'exercice.")
    past.starts_at, past.ends_at = now - timedelta(days=60), now - timedelta(days=60) + timedelta(hours=3)
    past.convened_at = now - timedelta(days=80)
    for member in bodies.active_members(assembly.id, today()):
        meetings.record_attendance(admin, past, member.id, "present" if rng.random() < 0.75 else "excused")
    meetings.record_show_of_hands(admin, motion, 11, 1, 2)
    past.minutes_notes = "Séance ouverte à 14 h. Les comptes sont approuvés. Séance levée à 17 h."

    # an upcoming assembly, convened, with proxies
    upcoming = meetings.create_meeting(
        admin,
        assembly,
        "Assemblée générale extraordinaire",
        now + timedelta(days=30),
        now + timedelta(days=30, hours=2),
        "in_person",
        "Ressourcerie La Charpente, Tours",
    )
    meetings.add_agenda_item(admin, upcoming, "Modification des statuts : collège des partenaires")
    meetings.add_agenda_item(admin, upcoming, "Adhésion de nouveaux membres")
    seat = {m.organization_id: m for m in bodies.active_members(assembly.id, today())}
    for grantor, holder, person in [("vendome", "tours", "gestion-vendome"), ("tulle", "limoges", "gestion-tulle")]:
        voting.grant_proxy(
            demo.users[person],
            seat[demo.members[grantor].id].id,
            seat[demo.members[holder].id].id,
            meeting_id=upcoming.id,
        )
    meetings.convene(admin, upcoming.id)

    # an open poll of each method
    opens, closes = now - timedelta(minutes=5), now + timedelta(days=7)
    specs = [
        (board, "yes_no", "Adopter le budget prévisionnel 2027 ?", [], {"rule": "absolute"}),
        (
            assembly,
            "single",
            "Où tenir la prochaine assemblée générale ?",
            ["Tours", "Limoges", "Bourges"],
            {"quorum_kind": "weight", "quorum_percent": Decimal(30)},
        ),
        (
            assembly,
            "approval",
            "Quels équipements mutualiser en priorité ?",
            ["Camion", "Remorque", "Presse à balles", "Stand", "Outillage"],
            {"max_choices": 3},
        ),
        (
            assembly,
            "ranked",
            "Quel nom pour la marque commune ?",
            ["Ressources Centre", "Le Réemploi en partage", "Réseau Boomerang", "Seconde Main Solidaire"],
            {"quorum_kind": "voters", "quorum_percent": Decimal(25)},
        ),
        (
            board,
            "judgment",
            "Quel prestataire pour le logiciel de caisse ?",
            ["Logiciel A", "Logiciel B", "Logiciel C"],
            {"secret": False},
        ),
    ]
    for body, method, question, options, extra in specs:
        poll = polls.create_poll(
            admin,
            body,
            options,
            question=question,
            method=method,
            opens_at=now + timedelta(minutes=1),
            closes_at=closes,
            **extra,
        )
        polls.publish_poll(admin, poll.id)
        poll.opens_at = opens
        polls.advance(poll.id)
        _ballots_for(poll, rng, share=0.5)

    # a closed Schulze poll with its results
    closed = polls.create_poll(
        admin,
        assembly,
        ["Camion partagé", "Formation réparation", "Logiciel commun", "Presse à balles"],
        question="Quel projet commun lancer en premier ?",
        method="ranked",
        quorum_kind="weight",
        quorum_percent=Decimal(50),
        opens_at=now + timedelta(minutes=1),
        closes_at=now + timedelta(hours=1),
    )
    polls.publish_poll(admin, closed.id)
    closed.opens_at = now - timedelta(days=20)
    polls.advance(closed.id)
    _ballots_for(closed, rng, share=0.95)
    closed.closes_at = now - timedelta(days=13)
    polls.advance(closed.id)

    # the shared-needs board
    orgs = list(demo.members.items())
    for index, (title, supporters, importance, urgency) in enumerate(NEEDS):
        key, org = orgs[index % len(orgs)]
        person = next(
            u for u in demo.users.values() if org.id in u.organization_ids and "member_manager" in u.roles_in(org.id)
        )
        need = needs.post_need(person, org.id, title, "", importance, urgency)
        others = [o for o in orgs if o[1].id != org.id]
        for _key, other in rng.sample(others, min(supporters - 1, len(others))):
            manager = next(
                u
                for u in demo.users.values()
                if other.id in u.organization_ids and "member_manager" in u.roles_in(other.id)
            )
            needs.support_need(
                manager,
                need.id,
                other.id,
                max(1, min(5, importance + rng.choice([-1, 0, 0, 1]))),
                max(1, min(5, urgency + rng.choice([-1, 0, 1]))),
            )
    action_need = needs.ranked_needs()[0].need
    action_need.status = "retained"
    needs.create_action(
        admin,
        "Choisir le camion et lancer la consultation",
        demo.users["bureau"].id,
        today() + timedelta(days=45),
        need_id=action_need.id,
    )
    db.session.flush()
