"""Incubation tests run with the incubation module alone (TEST_ERP_MODULES=all: with everything)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from core.clock import today
from core.db import utcnow
from core.extensions import db


@pytest.fixture
def erp_modules():
    return "incubation"


@dataclass
class World:
    admin: object
    track: object
    host_org: object
    referent: object
    site: object
    holder: object
    project: object
    coach: object
    outsider: object


def pdf_file(name: str = "study.pdf") -> tuple[io.BytesIO, str]:
    return io.BytesIO(b"%PDF-1.4\n% a small test document\n%%EOF\n"), name


def day(offset: int) -> date:
    return today() + timedelta(days=offset)


@pytest.fixture
def make_project(app, make_org, make_user):
    """make_project(status="accepted", track=None): a project org with its holder, at that status."""
    from modules.incubation.models import Project
    from modules.incubation.services.tracks import open_stage

    def factory(status="accepted", track=None, name=None):
        org = make_org(name, kind="project")
        holder = make_user("project_holder", org=org)
        project = Project(
            organization_id=org.id, territory="Vierzon", status=status, track_id=track.id if track else None
        )
        db.session.add(project)
        db.session.flush()
        if status == "accepted" and track is not None:
            project.accepted_at = utcnow()
            open_stage(project, track.stages[0], today())
        db.session.commit()
        return holder, project

    return factory


@pytest.fixture
def world(app, make_org, make_user, make_project) -> World:
    from modules.incubation.models import HostPeriod
    from modules.incubation.services import hosting, tracks

    admin = make_user("network_admin")
    track = tracks.create_track(admin, "Emergence", "From idea to project")
    first = tracks.add_stage(admin, track, "Idea")
    tracks.add_milestone(admin, first, "Market study", "A study", 30)
    tracks.add_milestone(admin, first, "Meet the town", "Minutes", 20)
    second = tracks.add_stage(admin, track, "Set-up")
    tracks.add_milestone(admin, second, "Financing plan", "Budget", 60)
    host_org = make_org("Ressourcerie hôte", address="1 rue du Réemploi, Tours")
    referent = make_user("host_referent", org=host_org)
    site = hosting.save_site(
        admin,
        None,
        organization_id=host_org.id,
        name="La Charpente",
        address="1 rue, Tours",
        capacity=2,
        learnings=["sorting", "shop"],
        description="",
        referent_id=referent.id,
    )
    db.session.add(HostPeriod(host_site_id=site.id, start_date=day(1), end_date=day(120)))
    db.session.commit()
    holder, project = make_project("accepted", track, name="Projet Vierzon")
    coach = make_user("member_staff")
    from modules.incubation.models import Coach

    db.session.add(Coach(project_id=project.id, user_id=coach.id))
    outsider = make_user("member_staff")
    db.session.commit()
    return World(admin, track, host_org, referent, site, holder, project, coach, outsider)
