"""/api/v1: bearer tokens (hashed, revocable, last use), problem+json, pagination, OpenAPI."""

import hashlib

from core.api.tokens import ApiToken
from core.extensions import db


def test_tokens_are_hashed_revocable_and_track_last_use(client, make_user, login_as):
    user = make_user("member_staff")
    login_as(user)
    page = client.post("/profile", data={"token-name": "tableur", "token-submit": "1"}).get_data(as_text=True)
    plain = page.split('token-value d-block mt-2">')[1].split("<")[0]
    token = db.session.scalar(db.select(ApiToken))
    assert token.token_hash == hashlib.sha256(plain.encode()).hexdigest() and plain not in token.token_hash
    api = client.application.test_client()
    me = api.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"})
    assert me.status_code == 200 and me.json["email"] == user.email
    assert me.json["memberships"][0]["role"] == "member_staff"
    db.session.refresh(token)
    assert token.last_used_at is not None
    client.post(f"/profile/tokens/{token.id}/revoke")
    gone = api.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"})
    assert gone.status_code == 401 and gone.mimetype == "application/problem+json"


def test_api_ignores_the_session_cookie(client, make_user, login_as):
    login_as(make_user("member_staff"))
    response = client.get("/api/v1/me")
    assert response.status_code == 401 and response.headers["WWW-Authenticate"] == "Bearer"


def test_someone_elses_revoke_is_refused(client, make_user, login_as, api_token):
    owner = make_user("member_staff")
    api_token(owner)
    token = db.session.scalar(db.select(ApiToken))
    login_as(make_user("member_staff"))
    client.post(f"/profile/tokens/{token.id}/revoke")
    db.session.refresh(token)
    assert token.revoked_at is None


def test_validation_errors_are_problem_json_naming_the_field(client, make_user, api_token):
    headers = api_token(make_user("network_admin"))
    response = client.post("/api/v1/organizations", json={"name": "", "kind": "castle"}, headers=headers)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    body = response.json
    assert set(body["errors"]) == {"name", "kind"} and "kind" in body["detail"]
    created = client.post(
        "/api/v1/organizations", json={"name": "Ressourcerie de Test", "kind": "member"}, headers=headers
    )
    assert created.status_code == 201
    twice = client.post(
        "/api/v1/organizations", json={"name": "Ressourcerie de Test", "kind": "member"}, headers=headers
    )
    assert twice.status_code == 409 and twice.json["errors"] == {"name": [twice.json["detail"]]}


def test_permissions_and_not_found_in_problem_json(client, make_user, api_token):
    headers = api_token(make_user("member_staff"))
    denied = client.post("/api/v1/organizations", json={"name": "X", "kind": "member"}, headers=headers)
    assert denied.status_code == 403 and denied.mimetype == "application/problem+json"
    missing = client.get("/api/v1/organizations/999", headers=headers)
    assert missing.status_code == 404 and missing.json["title"] == "Not Found"
    assert client.get("/api/v1/nowhere", headers=headers).json["status"] == 404


def test_pagination(client, make_user, make_org, api_token):
    headers = api_token(make_user("member_staff"))
    for n in range(30):
        make_org(f"Org {n:02d}")
    page = client.get("/api/v1/organizations?per_page=10&page=2", headers=headers).json
    assert page["page"] == 2 and page["per_page"] == 10 and page["total"] == 31 and page["pages"] == 4
    assert [o["name"] for o in page["items"]][:2] == ["Org 10", "Org 11"]
    bad = client.get("/api/v1/organizations?per_page=1000", headers=headers)
    assert bad.status_code == 422 and "per_page" in bad.json["errors"]


def test_openapi_document_and_docs_page(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.") and "/api/v1/organizations" in spec["paths"]
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert "/api/v1/exemplar/notes" in spec["paths"]
    docs = client.get("/api-docs")
    assert docs.status_code == 200 and "/api/v1/organizations" in docs.get_data(as_text=True)
