"""Hypothesis-generated form posts and API bodies never produce a 500 and never write a bad row."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.accounts.models import Organization
from core.extensions import db

text = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        ["", " ", "\x00", "é" * 5000, "<script>", "1e309", "-1", "NaN", "2026-02-30", "'; DROP TABLE x;--"]
    ),
)
FORMS = {
    "/login": ["email", "password", "next"],
    "/password/forgot": ["email"],
    "/password/reset/not-a-token": ["password"],
    "/admin/organizations/new": ["name", "kind", "email", "phone", "city", "latitude", "longitude"],
    "/admin/users/new": ["email", "name", "locale", "password", "submit"],
    "/profile": [
        "profile-name",
        "profile-locale",
        "profile-submit",
        "password-current_password",
        "password-new_password",
        "password-submit",
        "token-name",
        "token-submit",
    ],
}
fuzz = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def admin_client(client, make_user, login_as):
    login_as(make_user("network_admin"))
    return client


@pytest.mark.parametrize("url", sorted(FORMS))
@fuzz
@given(data=st.data())
def test_random_form_posts_never_fail(admin_client, url, data):
    values = {field: data.draw(text, label=field) for field in FORMS[url]}
    response = admin_client.post(url, data=values)
    assert response.status_code < 500
    for org in db.session.scalars(db.select(Organization)):
        assert org.name.strip() and org.kind in ("member", "network", "partner", "project")


@pytest.fixture
def admin_headers(make_user, api_token):
    return api_token(make_user("network_admin"))


@fuzz
@given(
    body=st.one_of(
        st.dictionaries(
            st.sampled_from(["name", "kind", "latitude", "email", "active"]),
            st.one_of(text, st.integers(), st.floats(), st.none(), st.booleans()),
        ),
        st.lists(st.integers()),
        st.text(),
    )
)
def test_random_api_bodies_never_fail(client, admin_headers, body):
    response = client.post("/api/v1/organizations", json=body, headers=admin_headers)
    assert response.status_code in (201, 400, 409, 422)
    assert response.status_code == 201 or response.mimetype == "application/problem+json"


def test_oversized_request_is_refused_cleanly(make_app, erp_modules):
    app = make_app(erp_modules, MAX_CONTENT_LENGTH=1000)
    response = app.test_client().post("/login", data={"email": "x" * 5000, "password": "y"})
    assert response.status_code == 413 and "Fichier trop volumineux" in response.get_data(as_text=True)


def test_nul_characters_are_refused_everywhere(admin_client, admin_headers):
    before = db.session.scalar(db.select(db.func.count()).select_from(Organization))
    page = admin_client.post("/admin/organizations/new", data={"name": "Nul\x00", "kind": "member"})
    assert page.status_code == 400 and "NUL" in page.get_data(as_text=True)
    api = admin_client.post("/api/v1/organizations", json={"name": "Nul\x00", "kind": "member"}, headers=admin_headers)
    assert api.status_code == 400 and api.mimetype == "application/problem+json" and "NUL" in api.json["detail"]
    assert admin_client.get("/admin/organizations?q=a\x00").status_code == 400
    assert db.session.scalar(db.select(db.func.count()).select_from(Organization)) == before
