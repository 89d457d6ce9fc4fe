"""Admin pages (organizations, users, roles, audit), the calendar and its feed, headers, demo."""

from datetime import timedelta

import pytest
from sqlalchemy.exc import DBAPIError

from core.accounts.models import Organization, User
from core.audit import AuditEntry
from core.clock import local
from core.db import utcnow
from core.extensions import db
from exemplar.models import Note


@pytest.fixture
def admin_client(client, make_user, login_as):
    login_as(make_user("network_admin"))
    return client


def test_admin_creates_organization_user_and_grants_roles(admin_client, smtp_server):
    response = admin_client.post(
        "/admin/organizations/new",
        data={"name": "Ressourcerie du Berry", "kind": "member", "city": "Bourges", "latitude": "47.08", "active": "y"},
    )
    assert response.status_code == 302
    org = db.session.scalar(db.select(Organization).where(Organization.name == "Ressourcerie du Berry"))
    response = admin_client.post(
        "/admin/users/new",
        data={
            "email": "Nouvelle@Test.example",
            "name": "Nouvelle Personne",
            "locale": "fr",
            "active": "y",
            "submit": "1",
        },
    )
    assert response.status_code == 302
    person = db.session.scalar(db.select(User).where(User.email == "nouvelle@test.example"))
    assert person.password_hash is None and smtp_server.messages  # invited to set a password by mail
    admin_client.post(
        f"/admin/users/{person.id}",
        data={"grant-organization_id": org.id, "grant-role": "member_manager", "grant-submit": "1"},
    )
    db.session.refresh(person)
    assert person.roles_in(org.id) == {"member_manager"}
    membership = person.memberships[0]
    admin_client.post(f"/admin/users/{person.id}/memberships/{membership.id}/revoke")
    db.session.refresh(person)
    assert person.memberships == []
    actions = set(db.session.scalars(db.select(AuditEntry.action)))
    assert {"organization.create", "user.create", "membership.grant", "membership.revoke"} <= actions
    assert "membership.grant" in admin_client.get("/admin/audit?action=membership").get_data(as_text=True)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"name": "", "kind": "member"}, "This field is required."),
        ({"name": "X", "kind": "castle"}, "Not a valid choice."),
        ({"name": "X", "kind": "member", "latitude": "north"}, "Not a valid float value."),
        ({"name": "X", "kind": "member", "latitude": "123"}, "Number must be between -90 and 90."),
    ],
)
def test_bad_organization_input_is_explained_and_nothing_written(admin_client, data, message):
    before = db.session.scalar(db.select(db.func.count()).select_from(Organization))
    admin_client.post("/language/en")
    page = admin_client.post("/admin/organizations/new", data=data)
    assert page.status_code == 200 and message in page.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Organization)) == before


def test_duplicate_user_email_is_a_field_error(admin_client, make_user):
    existing = make_user(None)
    page = admin_client.post(
        "/admin/users/new", data={"email": existing.email, "name": "Dup", "locale": "fr", "submit": "1"}
    ).get_data(as_text=True)
    assert "Un compte existe déjà avec cette adresse e-mail." in page and 'aria-invalid="true"' in page


def test_audit_log_is_append_only(app, admin_client):
    entry = db.session.scalar(db.select(AuditEntry))
    entry.action = "tampered"
    with pytest.raises(DBAPIError):
        db.session.commit()
    db.session.rollback()
    with pytest.raises(DBAPIError):
        db.session.execute(db.delete(AuditEntry))
        db.session.commit()
    db.session.rollback()


def test_calendar_page_and_personal_feed(client, make_user, login_as):
    user = make_user("member_manager")
    when = utcnow() + timedelta(days=2)
    db.session.add(Note(organization_id=next(iter(user.organization_ids)), text="Réunion van", due_at=when))
    db.session.commit()
    login_as(user)
    month = local(when).strftime("%Y-%m")
    for view in ("month", "list"):
        assert "Réunion van" in client.get(f"/calendar?view={view}&month={month}").get_data(as_text=True)
    assert "Réunion van" in client.get(f"/calendar?view=list&month={month}&module=exemplar").get_data(as_text=True)
    week = client.get("/calendar?view=week&on=2026-11-25")
    assert week.status_code == 200 and week.get_data(as_text=True).count("<tr>") == 2  # header + one week
    html = week.get_data(as_text=True)
    assert "Semaine du 23/11/2026" in html  # the Monday of that week
    assert "on=2026-11-16" in html and "on=2026-11-30" in html  # arrows move by a week
    assert '<label class="form-check-label" for="m-exemplar">Notes</label>' in html  # the module's menu name
    assert client.get("/calendar?view=month&on=not-a-date").status_code == 200  # bad input: this month
    client.post("/profile/calendar-feed")
    db.session.refresh(user)
    feed = client.application.test_client().get(f"/calendar/feed/{user.calendar_token}.ics")
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    assert "SUMMARY:Réunion van" in feed.get_data(as_text=True)
    old = user.calendar_token
    client.post("/profile/calendar-feed")  # revoking: a new address, the old one dies
    assert client.application.test_client().get(f"/calendar/feed/{old}.ics").status_code == 404


def test_security_headers_on_every_kind_of_page(client, make_user, login_as):
    login_as(make_user("member_staff"))
    for url in ("/login", "/dashboard", "/api/v1/openapi.json", "/nowhere", "/healthz"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "same-origin"


def test_demo_data_loads_once(app):
    from core.demo import load_demo

    first = load_demo()
    users = db.session.scalar(db.select(db.func.count()).select_from(User))
    second = load_demo()
    assert users == 19 and db.session.scalar(db.select(db.func.count()).select_from(User)) == users
    assert first[0].startswith("core:") and "exemplar: demo data loaded" in first and len(second) == 1


def test_logs_are_json_with_request_id_and_no_secret(app):
    import json
    import logging

    from core.logs import JsonFormatter

    record = logging.LogRecord(
        "erp.test",
        logging.INFO,
        __file__,
        1,
        "login password=correct-horse-42 token: abc Authorization=Bearer",
        None,
        None,
    )
    with app.test_request_context("/login", headers={"X-Request-ID": "req-12345678"}):
        app.preprocess_request()
        entry = json.loads(JsonFormatter().format(record))
    assert entry["request_id"] == "req-12345678" and entry["path"] == "/login"
    assert "correct-horse-42" not in entry["message"] and "password=***" in entry["message"]
    assert "abc" not in entry["message"]


def test_each_role_lands_on_its_dashboard(client, make_user, login_as):
    login_as(make_user("member_staff"))
    staff = client.get("/").get_data(as_text=True)
    assert "<p>exemplar widget</p>" in staff and "Le réseau d'un coup d'œil" not in staff
    client.post("/logout")
    login_as(make_user("network_admin"))
    admin = client.get("/").get_data(as_text=True)
    assert "Le réseau d'un coup d'œil" in admin and "Modules installés : exemplar" in admin


def test_admin_lists_search_and_paginate(admin_client, make_org):
    for n in range(30):
        make_org(f"Recyclerie {n:02d}", city="Blois" if n == 7 else "Tours")
    page = admin_client.get("/admin/organizations?q=blois").get_data(as_text=True)
    assert "Recyclerie 07" in page and "Recyclerie 08" not in page
    first = admin_client.get("/admin/organizations").get_data(as_text=True)
    assert "Page 1 sur 2" in first and "Recyclerie 24" in first and "Recyclerie 25" not in first
    assert "Recyclerie 29" in admin_client.get("/admin/organizations?page=2").get_data(as_text=True)
    make_org("Atelier 100% vélo")
    wildcard = admin_client.get("/admin/organizations?q=0%25").get_data(as_text=True)  # a typed "%"
    assert "Atelier 100% vélo" in wildcard and "Recyclerie 00" not in wildcard
