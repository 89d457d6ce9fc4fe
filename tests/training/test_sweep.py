"""Every training URL on the demo network, for anonymous visitors and each demo role: never a
500, anonymous visitors sent to log in (401 on the API), 403 without the permission, 404 for
unknown ids, and empty POSTs never fail. (The core sweep does the same with every module.)"""

from __future__ import annotations

import pytest
from werkzeug.routing import Map, Rule

from core.accounts.models import User
from core.accounts.permissions import has_permission
from core.demo import email, load_demo
from core.extensions import db
from tests.core.test_route_sweep import ROLES, login, view_permission

PUBLIC = {"training.verify", "training.certificate_pdf", "training.survey", "training_api.verify_certificate"}


def _training_urls(app, ident):
    """URLs of this module's rules, with the core sweep's values (other modules' rules may need
    values of their own, so the map is rebuilt with ours only)."""
    rules = [
        Rule(r.rule, endpoint=r.endpoint, methods=r.methods)
        for r in app.url_map.iter_rules()
        if r.endpoint.split(".")[0] in ("training", "training_api")
    ]
    adapter = Map(rules).bind("localhost")
    urls = []
    for rule in rules:
        values = {
            arg: ident if type(conv).__name__ == "IntegerConverter" else "x" for arg, conv in rule._converters.items()
        }
        urls.append((rule, adapter.build(rule.endpoint, values)))
    return urls


@pytest.fixture
def demo_app(make_app, erp_modules):
    app = make_app(erp_modules)
    with app.app_context():
        load_demo()
        db.session.commit()
    return app


def test_get_sweep(demo_app):
    failures = []
    for who in [None] + ROLES:
        client, headers = login(demo_app, who)
        with demo_app.app_context():
            user = db.session.scalar(db.select(User).where(User.email == email(who))) if who else None
            for rule, url in _training_urls(demo_app, 1):
                if "GET" not in rule.methods:
                    continue
                status = client.get(url, headers=headers).status_code
                permission = view_permission(demo_app, rule)
                api = url.startswith("/api/")
                if status >= 500:
                    failures.append(f"{who} GET {url} -> {status}")
                elif who is None and rule.endpoint not in PUBLIC and status != (401 if api else 302):
                    failures.append(f"anonymous GET {url} -> {status}")
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


def test_unknown_ids_are_404(demo_app):
    client, headers = login(demo_app, "coordination")
    failures = [
        f"GET {url} -> {status}"
        for rule, url in _training_urls(demo_app, 987654)
        if "GET" in rule.methods
        and any(type(c).__name__ == "IntegerConverter" for c in rule._converters.values())
        and (status := client.get(url, headers=headers).status_code) != 404
    ]
    assert failures == []


def test_empty_posts_never_fail(demo_app):
    failures = []
    for who in [None, "equipe", "gestion", "coordination"]:
        client, headers = login(demo_app, who)
        for ident in (1, 987654):
            for rule, url in _training_urls(demo_app, ident):
                for method in ("POST", "PUT"):
                    if method in rule.methods:
                        status = client.open(
                            url, method=method, data={}, headers=headers if url.startswith("/api/") else {}
                        ).status_code
                        if status >= 500:
                            failures.append(f"{who} {method} {url} -> {status}")
    assert failures == []
