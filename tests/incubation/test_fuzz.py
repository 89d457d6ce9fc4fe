"""Random input on the public sign-up, the module's forms and API bodies: never a 500."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.accounts.models import User
from core.extensions import db
from modules.incubation.models import Placement

text = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        ["", " ", "\x00", "é" * 6000, "<script>", "1e309", "-1", "2026-02-30", "0", "99999999999999999999", "a@b"]
    ),
)
fuzz = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
SIGNUP = ["name", "email", "password", "confirm", "project_name", "territory", "needs"]
PLACEMENT = ["project_id", "host_site_id", "kind", "start_date", "end_date", "people", "message"]


@fuzz
@given(data=st.data())
def test_random_sign_ups_never_fail(world, client, data):
    response = client.post("/incubation/signup", data={f: data.draw(text, label=f) for f in SIGNUP})
    assert response.status_code < 500
    for user in db.session.scalars(db.select(User)):
        assert "@" in user.email and user.name.strip()


@fuzz
@given(data=st.data())
def test_random_placement_forms_never_fail(world, client, login_as, data):
    login_as(world.holder)
    response = client.post("/incubation/placements/new", data={f: data.draw(text, label=f) for f in PLACEMENT})
    assert response.status_code < 500
    for placement in db.session.scalars(db.select(Placement)):
        assert placement.end_date >= placement.start_date


@fuzz
@given(
    body=st.one_of(
        st.dictionaries(
            st.sampled_from(PLACEMENT + ["holder_id"]),
            st.one_of(text, st.integers(), st.floats(), st.none(), st.booleans()),
        ),
        st.lists(st.integers()),
        st.text(),
    )
)
def test_random_api_bodies_never_fail(world, client, api_token, body):
    headers = api_token(world.holder)
    response = client.post("/api/v1/incubation/placements", json=body, headers=headers)
    assert response.status_code in (201, 400, 403, 404, 409, 422), response.get_data(as_text=True)[:300]
    assert response.status_code == 201 or response.mimetype == "application/problem+json"


def test_huge_ids_are_not_found(world, client, login_as, api_token):
    huge = 10**20
    login_as(world.admin)
    for url in (
        f"/incubation/projects/{huge}",
        f"/incubation/sites/{huge}",
        f"/incubation/placements/{huge}",
        f"/incubation/documents/{huge}",
        f"/incubation/tracks/{huge}",
    ):
        assert client.get(url).status_code == 404, url
    headers = api_token(world.holder)
    response = client.post(
        "/api/v1/incubation/placements",
        headers=headers,
        json={"project_id": huge, "host_site_id": huge, "kind": "visit", "start_date": "2030-01-01"},
    )
    assert response.status_code == 422
