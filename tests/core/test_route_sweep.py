"""Every URL of the URL map, for anonymous visitors and each role, on the demo network with every
module: never a 500; protected pages send anonymous visitors to the login page (401 on the API);
a role without the permission gets 403; an id that does not exist is a 404."""

import pytest
from werkzeug.routing import IntegerConverter

from core.accounts.permissions import has_permission
from core.demo import DEMO_PASSWORD, email, load_demo
from core.extensions import db

ROLES = ["coordination", "bureau", "gestion", "equipe", "formatrice", "accueil", "porteuse"]
SKIP = {"static", "bootstrap.static"}


def urls(app, ident: int):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP or rule.endpoint.endswith(".static"):
            continue
        values = {}
        for arg, converter in rule._converters.items():
            kind = type(converter).__name__
            if kind == "AnyConverter":
                values[arg] = sorted(converter.items)[0]
            else:
                values[arg] = (
                    ident if isinstance(converter, IntegerConverter) else ("x" * 24 if arg == "token" else "x")
                )
        with app.test_request_context():
            from flask import url_for

            yield rule, url_for(rule.endpoint, **values)


def view_permission(app, rule):
    view = app.view_functions[rule.endpoint]
    return getattr(view, "erp_permission", "no-decorator")


@pytest.fixture
def demo_app(make_app):
    app = make_app(None)
    with app.app_context():
        load_demo()
        db.session.commit()
    return app


def login(app, who):
    """A client logged in as ``who`` for pages, and its bearer token header for the API."""
    client = app.test_client()
    headers = {}
    if who:
        response = client.post("/login", data={"email": email(who), "password": DEMO_PASSWORD})
        assert response.status_code == 302
        with app.app_context():
            from core.accounts.models import User
            from core.api.tokens import create_token

            user = db.session.scalar(db.select(User).where(User.email == email(who)))
            headers = {"Authorization": f"Bearer {create_token(user, 'sweep')[1]}"}
            db.session.commit()
    return client, headers


def test_get_sweep_for_anonymous_and_every_role(demo_app):
    failures = []
    for who in [None] + ROLES:
        client, headers = login(demo_app, who)
        with demo_app.app_context():
            from core.accounts.models import User

            user = db.session.scalar(db.select(User).where(User.email == email(who))) if who else None
            for rule, url in urls(demo_app, 1):
                if "GET" not in rule.methods or rule.endpoint in ("accounts.logout",):
                    continue
                status = client.get(url, headers=headers).status_code
                permission = view_permission(demo_app, rule)
                api = url.startswith("/api/")
                if status >= 500:
                    failures.append(f"{who} GET {url} -> {status}")
                elif who is None and permission != "no-decorator" and status not in ((401,) if api else (302,)):
                    failures.append(f"anonymous GET {url} -> {status}, expected {'401' if api else '302'}")
                elif (
                    user is not None
                    and isinstance(permission, str)
                    and permission != "no-decorator"
                    and not has_permission(user, permission)
                    and status != 403
                ):
                    failures.append(f"{who} GET {url} -> {status}, expected 403 ({permission})")
            db.session.rollback()
    assert failures == []


def test_unknown_ids_are_404_for_the_network_admin(demo_app):
    client, headers = login(demo_app, "coordination")
    failures = []
    for rule, url in urls(demo_app, 987654):
        if "GET" not in rule.methods or not any(isinstance(c, IntegerConverter) for c in rule._converters.values()):
            continue
        status = client.get(url, headers=headers).status_code
        if status != 404:
            failures.append(f"GET {url} -> {status}")
    assert failures == []


def test_post_sweep_with_empty_input_never_fails(demo_app):
    failures = []
    for who in [None, "equipe", "coordination"]:
        client, headers = login(demo_app, who)
        for rule, url in urls(demo_app, 987654):
            if "POST" not in rule.methods or rule.endpoint in ("accounts.logout",):
                continue
            status = client.post(url, data={}, headers=headers if url.startswith("/api/") else {}).status_code
            if status >= 500:
                failures.append(f"{who} POST {url} -> {status}")
    assert failures == []
