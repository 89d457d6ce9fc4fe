"""Shared fixtures: an app per test on a fresh database (SQLite file, or PostgreSQL when
TEST_DATABASE_URL is set), users and organizations, a live server for concurrent clients, a
real SMTP server, and Redis.

Each test folder picks its modules with an ``erp_modules`` fixture (a module's tests run with that
module alone); TEST_ERP_MODULES=all runs every test with every module loaded.
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, text
from werkzeug.serving import make_server

from core import create_app
from core.extensions import db

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_MODULES = str(ROOT / "tests" / "example_modules")
sys.path.append(EXAMPLE_MODULES)  # the example module is imported by name, like the loader does
PASSWORD = "correct-horse-42"
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1"... under pytest-xdist, "" otherwise


def _worker_database(url: str | None) -> str | None:
    """Under pytest-xdist each worker has its own PostgreSQL database (``<name>_gw0``...), made on first use."""
    if not url or not WORKER:
        return url
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_{WORKER}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


PG_URL = _worker_database(os.environ.get("TEST_DATABASE_URL"))


def _all_module_paths() -> list[str]:
    return [str(ROOT / "modules"), EXAMPLE_MODULES]


def _base_config(url: str, tmp: Path) -> dict:
    return {
        "ERP_ENV": "testing",
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "LOGIN_THROTTLE_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        # scrypt costs ~50 ms a hash; thousands of fixture users would dominate the suite.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "REDIS_URL": None,
        "SMTP_URL": None,
        "UPLOAD_FOLDER": str(tmp / "uploads"),
        "ERP_MODULE_PATHS": _all_module_paths(),
        "PUBLIC_URL": "http://127.0.0.1:5000",
    }


@pytest.fixture(scope="session")
def schema_template(tmp_path_factory):
    """Create the full schema once (every module imported); tests copy or truncate it."""
    tmp = tmp_path_factory.mktemp("schema")
    url = PG_URL or f"sqlite:///{tmp / 'template.sqlite'}"
    app = create_app({**_base_config(url, tmp), "ERP_MODULES": None})
    with app.app_context():
        if PG_URL:
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        db.create_all()
        from core.migration_tools import stamp

        stamp("heads")  # so that installing a module finds its branch already applied
        db.session.remove()
        db.engine.dispose()
    return None if PG_URL else tmp / "template.sqlite"


@pytest.fixture
def database_url(schema_template, tmp_path):
    if PG_URL:
        engine = create_engine(PG_URL)
        with engine.begin() as conn:
            tables = (
                conn.execute(
                    text(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
                    )
                )
                .scalars()
                .all()
            )
            if tables:
                conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        engine.dispose()
        return PG_URL
    target = tmp_path / "erp.sqlite"
    shutil.copy(schema_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def erp_modules():
    """Modules loaded for a test folder; overridden in each module's conftest."""
    return ""


@pytest.fixture
def make_app(database_url, tmp_path):
    apps = []

    def factory(modules: str | None = "", install: bool = True, **config):
        if os.environ.get("TEST_ERP_MODULES") == "all":
            modules = None
        app = create_app({**_base_config(database_url, tmp_path), "ERP_MODULES": modules, **config})
        if install:
            with app.app_context():
                from core.modules import mark_all_installed

                mark_all_installed()
        apps.append(app)
        return app

    yield factory
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app, erp_modules):
    app = make_app(erp_modules)
    with app.app_context():
        yield app
        db.session.rollback()


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context (own ``g``, own session), as in production.

    The test's own transaction is committed first: on SQLite every transaction holds the write
    lock (see core/db.py), and the objects the test holds are reloaded after the request.
    """

    def open(self, *args, **kwargs):
        db.session.commit()
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def make_org(app):
    from core.accounts import services

    counter = iter(range(1, 10_000))

    def factory(name: str | None = None, kind: str = "member", **fields):
        org = services.create_organization(name or f"Ressourcerie {next(counter)}", kind, **fields)
        db.session.commit()
        return org

    return factory


@pytest.fixture
def make_user(app, make_org):
    """make_user(role, org=None): a user holding ``role`` in ``org`` (a new member org by default)."""
    from core.accounts import services

    counter = iter(range(1, 10_000))

    def factory(
        role: str | None = "member_staff",
        org=None,
        email: str | None = None,
        name: str | None = None,
        locale: str = "fr",
        password: str = PASSWORD,
    ):
        n = next(counter)
        user = services.create_user(email or f"user{n}@test.example", name or f"User {n}", password, locale)
        if role:
            if org is None:
                org = make_org(kind="network" if role == "network_admin" else "member")
            services.grant_role(user, org.id, role)
        db.session.commit()
        return user

    return factory


def login(client, user, password: str = PASSWORD):
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


@pytest.fixture
def login_as(client):
    def do(user, password: str = PASSWORD):
        return login(client, user, password)

    return do


@pytest.fixture
def api_token(app):
    """api_token(user) -> headers with a fresh bearer token for that user."""
    from core.api.tokens import create_token

    def make(user):
        _token, plain = create_token(user, "tests")
        db.session.commit()
        return {"Authorization": f"Bearer {plain}"}

    return make


@pytest.fixture
def live_server(app):
    """The app served by a threaded server on a free loopback port, for concurrent clients."""
    db.session.commit()  # release SQLite's write lock before other threads need it
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(app):
    """A real SMTP server (aiosmtpd) on loopback; the app sends to it; messages are collected."""
    from email import message_from_bytes, policy

    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            return "250 OK"

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}"
    yield inbox
    controller.stop()


@pytest.fixture
def redis_url():
    """The machine's Redis (database 15, flushed); skipped with a reason if it is not running."""
    import redis

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    if WORKER:  # one Redis database per xdist worker: 15, 14, ...
        base, _slash, number = url.rpartition("/")
        url = f"{base}/{int(number or 15) - int(WORKER.removeprefix('gw'))}"
    conn = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        conn.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {url}")
    conn.flushdb()
    yield url
    conn.flushdb()


@contextmanager
def count_queries(engine):
    """Count the SQL statements run inside the block: ``with count_queries(db.engine) as q: ...; q.count``."""

    class Counter:
        count = 0
        statements: list[str] = []

    counter = Counter()
    counter.statements = []

    def before(conn, cursor, statement, parameters, context, executemany):
        counter.count += 1
        counter.statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", before)


@pytest.fixture
def query_counter(app):
    return lambda: count_queries(db.engine)
