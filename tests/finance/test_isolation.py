"""A structure sees only its own statement, invoices and transfers (404 for the others'), and the
role-by-permission matrix of the pages."""

from __future__ import annotations

import pytest

from core.extensions import db
from modules.finance.models import Invoice


@pytest.fixture
def frozen(world, charge, make_round):
    a, b, _c = world.orgs
    charge(a, b, "40.00")
    return make_round()


def test_a_manager_of_c_cannot_see_a_or_b(world, frozen, client, login_as, api_token):
    a = world.orgs[0]
    invoice = db.session.scalars(db.select(Invoice)).one()
    transfer = frozen.transfers[0]
    login_as(world.managers[2])
    for url in (
        f"/finance/statement?org={a.id}",
        f"/finance/statement.csv?org={a.id}",
        f"/finance/statement.pdf?org={a.id}",
        f"/finance/invoices?org={a.id}",
        f"/finance/invoices/{invoice.id}.pdf",
        f"/finance/transfers?org={a.id}",
        f"/finance/transfers/{transfer.id}/pay",
        "/finance/statement?org=abc",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/finance/transfers/{transfer.id}/pay", data={"amount": "1"}).status_code == 404
    headers = api_token(world.managers[2])
    for url in (
        f"/api/v1/finance/statement?organization_id={a.id}",
        f"/api/v1/finance/invoices?organization_id={a.id}",
        f"/api/v1/finance/invoices/{invoice.id}",
        f"/api/v1/finance/transfers?organization_id={a.id}",
        f"/api/v1/finance/payments?organization_id={a.id}",
    ):
        assert client.get(url, headers=headers).status_code == 404, url
    assert client.get("/api/v1/finance/transfers", headers=headers).get_json()["total"] == 0


MEMBER_PAGES = ["/finance/statement", "/finance/invoices", "/finance/transfers"]
TREASURY_PAGES = [
    "/finance/rounds",
    "/finance/rounds/new",
    "/finance/dashboard",
    "/finance/settings",
    "/finance/accounts",
    "/finance/exports",
]


@pytest.mark.parametrize(
    "who, member, treasury",
    [
        ("admin", 200, 200),
        ("treasurer", 200, 200),
        ("manager", 200, 403),
        ("member_treasurer", 200, 403),
        ("staff", 403, 403),
    ],
)
def test_role_by_permission_matrix(world, frozen, client, login_as, make_user, who, member, treasury):
    users = {
        "admin": world.admin,
        "treasurer": world.treasurer,
        "manager": world.managers[0],
        "member_treasurer": make_user("treasurer", org=world.orgs[0]),
        "staff": world.staff,
    }
    login_as(users[who])
    for url in MEMBER_PAGES:
        assert client.get(url).status_code == member, url
    for url in TREASURY_PAGES:
        assert client.get(url).status_code == treasury, url


def test_anonymous_goes_to_login(client):
    assert client.get("/finance/statement").status_code == 302
    assert client.get("/api/v1/finance/statement").status_code == 401
