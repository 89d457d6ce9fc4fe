"""Demo data: two tracks, four host sites, six projects at different stages (one stalled),
placements past and upcoming, validated milestones, journal entries, local-authority visits."""

from __future__ import annotations

from datetime import timedelta

from core.accounts import services as accounts
from core.accounts.roles import PROJECT_HOLDER
from core.clock import day_start, today
from core.demo import DEMO_PASSWORD, email
from core.extensions import db
from modules.incubation.models import (
    AuthorityVisit,
    Coach,
    HostPeriod,
    JournalEntry,
    Placement,
    Project,
    ProjectMilestone,
)
from modules.incubation.services import hosting, tracks

TRACKS = [
    (
        "Émergence",
        "De l'idée au projet : diagnostic du territoire, modèle, montage.",
        [
            (
                "Idée et diagnostic",
                [
                    ("Étude de marché", "Diagnostic des gisements et des besoins du territoire", 60),
                    ("Rencontre des collectivités", "Compte rendu des rencontres avec les élus", 30),
                ],
            ),
            (
                "Montage",
                [
                    ("Plan de financement", "Budget prévisionnel sur trois ans", 60),
                    ("Statuts et gouvernance", "Statuts déposés, composition du bureau", 45),
                ],
            ),
        ],
    ),
    (
        "Création et lancement",
        "Du projet à l'ouverture : local, équipe, ouverture au public.",
        [
            (
                "Installation",
                [
                    ("Local trouvé", "Bail ou convention d'occupation", 90),
                    ("Équipe recrutée", "Organigramme et fiches de poste", 60),
                ],
            ),
            ("Ouverture", [("Ouverture au public", "Date d'ouverture et premier bilan", 30)]),
        ],
    ),
]
SITES = [  # member key, referent key, capacity, learnings
    ("tours", "gestion", 3, ["collection", "sorting", "shop"]),
    ("limoges", "accueil", 2, ["sorting", "repair", "awareness"]),
    ("orleans", "bureau", 2, ["collection", "repair"]),
    ("blois", "bureau3", 1, ["shop", "awareness"]),
]
EXTRA_PROJECTS = [  # key, project name, territory, holder name
    ("issoudun", "Projet de ressourcerie à Issoudun", "Issoudun (Indre)", "Bastien Morel"),
    ("romorantin", "Projet de recyclerie à Romorantin", "Romorantin-Lanthenay (Loir-et-Cher)", "Inès Garnier"),
    ("pithiviers", "Projet de ressourcerie à Pithiviers", "Pithiviers (Loiret)", "Hugo Lambert"),
    ("ussel", "Projet de ressourcerie à Ussel", "Ussel (Corrèze)", "Léa Chevalier"),
]


def load(demo) -> None:
    admin = demo.users["coordination"]
    start = today()
    made = [_track(admin, *spec) for spec in TRACKS]
    sites = [_site(admin, demo, *spec, start) for spec in SITES]
    holders = {"vierzon": demo.users["porteuse"]}
    projects = {
        "vierzon": Project(
            organization_id=demo.projects["vierzon"].id,
            territory="Vierzon (Cher)",
            needs="Trouver un local, former l'équipe au tri",
        ),
        "aubusson": Project(
            organization_id=demo.projects["aubusson"].id,
            territory="Aubusson (Creuse)",
            needs="Étude de gisement, partenariats avec la communauté de communes",
        ),
    }
    holders["aubusson"] = _holder("porteur-aubusson", "Yanis Perrin", demo.projects["aubusson"].id)
    for key, name, territory, person in EXTRA_PROJECTS:
        org = accounts.create_organization(name, "project", city=territory)
        holders[key] = _holder(f"porteur-{key}", person, org.id)
        projects[key] = Project(organization_id=org.id, territory=territory, needs="Accompagnement au montage")
    db.session.add_all(projects.values())
    db.session.flush()
    emergence, creation = made
    _apply(projects["aubusson"], creation, "submitted", start - timedelta(days=5))
    _apply(
        projects["ussel"],
        emergence,
        "needs_info",
        start - timedelta(days=20),
        note="Pouvez-vous préciser la composition de l'équipe ?",
    )
    _accept(projects["vierzon"], emergence, start - timedelta(days=75), validated=1)
    _accept(projects["romorantin"], emergence, start - timedelta(days=400), validated=0)
    _accept(projects["pithiviers"], creation, start - timedelta(days=200), validated=2)
    projects["romorantin"].last_activity_at = day_start(start - timedelta(days=120))
    for key, coaches in (
        ("vierzon", ["gestion", "coordination"]),
        ("romorantin", ["accueil"]),
        ("pithiviers", ["bureau"]),
    ):
        for coach in coaches:
            db.session.add(Coach(project_id=projects[key].id, user_id=demo.users[coach].id))
    _journal(projects, demo)
    _placements(projects, holders, sites, demo, start)
    db.session.add_all(
        [
            AuthorityVisit(
                project_id=projects["vierzon"].id,
                authority="Ville de Vierzon",
                visitors="Adjointe à l'environnement",
                visited_on=start - timedelta(days=30),
                place="Local pressenti, rue de la Gare, Vierzon",
                recorded_by_id=demo.users["gestion"].id,
            ),
            AuthorityVisit(
                host_site_id=sites[1].id,
                project_id=projects["aubusson"].id,
                authority="Communauté de communes Creuse Grand Sud",
                visitors="Vice-président déchets",
                visited_on=start - timedelta(days=12),
                place=sites[1].address,
                recorded_by_id=demo.users["accueil"].id,
            ),
        ]
    )
    db.session.flush()


def _track(admin, name, description, stages):
    track = tracks.create_track(admin, name, description)
    for stage_name, milestones in stages:
        stage = tracks.add_stage(admin, track, stage_name)
        for milestone, deliverables, days in milestones:
            tracks.add_milestone(admin, stage, milestone, deliverables, days)
    return track


def _site(admin, demo, key, referent, capacity, learnings, start):
    org = demo.members[key]
    site = hosting.save_site(
        admin,
        None,
        organization_id=org.id,
        name=org.name,
        address=org.address or org.city,
        capacity=capacity,
        learnings=learnings,
        referent_id=demo.users[referent].id,
        description=f"Accueil en immersion à {org.city}.",
    )
    db.session.add(
        HostPeriod(host_site_id=site.id, start_date=start - timedelta(days=90), end_date=start + timedelta(days=180))
    )
    db.session.flush()
    return site


def _holder(local, name, org_id):
    user = accounts.create_user(email(local), name, DEMO_PASSWORD)
    accounts.grant_role(user, org_id, PROJECT_HOLDER)
    return user


def _apply(project, track, status, day, note=""):
    project.track_id, project.status, project.motivation = track.id, status, "Nous voulons être accompagnés."
    project.applied_at, project.review_note = day_start(day), note
    project.last_activity_at = project.applied_at


def _accept(project, track, day, validated: int):
    """Accepted on ``day``; the first ``validated`` milestones of the track are validated on time."""
    _apply(project, track, "accepted", day - timedelta(days=10))
    project.accepted_at = project.last_activity_at = day_start(day)
    stage_start = day
    for stage in track.stages:
        tracks.open_stage(project, stage, stage_start)
        rows = db.session.scalars(
            db.select(ProjectMilestone).where(
                ProjectMilestone.project_id == project.id,
                ProjectMilestone.milestone_id.in_([m.id for m in stage.milestones]),
            )
        ).all()
        for pm in rows:
            if validated <= 0:
                return
            pm.status, pm.validated_at = "validated", day_start(pm.target_date)
            pm.submitted_at = project.last_activity_at = pm.validated_at
            validated -= 1
        stage_start = max(pm.target_date for pm in rows)
        if stage is track.stages[-1]:
            project.status = "completed"


def _journal(projects, demo):
    for key, author, days, body in (
        ("vierzon", "gestion", 40, "Étude de marché solide ; reste à rencontrer le syndicat de collecte."),
        ("vierzon", "coordination", 10, "Point sur le plan de financement : piste d'un local municipal."),
        ("romorantin", "accueil", 130, "Projet en pause : la porteuse cherche un associé."),
    ):
        db.session.add(
            JournalEntry(
                project_id=projects[key].id,
                author_id=demo.users[author].id,
                written_on=today() - timedelta(days=days),
                body=body,
            )
        )
        projects[key].last_activity_at = max(projects[key].last_activity_at, day_start(today() - timedelta(days=days)))


def _placements(projects, holders, sites, demo, start):
    past = Placement(
        host_site_id=sites[0].id,
        project_id=projects["vierzon"].id,
        holder_id=holders["vierzon"].id,
        requested_by_id=holders["vierzon"].id,
        kind="immersion",
        start_date=start - timedelta(days=45),
        end_date=start - timedelta(days=41),
        status="accepted",
        report="Très impliquée au tri textile et à la boutique.",
    )
    visit = Placement(
        host_site_id=sites[2].id,
        project_id=projects["pithiviers"].id,
        holder_id=holders["pithiviers"].id,
        requested_by_id=holders["pithiviers"].id,
        kind="visit",
        start_date=start - timedelta(days=20),
        end_date=start - timedelta(days=20),
        status="accepted",
    )
    db.session.add_all([past, visit])
    db.session.flush()
    upcoming = hosting.request_placement(
        holders["vierzon"],
        project_id=projects["vierzon"].id,
        host_site_id=sites[1].id,
        kind="immersion",
        start=start + timedelta(days=14),
        end=start + timedelta(days=18),
        message="Découvrir l'atelier réparation.",
    )
    hosting.decide_placement(demo.users["accueil"], upcoming, True, "Bienvenue !")
    hosting.request_placement(
        holders["pithiviers"],
        project_id=projects["pithiviers"].id,
        host_site_id=sites[0].id,
        kind="visit",
        start=start + timedelta(days=7),
        end=None,
        message="Visite de la boutique.",
    )
