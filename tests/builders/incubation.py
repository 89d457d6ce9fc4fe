"""Incubation rows of a unit: a host site at the unit, a project on the track (coached by the
home manager, hosted at home) and an application under review, the home project hosted at the
unit's site (both placements accepted), a local authority's visit, a milestone of the shared
track, and a track of its own."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from core.accounts import services as accounts
from core.accounts.roles import PROJECT_HOLDER
from core.clock import today
from core.db import utcnow
from core.extensions import db
from modules.incubation.models import Coach, HostPeriod, JournalEntry, Project
from modules.incubation.services import hosting, tracks, visits
from tests.builders import person


def _site(net, org, referent, capacity: int):
    site = hosting.save_site(
        net.admin,
        None,
        organization_id=org.id,
        name=f"Site {org.name}",
        address=org.address,
        capacity=capacity,
        learnings=["sorting", "shop"],
        description="",
        referent_id=referent.id,
    )
    db.session.add(
        HostPeriod(
            host_site_id=site.id, start_date=today() - timedelta(days=30), end_date=today() + timedelta(days=200)
        )
    )
    db.session.flush()
    return site


def _project(org, track, status: str = "accepted") -> Project:
    project = Project(
        organization_id=org.id,
        territory=org.city or "",
        status=status,
        track_id=track.id,
        applied_at=utcnow(),
        motivation="Être accompagnés",
    )
    db.session.add(project)
    db.session.flush()
    if status == "accepted":
        project.accepted_at = utcnow()
        tracks.open_stage(project, track.stages[0], today())
    return project


def prepare(net):
    track = tracks.create_track(net.admin, "Émergence", "De l'idée au projet")
    for stage_name in ("Idée", "Montage"):
        stage = tracks.add_stage(net.admin, track, stage_name)
        for n in (1, 2):
            tracks.add_milestone(net.admin, stage, f"{stage_name} {n}", "Un document", 30 * n)
    return SimpleNamespace(
        track=track, site=_site(net, net.home, net.referent, 100), project=_project(net.project_org, track)
    )


def add(net, unit) -> None:
    own, i = net.modules["incubation"], unit.index
    site = _site(net, unit.org, unit.manager, 2)
    org = accounts.create_organization(f"Projet unité {i}", "project", city=f"Ville {i}")
    holder = person(f"holder{i}", f"Porteuse {i}", org, PROJECT_HOLDER)
    project = _project(org, own.track)
    db.session.add(Coach(project_id=project.id, user_id=net.manager.id))
    db.session.add(JournalEntry(project_id=project.id, author_id=net.manager.id, written_on=today(), body=f"Point {i}"))
    applicant = accounts.create_organization(f"Candidature unité {i}", "project", city=f"Ville {i}")
    person(f"applicant{i}", f"Candidate {i}", applicant, PROJECT_HOLDER)
    _project(applicant, own.track, "submitted")
    hosted = hosting.request_placement(
        holder,
        project_id=project.id,
        host_site_id=own.site.id,
        kind="visit",
        start=today() + timedelta(days=5),
        end=None,
    )
    hosting.decide_placement(net.referent, hosted, True)
    start = today() + timedelta(days=2 * i + 2)  # within the fortnight the dashboard shows
    visiting = hosting.request_placement(
        net.holder,
        project_id=own.project.id,
        host_site_id=site.id,
        kind="immersion",
        start=start,
        end=start + timedelta(days=1),
    )
    hosting.decide_placement(unit.manager, visiting, True)
    tracks.add_milestone(net.admin, own.track.stages[0], f"Jalon commun {i}", "", 10 + i)
    other = tracks.create_track(net.admin, f"Parcours {i}", "")
    tracks.add_milestone(net.admin, tracks.add_stage(net.admin, other, f"Étape {i}"), f"Jalon {i}", "", 30)
    visits.record_visit(
        net.admin,
        authority=f"Commune {i}",
        visitors="Le maire",
        visited_on=today(),
        place=f"Mairie {i}",
        project_id=project.id,
    )
