"""The API keeps its contract: schemathesis generates requests for every operation of
/api/v1/openapi.json (valid ones and invalid ones), with a bearer token of each role, on the demo
network so that ids resolve. No answer is a 5xx, every answer matches the schema documented for its
status, and every error is problem+json with a useful detail (naming the field when a value is refused).
"""

from __future__ import annotations

import json
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from core.accounts.models import User
from core.accounts.roles import NETWORK_ADMIN, ROLES
from core.api import PROBLEM_JSON
from core.extensions import db

# Real values for the path parameters of each operation (keyed by its set of parameter names), so
# generated requests reach records rather than 404s; an operation with a new set fails until added.
PATH_VALUES = {
    frozenset({"org_id"}): "SELECT id AS org_id FROM core_organization",
    frozenset({"need_id"}): "SELECT id AS need_id FROM governance_need",
    frozenset({"action_id"}): "SELECT id AS action_id FROM governance_action",
    frozenset({"meeting_id"}): "SELECT id AS meeting_id FROM governance_meeting",
    frozenset({"poll_id"}): "SELECT id AS poll_id FROM governance_poll",
    frozenset({"proxy_id"}): "SELECT id AS proxy_id FROM governance_proxy",
    frozenset({"project_id"}): "SELECT id AS project_id FROM incubation_project",
    frozenset({"project_id", "pm_id"}): "SELECT project_id, id AS pm_id FROM incubation_project_milestone",
    frozenset({"placement_id"}): "SELECT id AS placement_id FROM incubation_placement",
    frozenset({"report_id"}): "SELECT id AS report_id FROM observatory_report",
    frozenset({"equipment_id"}): "SELECT id AS equipment_id FROM pooling_equipment",
    frozenset({"booking_id"}): "SELECT id AS booking_id FROM pooling_booking",
    frozenset({"campaign_id"}): "SELECT id AS campaign_id FROM pooling_campaign",
    frozenset({"session_id"}): "SELECT id AS session_id FROM training_session",
    frozenset({"enrolment_id"}): "SELECT id AS enrolment_id FROM training_enrolment",
    frozenset({"slot_id"}): "SELECT id AS slot_id FROM training_slot",
    frozenset({"code"}): "SELECT code FROM training_certificate",
    frozenset({"invoice_id"}): "SELECT id AS invoice_id FROM finance_invoice",
    frozenset({"transfer_id"}): "SELECT id AS transfer_id FROM finance_transfer",
}
# Generated requests per operation: the network admin reaches every handler's logic with valid and
# invalid input; the other roles mostly meet their refusals, which valid input is enough to reach.
POSITIVE, NEGATIVE = schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE
RUNS = {True: [(POSITIVE, 10), (NEGATIVE, 10)], False: [(POSITIVE, 4)]}


def problem_details(ctx, response, case):
    """Every error is problem+json with a detail; a refused value names its field."""
    if response.status_code < 400:
        return None
    assert response.headers.get("content-type", [""])[0].startswith(PROBLEM_JSON), (
        f"error {response.status_code} is not {PROBLEM_JSON}"
    )
    body = json.loads(response.content)
    assert body["status"] == response.status_code and body["detail"].strip(), "problem without a useful detail"
    if response.status_code in (400, 422) and "errors" in body:  # field (as the client sent it) -> messages
        assert body["errors"] and all(isinstance(m, list) and m for m in body["errors"].values()), body
    return None


CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance, problem_details]


def _path_strategy(operation):
    names = frozenset(p.name for p in operation.path_parameters)
    if not names:
        return st.just({})
    assert names in PATH_VALUES, f"{operation.label}: add real values for {sorted(names)} to PATH_VALUES"
    rows = [dict(r._mapping) for r in db.session.execute(db.text(PATH_VALUES[names]))]
    assert rows, f"{operation.label}: the demo data has no {sorted(names)}"
    return st.sampled_from(rows)


def _fuzz(app, operation, mode, headers, examples, role) -> list[str]:
    failures: list[str] = []
    strategy = _path_strategy(operation).flatmap(
        lambda values: operation.as_strategy(generation_mode=mode, path_parameters=values)
    )

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case):
        db.session.commit()  # each request in its own app context, as in production
        with app.app_context():
            response = case.call(app=app, headers=headers)
        try:
            case.validate_response(response, checks=CHECKS)
        except (AssertionError, BaseExceptionGroup) as error:  # a FailureGroup of every broken check
            failures.append(f"{role}, {mode.value} {case.operation.label}: {str(error)[:1500]}")
            raise

    try:
        run()
    except (AssertionError, BaseExceptionGroup):
        pass  # recorded above; the first failure of each operation is enough to act on
    except Unsatisfiable:
        assert mode == NEGATIVE, operation.label  # nothing in it can be made invalid (no input but ids)
    return failures[:1]


@pytest.fixture
def api_schema(demo, app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def _resolve(spec, node):
    while isinstance(node, dict) and "$ref" in node:
        node = spec["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _unexemplified(spec, schema, where="") -> list[str]:
    """Required properties of a request schema that have no example (nested ones included)."""
    schema = _resolve(spec, schema)
    if schema.get("type") == "array":
        return _unexemplified(spec, schema.get("items", {}), where + "[]")
    missing = []
    for name in schema.get("required", []):
        prop = _resolve(spec, schema["properties"][name])
        if "example" in prop:
            continue
        nested = _resolve(spec, prop.get("items", {})) if prop.get("type") == "array" else prop
        if "properties" in nested:
            missing += _unexemplified(spec, prop, f"{where}.{name}")
        else:
            missing.append(f"{where}.{name}")
    return missing


def test_every_endpoint_is_documented_with_schemas_and_request_examples(api_schema, app):
    spec = api_schema.raw_schema
    documented = {
        (path, method.upper())
        for path, item in spec["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }
    problems = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint.startswith("api-docs."):
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if (path, method) not in documented:
                problems.append(f"{method} {rule.rule} is not in the OpenAPI document")
    for name in app.extensions["erp"].modules:
        if not any(path.startswith(f"/api/v1/{name}/") for path in spec["paths"]):
            problems.append(f"module {name} has no endpoint in the document")
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            success = {code: r for code, r in operation["responses"].items() if code.startswith("2")}
            for code, response in success.items():
                if code != "204" and "schema" not in response.get("content", {}).get("application/json", {}):
                    problems.append(f"{method.upper()} {path}: response {code} has no schema")
            if "default" not in operation["responses"]:
                problems.append(f"{method.upper()} {path}: errors are not documented")
            for media in operation.get("requestBody", {}).get("content", {}).values():
                if "example" not in media:
                    problems += [
                        f"{method.upper()} {path}: no example for {field}"
                        for field in _unexemplified(spec, media["schema"])
                    ]
    assert problems == []
    problem_schema = spec["components"]["responses"]["DEFAULT_ERROR"]["content"][PROBLEM_JSON]["schema"]
    assert set(_resolve(spec, problem_schema)["required"]) == {"type", "title", "status", "detail"}


def test_schemathesis_finds_no_server_error_and_no_schema_break(api_schema, app, demo_user_of_role, api_token):
    failures = []
    for role in sorted(ROLES):
        user = db.session.scalar(db.select(User).where(User.email == demo_user_of_role[role]))
        headers = api_token(user)
        for result in api_schema.get_all_operations():
            operation = result.ok()
            for mode, examples in RUNS[role == NETWORK_ADMIN]:
                failures += _fuzz(app, operation, mode, headers, examples, role)
    assert not failures, "\n\n".join(failures)


def test_ids_beyond_the_database_range_are_refused_not_overflowed(app, client, make_user, api_token, login_as):
    """Found by schemathesis: a huge id overflowed the query (500 on SQLite and PostgreSQL)."""
    huge = 2**64
    headers = api_token(make_user("network_admin"))
    assert client.get(f"/api/v1/pooling/bookings/{huge}", headers=headers).status_code == 404
    refused = client.post(
        "/api/v1/pooling/bookings",
        headers=headers,
        json={"equipment_id": huge, "start": "2030-01-07T09:00:00", "end": "2030-01-07T17:00:00"},
    )
    assert refused.status_code == 422 and list(refused.json["errors"]) == ["equipment_id"]
    login_as(make_user("network_admin"))
    assert client.get(f"/training/sessions/{huge}").status_code == 404
