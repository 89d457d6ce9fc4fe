"""The database restarts under load: requests fail cleanly (503 problem+json for the API, an
error page for people), the app recovers without a restart, and no half-written record remains."""

import itertools
import threading
from dataclasses import dataclass, field

import pytest
import requests
from werkzeug.serving import make_server

from core.accounts.models import Organization
from core.audit import AuditEntry
from core.extensions import db
from tests.conftest import PASSWORD
from tests.faults.conftest import wait_until
from tests.faults.servers import PostgresCluster

pytestmark = pytest.mark.slow
WRITERS = 4


@pytest.fixture
def cluster():
    pg = PostgresCluster()
    if not pg.available:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    pg.setup()
    yield pg
    pg.destroy()


@pytest.fixture
def served(make_app, cluster):
    """The app on the test's own cluster, served by a threaded server; its admin's API headers."""
    app = make_app("", install=False, SQLALCHEMY_DATABASE_URI=cluster.url)
    with app.app_context():
        db.create_all()
        from core.accounts import services
        from core.api.tokens import create_token
        from core.modules import mark_all_installed

        mark_all_installed()
        admin = services.create_user("admin@test.example", "Admin", PASSWORD)
        services.grant_role(admin, services.create_organization("Réseau", "network").id, "network_admin")
        headers = {"Authorization": f"Bearer {create_token(admin, 't')[1]}"}
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield app, f"http://127.0.0.1:{server.server_port}", headers
    server.shutdown()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@dataclass
class Load:
    """Writers creating organizations through the API until told to stop; every answer is kept."""

    base: str
    headers: dict
    answers: list = field(default_factory=list)  # (name, status, content type)
    stop: threading.Event = field(default_factory=threading.Event)
    names: itertools.count = field(default_factory=itertools.count)

    def _write(self) -> None:
        while not self.stop.is_set():
            name = f"Org {next(self.names)}"
            response = requests.post(
                f"{self.base}/api/v1/organizations",
                json={"name": name, "kind": "member"},
                headers=self.headers,
                timeout=30,
            )
            self.answers.append((name, response.status_code, response.headers.get("Content-Type")))

    def start(self) -> list[threading.Thread]:
        threads = [threading.Thread(target=self._write, daemon=True) for _ in range(WRITERS)]
        for thread in threads:
            thread.start()
        return threads

    def count(self, status: int, since: int = 0) -> int:
        return sum(1 for _name, code, _type in self.answers[since:] if code == status)


def test_requests_fail_cleanly_under_load_while_the_database_restarts(served, cluster):
    app, base, headers = served
    person = requests.Session()
    assert person.post(f"{base}/login", data={"email": "admin@test.example", "password": PASSWORD}).status_code == 200
    load = Load(base, headers)
    threads = load.start()
    try:
        wait_until(lambda: load.count(201) >= 8, 60, "writes before the outage")
        cluster.stop()
        down = len(load.answers)
        wait_until(lambda: load.count(503, down) >= 8, 60, "writes refused during the outage")
        page = person.get(f"{base}/admin/organizations", timeout=30)
        assert page.status_code == 503 and page.headers["Content-Type"].startswith("text/html")
        health = requests.get(f"{base}/healthz", timeout=30)
        assert health.status_code == 503 and health.json()["database"].startswith("error")
        cluster.start()
        back = len(load.answers)
        wait_until(lambda: load.count(201, back) >= 8, 60, "writes after the restart")  # no app restart
        assert person.get(f"{base}/admin/organizations", timeout=30).status_code == 200
        assert requests.get(f"{base}/healthz", timeout=30).status_code == 200
    finally:
        load.stop.set()
        for thread in threads:
            thread.join(timeout=60)

    assert {status for _name, status, _type in load.answers} == {201, 503}  # never a 500
    assert {kind for _name, status, kind in load.answers if status == 503} == {"application/problem+json"}
    with app.app_context():
        orgs = dict(db.session.execute(db.select(Organization.id, Organization.name)).all())
        created = db.session.scalars(
            db.select(AuditEntry.object_id).where(AuditEntry.action == "organization.create")
        ).all()
    answered = {name for name, status, _type in load.answers if status == 201}
    assert answered <= set(orgs.values()) - {"Réseau"} <= {name for name, _status, _type in load.answers}
    # each creation is one transaction (organization and audit entry): never one without the other
    assert sorted(created) == sorted(str(org_id) for org_id in orgs)
