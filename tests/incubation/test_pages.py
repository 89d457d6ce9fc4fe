"""Every page for every demo role, on the demo data: no error, the right answer per role."""

from __future__ import annotations

import pytest

from core.demo import DEMO_PASSWORD, load_demo
from core.extensions import db
from modules.incubation.models import HostSite, Placement, Project

PAGES = [
    "/incubation/",
    "/incubation/projects",
    "/incubation/tracks",
    "/incubation/tracks/1",
    "/incubation/sites",
    "/incubation/sites/1",
    "/incubation/placements",
    "/incubation/placements/new",
    "/incubation/visits",
    "/incubation/visits/new",
    "/dashboard",
    "/calendar",
]
# demo account -> pages answering 403 for it
FORBIDDEN = {
    "coordination": set(),
    "porteuse": {"/incubation/pipeline", "/incubation/sites/new"},
    "accueil": {"/incubation/pipeline"},
    "gestion": {"/incubation/pipeline"},
    "equipe": {"/incubation/pipeline", "/incubation/sites/new"},
    "bureau": {"/incubation/pipeline"},
}


@pytest.fixture
def demo(app):
    load_demo()
    db.session.commit()


@pytest.mark.parametrize("account", sorted(FORBIDDEN))
def test_every_page_answers_for_every_role(demo, client, account):
    from core.accounts.models import User
    from tests.conftest import login

    user = db.session.scalar(db.select(User).where(User.email == f"{account}@ressourceries.example"))
    login(client, user, DEMO_PASSWORD)
    for url in PAGES + ["/incubation/pipeline", "/incubation/sites/new", "/incubation/pipeline/chart.svg"]:
        response = client.get(url, follow_redirects=True)
        expected = (
            403
            if url in FORBIDDEN[account] or (url.endswith(".svg") and "/incubation/pipeline" in FORBIDDEN[account])
            else 200
        )
        assert response.status_code == expected, (account, url, response.status_code)
    projects = db.session.scalars(db.select(Project)).all()
    for project in projects:
        code = client.get(f"/incubation/projects/{project.id}").status_code
        assert code in (200, 404)
        if account == "coordination":
            assert code == 200
    for placement in db.session.scalars(db.select(Placement)).all():
        assert client.get(f"/incubation/placements/{placement.id}").status_code in (200, 404)


def test_demo_has_what_the_issue_asks(demo, app):
    from core.accounts.models import User
    from modules.incubation.services.reports import pipeline

    admin = db.session.scalar(db.select(User).where(User.email == "coordination@ressourceries.example"))
    assert db.session.scalar(db.select(db.func.count()).select_from(HostSite)) == 4
    assert db.session.scalar(db.select(db.func.count()).select_from(Project)) == 6
    rows = [row for group in pipeline(admin).values() for row in group]
    assert [row.project.name for row in rows if row.stalled] == ["Projet de recyclerie à Romorantin"]


def test_holder_pages_show_only_their_project(demo, client):
    from core.accounts.models import User
    from tests.conftest import login

    user = db.session.scalar(db.select(User).where(User.email == "porteuse@ressourceries.example"))
    login(client, user, DEMO_PASSWORD)
    page = client.get("/incubation/", follow_redirects=True).get_data(as_text=True)
    assert "Projet de ressourcerie à Vierzon" in page
    listing = client.get("/incubation/projects").get_data(as_text=True)
    assert "Aubusson" not in listing and "Romorantin" not in listing


def test_visitors_find_the_project_sign_up_and_members_do_not(demo, client):
    from core.accounts.models import User
    from tests.conftest import login

    welcome = client.get("/").get_data(as_text=True)
    assert 'href="/incubation/signup"' in welcome and "Créer une ressourcerie" in welcome
    assert 'href="/incubation/signup"' in client.get("/login").get_data(as_text=True)  # in the navbar
    login(client, db.session.scalar(db.select(User).where(User.email == "equipe@ressourceries.example")), DEMO_PASSWORD)
    assert 'href="/incubation/signup"' not in client.get("/dashboard").get_data(as_text=True)
