"""Incubation at scale: tracks, host sites with their offer, projects (each with its own project
organization and holder), milestones, coaches, placements, journals and authority visits.

A holder's placements follow each other without overlapping, and every placement is counted
against its site's capacity for each of its days before it is kept, so no day is over capacity.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from core.accounts.models import Organization
from core.clock import local
from modules.incubation.models import (
    LEARNINGS,
    AuthorityVisit,
    Coach,
    HostPeriod,
    HostSite,
    JournalEntry,
    Milestone,
    Placement,
    Project,
    ProjectMilestone,
    Stage,
    Track,
)

TRACKS = ("Parcours création", "Parcours consolidation")
STAGES = ("Émergence", "Étude de faisabilité", "Montage", "Lancement")
PLACEMENTS_PER_PROJECT = 3


def _tracks(net) -> list[list[list[tuple[int, int]]]]:
    """Per track, per stage, the (milestone id, target days) in order."""
    bulk, rng = net.bulk, net.rng("incubation-tracks")
    track_ids = list(bulk.next_ids(Track, len(TRACKS)))
    bulk.insert(
        Track,
        ("id", "name", "description", "active", "created_at", "updated_at"),
        ((t, name, "", True, net.now, net.now) for t, name in zip(track_ids, TRACKS)),
    )
    stages, milestones, layout = [], [], []
    for track_id in track_ids:
        track_layout = []
        for position, (stage_id, name) in enumerate(zip(bulk.next_ids(Stage, len(STAGES)), STAGES), start=1):
            stages.append((stage_id, track_id, position, name))
            stage_layout = []
            for number, milestone_id in enumerate(bulk.next_ids(Milestone, 3), start=1):
                days = rng.choice((30, 45, 60, 90))
                milestones.append((milestone_id, stage_id, number, f"Jalon {position}.{number}", "", days))
                stage_layout.append((milestone_id, days, stage_id))
            track_layout.append(stage_layout)
        layout.append((track_id, track_layout))
    bulk.insert(Stage, ("id", "track_id", "position", "name"), stages)
    bulk.insert(Milestone, ("id", "stage_id", "position", "name", "deliverables", "target_days"), milestones)
    return layout


def _sites(net, rng, today) -> list[tuple[int, int, int]]:
    """(site id, capacity, referent) of host sites open from three years ago to next year."""
    orgs = rng.sample(net.members, min(net.sizes["host_sites"], len(net.members)))
    sites = [
        (site_id, org, rng.randint(2, 6), net.managers[org][0])
        for site_id, org in zip(net.bulk.next_ids(HostSite, len(orgs)), orgs)
    ]
    net.bulk.insert(
        HostSite,
        (
            "id",
            "organization_id",
            "name",
            "address",
            "capacity",
            "learnings",
            "description",
            "referent_id",
            "active",
            "created_at",
            "updated_at",
        ),
        (
            (
                s,
                org,
                f"Site d'accueil bench {s}",
                f"{s} chemin de l'Accueil",
                capacity,
                ",".join(rng.sample(LEARNINGS, 3)),
                "",
                referent,
                True,
                net.now,
                net.now,
            )
            for s, org, capacity, referent in sites
        ),
    )
    net.bulk.insert(
        HostPeriod,
        ("id", "host_site_id", "start_date", "end_date"),
        (
            (p, s[0], today - timedelta(days=3 * 365), today + timedelta(days=365))
            for p, s in zip(net.bulk.next_ids(HostPeriod, len(sites)), sites)
        ),
    )
    return [(s, capacity, referent) for s, _org, capacity, referent in sites]


def _placements(net, rng, project_id, holder, sites, used, start) -> list[tuple]:
    """A holder's placements from ``start`` on, one after the other, within each site's capacity."""
    rows, today = [], local(net.now).date()
    day = start
    for _n in range(PLACEMENTS_PER_PROJECT):
        kind = rng.choice(("immersion", "immersion", "visit"))
        length = 1 if kind == "visit" else rng.choice((3, 5, 10))
        people = rng.choice((1, 1, 2))
        for site_id, capacity, _referent in rng.sample(sites, len(sites)):
            days = [day + timedelta(days=d) for d in range(length)]
            if all(used[site_id, d] + people <= capacity for d in days):
                break
        else:
            day += timedelta(days=length + 1)
            continue
        for d in days:
            used[site_id, d] += people
        end = days[-1]
        if end < today:
            status = rng.choices(("accepted", "declined", "cancelled"), (80, 10, 10))[0]
        else:
            status = rng.choice(("requested", "accepted"))
        rows.append(
            (
                site_id,
                project_id,
                holder,
                holder,
                kind,
                day,
                end,
                people,
                status,
                "Rapport de stage : accueil réussi." if status == "accepted" and end < today else "",
            )
        )
        day = end + timedelta(days=rng.randint(7, 60))
    return rows


def generate(net) -> None:
    rng, bulk, now = net.rng("incubation"), net.bulk, net.now
    today = local(now).date()
    layout = _tracks(net)
    sites = _sites(net, rng, today)
    count = net.sizes["projects"]
    org_ids = list(bulk.next_ids(Organization, count))
    bulk.insert(
        Organization,
        ("id", "name", "kind", "city", "latitude", "longitude", "active", "created_at", "updated_at"),
        (
            (
                org,
                f"Projet de ressourcerie bench {n:04d}",
                "project",
                f"Ville {n % 400}",
                *net.coords[net.members[n % len(net.members)]],
                True,
                now,
                now,
            )
            for n, org in enumerate(org_ids)
        ),
    )
    staff = [u for users in net.staff.values() for u in users]
    holders = rng.sample(staff, count)
    net.grant([(holder, org, "project_holder") for holder, org in zip(holders, org_ids)])
    coaches_pool = [u for users in net.managers.values() for u in users]
    projects, coaches, milestones, placements, journal, visits = [], [], [], [], [], []
    used = Counter()
    for n, (project_id, org, holder) in enumerate(zip(bulk.next_ids(Project, count), org_ids, holders)):
        status = rng.choices(
            ("draft", "submitted", "needs_info", "accepted", "refused", "completed"), (10, 10, 5, 55, 10, 10)
        )[0]
        applied = now - timedelta(days=rng.randrange(30, 900))
        track_id, stages = layout[n % len(layout)] if status in ("accepted", "completed") else (None, None)
        stage_index = len(stages) - 1 if status == "completed" else rng.randrange(len(stages)) if stages else None
        accepted = applied + timedelta(days=20) if stages else None
        projects.append(
            (
                project_id,
                org,
                f"Territoire {n % 90}",
                "Projet bench",
                status,
                track_id,
                stages[stage_index][0][2] if stages else None,
                "Créer une ressourcerie de territoire.",
                applied if status != "draft" else None,
                accepted,
                local(accepted).date() if accepted else None,
                applied + timedelta(days=25),
                applied,
                applied + timedelta(days=25),
            )
        )
        if not stages:
            continue
        mentors = rng.sample(coaches_pool, 2)
        coaches += [(project_id, m) for m in mentors]
        target = local(accepted).date()
        for position, stage in enumerate(stages):
            for milestone_id, days, _stage_id in stage:
                target += timedelta(days=days)
                done = position < stage_index or status == "completed"
                state = (
                    "validated"
                    if done
                    else ("submitted" if position == stage_index and rng.random() < 0.3 else "pending")
                )
                milestones.append(
                    (
                        project_id,
                        milestone_id,
                        state,
                        target,
                        min(accepted + timedelta(days=days), now) if state != "pending" else None,
                        min(accepted + timedelta(days=days + 5), now) if done else None,
                        mentors[0] if done else None,
                    )
                )
        placements += _placements(
            net, rng, project_id, holder, sites, used, local(accepted).date() + timedelta(days=rng.randint(10, 60))
        )
        journal += [
            (
                project_id,
                mentors[k % 2],
                min(local(accepted).date() + timedelta(days=30 * k), today),
                "Point d'étape.",
                min(accepted + timedelta(days=30 * k), now),
            )
            for k in range(3)
        ]
        if n % 5 == 0:
            visits.append(
                (
                    project_id,
                    None,
                    "Communauté de communes",
                    "Élus",
                    today - timedelta(days=rng.randrange(1, 300)),
                    "Site du projet",
                    "",
                    mentors[0],
                    now,
                    now,
                )
            )
    bulk.insert(
        Project,
        (
            "id",
            "organization_id",
            "territory",
            "maturity",
            "status",
            "track_id",
            "stage_id",
            "motivation",
            "applied_at",
            "accepted_at",
            "stage_started_on",
            "last_activity_at",
            "created_at",
            "updated_at",
        ),
        projects,
    )
    bulk.insert(
        Coach,
        ("id", "project_id", "user_id"),
        ((i, *row) for i, row in zip(bulk.next_ids(Coach, len(coaches)), coaches)),
    )
    bulk.insert(
        ProjectMilestone,
        (
            "id",
            "project_id",
            "milestone_id",
            "status",
            "target_date",
            "submitted_at",
            "validated_at",
            "validated_by_id",
        ),
        ((i, *row) for i, row in zip(bulk.next_ids(ProjectMilestone, len(milestones)), milestones)),
    )
    bulk.insert(
        Placement,
        (
            "id",
            "host_site_id",
            "project_id",
            "holder_id",
            "requested_by_id",
            "kind",
            "start_date",
            "end_date",
            "people",
            "status",
            "report",
            "created_at",
            "updated_at",
        ),
        ((i, *row, now, now) for i, row in zip(bulk.next_ids(Placement, len(placements)), placements)),
    )
    bulk.insert(
        JournalEntry,
        ("id", "project_id", "author_id", "written_on", "body", "created_at"),
        ((i, *row) for i, row in zip(bulk.next_ids(JournalEntry, len(journal)), journal)),
    )
    bulk.insert(
        AuthorityVisit,
        (
            "id",
            "project_id",
            "host_site_id",
            "authority",
            "visitors",
            "visited_on",
            "place",
            "notes",
            "recorded_by_id",
            "created_at",
            "updated_at",
        ),
        ((i, *row) for i, row in zip(bulk.next_ids(AuthorityVisit, len(visits)), visits)),
    )
