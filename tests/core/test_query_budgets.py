"""Query budgets: every list page and API list runs the same number of SQL statements whatever
the number of rows (no N+1).

The routes come from the URL map: every GET route without arguments is either measured here
(``LISTS``) or named in ``NOT_LISTS`` with the reason, so a new list route fails this test until
it is covered. A few pages with an id that list children (``NESTED``) are measured too. Each is
rendered, as every person of the test network who may see it, with one unit of data
(tests/builders) and again with three: the statement counts must be equal.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

import pytest

from core.clock import from_local, today
from core.extensions import db
from tests.builders import PASSWORD, build_network
from tests.conftest import EXAMPLE_MODULES, ROOT, IsolatedClient, count_queries

SKIP = {"static", "bootstrap.static"}

NOT_LISTS = {
    "accounts.login": "the login form",
    "accounts.forgot_password": "the password reset form",
    "accounts.profile": "one person's own settings and tokens",
    "core_api.me": "the person calling",
    "web.favicon": "a redirect to a static file",
    "web.ping": "liveness, no database",
    "web.healthz": "a fixed set of checks",
    "web.api_docs": "the OpenAPI description, no database",
    "api-docs.openapi_json": "the OpenAPI description, no database",
    "training.verify": "the certificate check form (one code)",
    "incubation.signup": "the public sign-up form",
    "incubation.home": "a redirect to one's project, the pipeline or the projects (all measured)",
    "finance.index": "a redirect to the statement (measured)",
    "finance.new_round": "the form of a new settlement round",
}


@dataclass
class Spec:
    """How to ask a list: query values (a function of the network) and, for NESTED, the URL's."""

    query: object = field(default_factory=dict)
    values: object = field(default_factory=dict)

    def resolve(self, part, net) -> dict:
        value = getattr(self, part)
        return value(net) if callable(value) else value


def _search_window(api: bool) -> dict:
    """Tomorrow 8:00 to 18:00 (Paris): aware times for the API, the form's wall-clock format for pages."""
    day = today() + timedelta(days=1)
    start, end = datetime.combine(day, time(8)), datetime.combine(day, time(18))
    if api:
        return {"start": from_local(start).isoformat(), "end": from_local(end).isoformat()}
    return {"start": start.strftime("%Y-%m-%dT%H:%M"), "end": end.strftime("%Y-%m-%dT%H:%M")}


def _last_year(_net) -> dict:
    from tests.builders.observatory import YEAR

    return {"year": YEAR}


def _home_usage(net) -> dict:
    return {"organization": net.home.id}


def _finance_period(_net) -> dict:
    return {"start": (today() - timedelta(days=31)).isoformat(), "end": today().isoformat()}


LISTS = {
    # core
    "web.home": Spec(),
    "web.dashboard": Spec(),
    "web.calendar": Spec(),
    "admin.organizations": Spec(),
    "admin.organization": Spec(),
    "admin.users": Spec(),
    "admin.user": Spec(),
    "admin.audit": Spec({"action": "organization.create"}),
    "admin.jobs_page": Spec(),
    "admin.ledger_page": Spec(),
    "admin.modules": Spec(),
    "core_api.list_organizations": Spec(),
    # pooling
    "pooling.search": Spec(lambda net: _search_window(False)),
    "pooling.catalog": Spec(),
    "pooling.bookings": Spec(),
    "pooling.approvals": Spec(),
    "pooling.campaigns": Spec(),
    "pooling.history": Spec(),
    "pooling.history_chart": Spec(),
    "pooling.edit": Spec(),
    "pooling.new_campaign": Spec(),
    "pooling.usage": Spec(_home_usage),
    "pooling.usage_csv": Spec(_home_usage),
    "pooling.usage_chart": Spec(_home_usage),
    "pooling_api.list_bookings": Spec(),
    "pooling_api.list_equipment": Spec(),
    "pooling_api.search_equipment": Spec(lambda net: _search_window(True)),
    "pooling_api.list_campaigns": Spec(),
    # training
    "training.catalogue": Spec(),
    "training.courses": Spec(),
    "training.course_form": Spec(),
    "training.session_new": Spec(),
    "training.trainer_form": Spec(),
    "training.demand": Spec(),
    "training.history": Spec(),
    "training.interest": Spec(),
    "training.report": Spec(lambda net: {"organization_id": net.home.id, "year": net.modules["training"].report_year}),
    "training_api.list_courses": Spec(),
    "training_api.list_sessions": Spec(),
    # incubation
    "incubation.pipeline": Spec(),
    "incubation.pipeline_chart": Spec(),
    "incubation.placements": Spec(),
    "incubation.new_placement": Spec(),
    "incubation.projects": Spec(),
    "incubation.sites": Spec(),
    "incubation.new_site": Spec(),
    "incubation.tracks": Spec(),
    "incubation.visits": Spec(),
    "incubation.new_visit": Spec(),
    "incubation_api.list_placements": Spec(),
    "incubation_api.list_projects": Spec(),
    "incubation_api.list_sites": Spec(),
    "incubation_api.list_tracks": Spec(),
    "incubation_api.list_visits": Spec(),
    # governance
    "governance.index": Spec(),
    "governance.actions": Spec(),
    "governance.bodies": Spec(),
    "governance.needs": Spec(),
    "governance.polls": Spec(),
    "governance_api.list_actions": Spec(),
    "governance_api.list_bodies": Spec(),
    "governance_api.list_meetings": Spec(),
    "governance_api.ranked": Spec(),
    "governance_api.list_polls": Spec(),
    # observatory
    "observatory.index": Spec(),
    "observatory.consent": Spec(),
    "observatory.dashboard": Spec(_last_year),
    "observatory.region": Spec(_last_year),
    "observatory.periods": Spec(),
    "observatory.indicators": Spec(),
    "observatory.public": Spec(_last_year),
    "observatory_api.public_figures": Spec(_last_year),
    "observatory_api.region_figures": Spec(_last_year),
    "observatory_api.list_indicators": Spec(),
    "observatory_api.list_periods": Spec(),
    "observatory_api.list_reports": Spec(),
    # finance
    "finance.statement_page": Spec(),
    "finance.statement_csv": Spec(),
    "finance.statement_pdf": Spec(),
    "finance.invoice_list": Spec(),
    "finance.transfers": Spec(),
    "finance.round_list": Spec(),
    "finance.dashboard_page": Spec(),
    "finance.issuer_settings": Spec(),
    "finance.accounts": Spec(),
    "finance.export_page": Spec(lambda net: {**_finance_period(net), "org": net.home.id, "kind": "fec"}),
    "finance_api.get_statement": Spec(),
    "finance_api.list_invoices": Spec(),
    "finance_api.list_transfers": Spec(),
    "finance_api.list_payments": Spec(),
    "finance_api.list_rounds": Spec(),
    "finance_api.export_fec": Spec(lambda net: {**_finance_period(net), "organization_id": net.home.id}),
    "finance_api.export_paheko": Spec(lambda net: {**_finance_period(net), "organization_id": net.home.id}),
}

NESTED = {  # pages of one record that list its children, which every unit adds to
    "pooling.item": Spec(values=lambda net: {"equipment_id": net.modules["pooling"].van.id}),
    "pooling.campaign": Spec(values=lambda net: {"campaign_id": net.modules["pooling"].campaign.id}),
    "training.session_detail": Spec(values=lambda net: {"session_id": net.modules["training"].session.id}),
    "training_api.enrolments": Spec(values=lambda net: {"session_id": net.modules["training"].session.id}),
    "training_api.waiting_list": Spec(values=lambda net: {"session_id": net.modules["training"].session.id}),
    "incubation.track": Spec(values=lambda net: {"track_id": net.modules["incubation"].track.id}),
    "incubation.project": Spec(values=lambda net: {"project_id": net.modules["incubation"].project.id}),
    "incubation_api.timeline": Spec(values=lambda net: {"project_id": net.modules["incubation"].project.id}),
    "governance.body_detail": Spec(values=lambda net: {"body_id": net.modules["governance"].assembly.id}),
    "observatory.period": Spec(values=lambda net: {"period_id": net.modules["observatory"].shared.id}),
    "observatory.period_csv": Spec(values=lambda net: {"period_id": net.modules["observatory"].shared.id}),
}


def _is_example(app, endpoint: str) -> bool:
    """A route of the tests' example module (loaded too when TEST_ERP_MODULES=all)."""
    return inspect.unwrap(app.view_functions[endpoint]).__code__.co_filename.startswith(EXAMPLE_MODULES)


def list_routes(app) -> list[str]:
    return sorted(
        {
            rule.endpoint
            for rule in app.url_map.iter_rules()
            if "GET" in rule.methods
            and not rule.arguments
            and rule.endpoint not in SKIP
            and not _is_example(app, rule.endpoint)
        }
    )


def product_modules() -> str:
    """Every module of the product (not the example module of the tests)."""
    return ",".join(sorted(p.parent.name for p in (ROOT / "modules").glob("*/__manifest__.py")))


@pytest.fixture
def network_app(make_app):
    """Every module of the product, and the test network with one unit."""
    app = make_app(product_modules())
    with app.app_context():
        net = build_network()
        net.grow(1)
        yield app, net
        db.session.rollback()


def _clients(app, net) -> dict:
    """A logged-in client and a bearer token per person of the network."""
    from core.api.tokens import create_token

    app.test_client_class = IsolatedClient
    clients = {}
    for name, user in net.viewers.items():
        client = app.test_client()
        assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
        headers = {"Authorization": f"Bearer {create_token(user, 'budget')[1]}"}
        db.session.commit()
        clients[name] = (client, headers)
    return clients


def _urls(app, net) -> list[tuple[str, str]]:
    from flask import url_for

    urls = []
    with app.test_request_context():
        for table in (LISTS, NESTED):
            for endpoint, spec in table.items():
                if endpoint in app.view_functions:
                    urls.append(
                        (endpoint, url_for(endpoint, **spec.resolve("values", net), **spec.resolve("query", net)))
                    )
    return urls


def _measure(clients, urls, only=None) -> dict:
    counts = {}
    for endpoint, url in urls:
        for viewer, (client, headers) in clients.items():
            if only is not None and (endpoint, viewer) not in only:
                continue
            # a first request tells who may see the page, and warms what is loaded once per process
            response = client.get(url, headers=headers if url.startswith("/api/") else {})
            if response.status_code != 200:
                assert response.status_code in (302, 401, 403, 404), f"{viewer} GET {url} -> {response.status_code}"
                continue
            with count_queries(db.engine) as counter:
                client.get(url, headers=headers if url.startswith("/api/") else {})
            counts[endpoint, viewer] = (url, counter.statements)
    return counts


def test_every_list_route_is_measured_or_explained(make_app):
    app = make_app(product_modules())
    routes = list_routes(app)
    uncovered = [e for e in routes if e not in LISTS and e not in NOT_LISTS]
    assert uncovered == [], "list routes without a query budget: add them to LISTS or NOT_LISTS"
    builders = ROOT / "tests" / "builders"
    without_rows = [m for m in product_modules().split(",") if not (builders / f"{m}.py").exists()]
    assert without_rows == [], "modules whose lists get no rows: add tests/builders/<module>.py"
    stale = [
        e
        for e in [*LISTS, *NOT_LISTS, *NESTED]
        if e.partition(".")[0] in app.blueprints and e not in app.view_functions
    ]
    assert stale == [], "routes named here that no longer exist"


@pytest.mark.slow
def test_list_queries_do_not_grow_with_rows(network_app):
    app, net = network_app
    clients = _clients(app, net)
    urls = _urls(app, net)
    few = _measure(clients, urls)
    seen = {endpoint for endpoint, _viewer in few}
    assert sorted(e for e, _u in urls if e not in seen) == [], "routes nobody of the network can see"
    net.grow(2)
    many = _measure(clients, urls, only=set(few))
    failures = []
    for key, (url, statements) in sorted(few.items()):
        grown = many[key][1]
        if len(grown) != len(statements):
            extra = sorted(set(grown) - set(statements)) or sorted(
                {s for s in grown if grown.count(s) > statements.count(s)}
            )
            failures.append(
                f"{key[1]} GET {url}: {len(statements)} -> {len(grown)} statements; "
                f"repeated: {[s[:160] for s in extra[:3]]}"
            )
    assert failures == [], "\n".join(failures)
