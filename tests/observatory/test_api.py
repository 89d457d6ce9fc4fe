"""/api/v1/observatory: the same rules as the pages, errors as problem+json."""

from core.extensions import db
from tests.observatory.conftest import fill


def test_member_fills_and_submits_a_report_through_the_api(obs, client, api_token):
    headers = api_token(obs.manager_a)
    opened = client.post(
        "/api/v1/observatory/reports", json={"organization_id": obs.org_a.id, "period_id": obs.q1.id}, headers=headers
    )
    assert opened.status_code == 200 and opened.json["status"] == "draft"
    report_id = opened.json["id"]
    saved = client.put(
        f"/api/v1/observatory/reports/{report_id}/figures",
        json={"figures": {"collected_furniture": "12,5", "visits": 30}},
        headers=headers,
    )
    assert saved.json["figures"] == {"collected_furniture": "12.500", "visits": "30.000"}
    assert client.post(f"/api/v1/observatory/reports/{report_id}/submit", headers=headers).json["status"] == "submitted"
    listed = client.get("/api/v1/observatory/reports", headers=headers).json
    assert listed["total"] == 1 and listed["items"][0]["id"] == report_id


def test_bad_figures_are_a_problem_with_one_error_per_field(obs, client, api_token):
    headers = api_token(obs.manager_a)
    report_id = client.post(
        "/api/v1/observatory/reports", json={"organization_id": obs.org_a.id, "period_id": obs.q1.id}, headers=headers
    ).json["id"]
    response = client.put(
        f"/api/v1/observatory/reports/{report_id}/figures",
        json={"figures": {"collected_books": "-1", "visits": "abc"}},
        headers=headers,
    )
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert set(response.json["errors"]) == {"collected_books", "visits"}
    assert client.get(f"/api/v1/observatory/reports/{report_id}", headers=headers).json["figures"] == {}
    missing = client.put(f"/api/v1/observatory/reports/{report_id}/figures", json={}, headers=headers)
    assert missing.status_code == 422


def test_others_reports_are_404_and_coordination_needs_the_permission(obs, client, api_token):
    report_b = fill(obs.manager_b, obs.org_b, obs.q1, collected_books="1")
    headers = api_token(obs.manager_a)
    assert client.get(f"/api/v1/observatory/reports/{report_b.id}", headers=headers).status_code == 404
    assert (
        client.post(
            "/api/v1/observatory/reports",
            json={"organization_id": obs.org_b.id, "period_id": obs.q2.id},
            headers=headers,
        ).status_code
        == 404
    )
    assert client.post(f"/api/v1/observatory/reports/{report_b.id}/validate", headers=headers).status_code == 403
    assert client.get("/api/v1/observatory/figures/region?year=2025", headers=headers).status_code == 403
    assert client.get("/api/v1/observatory/reports").status_code == 401


def test_coordinator_returns_validates_and_corrects(obs, client, api_token):
    report = fill(obs.manager_a, obs.org_a, obs.q1, collected_furniture="5")
    headers = api_token(obs.coordinator)
    base = f"/api/v1/observatory/reports/{report.id}"
    assert client.post(f"{base}/return", json={}, headers=headers).status_code == 422
    assert client.post(f"{base}/validate", headers=headers).json["status"] == "validated"
    assert client.post(f"{base}/validate", headers=headers).status_code == 409
    corrected = client.post(
        f"{base}/correct", json={"figures": {"collected_furniture": "6"}, "reason": "Pesée"}, headers=headers
    )
    assert corrected.status_code == 200 and corrected.json["figures"]["collected_furniture"] == "6.000"
    region = client.get("/api/v1/observatory/figures/region?year=2025", headers=headers).json
    assert {r["code"]: r["current"] for r in region["rows"]}["collected_furniture"] == "6.000"
    assert client.get("/api/v1/observatory/periods", headers=headers).json["total"] == 2
    assert len(client.get("/api/v1/observatory/indicators", headers=headers).json) == 20
    db.session.rollback()
