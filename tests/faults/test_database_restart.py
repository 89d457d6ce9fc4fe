"""The database restarts under load: requests fail cleanly (503), the app recovers without a
restart, and no half-written record remains."""
import threading

import pytest
import requests
from werkzeug.serving import make_server

from core.accounts.models import Organization
from core.extensions import db
from tests.faults.servers import PostgresCluster

pytestmark = pytest.mark.slow


@pytest.fixture
def cluster():
    pg = PostgresCluster()
    if not pg.available:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    pg.setup()
    yield pg
    pg.destroy()


def test_requests_fail_cleanly_while_the_database_is_down_and_recover(make_app, cluster, tmp_path):
    app = make_app("", install=False, SQLALCHEMY_DATABASE_URI=cluster.url)
    with app.app_context():
        db.create_all()
        from core.accounts import services
        from core.api.tokens import create_token
        from core.modules import mark_all_installed

        mark_all_installed()
        admin = services.create_user("admin@test.example", "Admin", "correct-horse-42")
        services.grant_role(admin, services.create_organization("Réseau", "network").id, "network_admin")
        headers = {"Authorization": f"Bearer {create_token(admin, 't')[1]}"}
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        def create(n):
            return requests.post(f"{base}/api/v1/organizations", json={"name": f"Org {n}", "kind": "member"},
                                 headers=headers, timeout=30)

        assert create(0).status_code == 201
        cluster.stop()
        down = [create(n) for n in range(1, 4)]
        assert {r.status_code for r in down} == {503}
        assert all(r.headers["Content-Type"] == "application/problem+json" for r in down)
        page = requests.get(f"{base}/healthz", timeout=30)
        assert page.status_code == 503 and page.json()["database"].startswith("error")
        cluster.start()
        assert create(4).status_code == 201  # recovered without restarting the app
        assert requests.get(f"{base}/healthz", timeout=30).status_code == 200
    finally:
        server.shutdown()
    with app.app_context():
        names = set(db.session.scalars(db.select(Organization.name)))
        assert names == {"Réseau", "Org 0", "Org 4"}  # nothing half-written during the outage
        db.session.remove()
        db.engine.dispose()
