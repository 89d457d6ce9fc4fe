"""Login, logout, throttling, safe next, password reset, profile and language."""

import re

import pytest
from freezegun import freeze_time

from core.accounts.models import User
from core.audit import AuditEntry
from core.extensions import db
from core.mail import OutgoingMail
from tests.conftest import PASSWORD


def test_login_lands_on_dashboard_and_logout_voids_the_cookie(client, make_user):
    user = make_user("member_staff")
    response = client.post("/login", data={"email": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    assert client.get("/dashboard").status_code == 200
    stolen = client.get_cookie("session").value
    assert client.post("/logout").status_code == 302
    assert client.get("/dashboard").status_code == 302
    client.set_cookie("session", stolen)  # a copy of the old cookie no longer works
    assert client.get("/dashboard").status_code == 302


def test_wrong_password_says_so_on_the_form_and_is_audited(client, make_user):
    user = make_user("member_staff")
    page = client.post("/login", data={"email": user.email, "password": "nope"}).get_data(as_text=True)
    assert "Adresse e-mail inconnue ou mot de passe erroné." in page or "Unknown e-mail or wrong password." in page
    assert db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "auth.failure")) is not None


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/calendar", "/calendar"),
        ("https://evil.example/", "/dashboard"),
        ("//evil.example/x", "/dashboard"),
        ("/\\evil.example", "/dashboard"),
        ("javascript:alert(1)", "/dashboard"),
    ],
)
def test_next_is_only_followed_to_a_local_path(client, make_user, target, expected):
    user = make_user("member_staff")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "next": target})
    assert response.headers["Location"] == expected


def test_login_is_throttled_per_account_even_across_addresses(make_app, erp_modules):
    app = make_app(
        erp_modules, LOGIN_THROTTLE_ENABLED=True, LOGIN_LIMITS="100 per minute", LOGIN_ACCOUNT_LIMITS="3 per 15 minutes"
    )
    client = app.test_client()
    with app.app_context():
        from core.accounts import services

        services.create_user("victim@test.example", "Victim", PASSWORD)
        db.session.commit()
    for n in range(3):
        env = {"REMOTE_ADDR": f"10.0.0.{n}"}
        assert (
            client.post("/login", data={"email": "victim@test.example", "password": "x"}, environ_base=env).status_code
            == 200
        )
    locked = client.post(
        "/login", data={"email": "victim@test.example", "password": PASSWORD}, environ_base={"REMOTE_ADDR": "10.0.0.9"}
    )
    assert locked.status_code == 429
    assert "Trop de tentatives" in locked.get_data(as_text=True)
    other = client.post(
        "/login", data={"email": "other@test.example", "password": "x"}, environ_base={"REMOTE_ADDR": "10.0.0.9"}
    )
    assert other.status_code == 200


def test_login_is_throttled_per_address(make_app, erp_modules):
    app = make_app(erp_modules, LOGIN_THROTTLE_ENABLED=True, LOGIN_LIMITS="2 per minute")
    client = app.test_client()
    codes = [client.post("/login", data={"email": f"u{n}@test.example", "password": "x"}).status_code for n in range(3)]
    assert codes == [200, 200, 429]


def reset_link(mail: OutgoingMail) -> str:
    return re.search(r"http://[^\s]+/password/reset/[^\s]+", mail.body).group(0).split("5000", 1)[1]


def test_password_reset_by_mail_works_once(client, make_user):
    user = make_user("member_staff", locale="en")
    response = client.post("/password/forgot", data={"email": user.email})
    assert response.status_code == 302
    mail = db.session.scalar(db.select(OutgoingMail))
    assert mail.to_address == user.email and mail.subject == "Reset your password" and mail.sent_at
    link = reset_link(mail)
    assert client.post(link, data={"password": "short"}).status_code == 200  # rule shown on the form
    assert client.post(link, data={"password": "brand-new-secret-7"}).status_code == 302
    assert client.get(link).status_code == 302  # used: back to "forgot" with a message
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password("brand-new-secret-7")


def test_password_reset_token_expires(client, make_user, app):
    user = make_user("member_staff")
    with freeze_time("2026-01-01 10:00:00"):
        client.post("/password/forgot", data={"email": user.email})
    link = reset_link(db.session.scalar(db.select(OutgoingMail)))
    with freeze_time("2026-01-01 12:00:00"):
        response = client.post(link, data={"password": "brand-new-secret-7"})
    assert response.status_code == 302 and "/password/forgot" in response.headers["Location"]
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(PASSWORD)


def test_unknown_address_gets_the_same_answer_and_no_mail(client):
    response = client.post("/password/forgot", data={"email": "nobody@test.example"})
    assert response.status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(OutgoingMail)) == 0


def test_profile_edits_name_language_and_password(client, make_user, login_as):
    user = make_user("member_staff")
    login_as(user)
    response = client.post(
        "/profile", data={"profile-name": "Nouveau Nom", "profile-locale": "en", "profile-submit": "1"}
    )
    assert response.status_code == 302
    assert "My profile" in client.get("/profile").get_data(as_text=True)
    bad = client.post(
        "/profile",
        data={
            "password-current_password": "wrong-one-1",
            "password-new_password": "another-pass-9",
            "password-submit": "1",
        },
    )
    assert "The current password is not correct." in bad.get_data(as_text=True)
    ok = client.post(
        "/profile",
        data={"password-current_password": PASSWORD, "password-new_password": "another-pass-9", "password-submit": "1"},
    )
    assert ok.status_code == 302
    assert client.get("/profile").status_code == 200  # this session survives the change
    db.session.expire_all()
    person = db.session.get(User, user.id)
    assert person.name == "Nouveau Nom" and person.locale == "en" and person.check_password("another-pass-9")


def test_language_switch_for_anonymous_and_users(client, make_user, login_as):
    assert "Se connecter" in client.get("/login").get_data(as_text=True)
    client.post("/language/en", data={"next": "/login"})
    assert "Log in" in client.get("/login").get_data(as_text=True)
    client.post("/language/xx", data={"next": "https://evil.example"})
    assert "Log in" in client.get("/login").get_data(as_text=True)
    user = make_user("member_staff")
    login_as(user)
    client.post("/language/fr")
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "fr"
    assert "Tableau de bord" in client.get("/dashboard").get_data(as_text=True)


def test_csrf_is_required_on_forms(make_app, erp_modules):
    app = make_app(erp_modules, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post("/login", data={"email": "a@test.example", "password": "whatever-1"})
    assert response.status_code == 400


def test_session_cookie_flags(make_app, erp_modules):
    app = make_app(erp_modules, SESSION_COOKIE_SECURE=True)
    client = app.test_client()
    with app.app_context():
        from core.accounts import services

        services.create_user("flags@test.example", "Flags", PASSWORD)
        db.session.commit()
    response = client.post("/login", data={"email": "flags@test.example", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_production_requires_a_secret_key(monkeypatch):
    from core.config import ConfigError, load_config

    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY must be set"):
        load_config({"ERP_ENV": "production"})


@pytest.mark.parametrize(
    "password, ok", [("short1", False), ("onlyletters", False), ("1234567890123", False), ("letters-and-9", True)]
)
def test_password_rules(app, password, ok):
    from core.accounts.services import check_password_rules
    from core.errors import DomainError

    if ok:
        check_password_rules(password)
    else:
        with pytest.raises(DomainError):
            check_password_rules(password)
