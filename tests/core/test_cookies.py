"""Cookies: the session and the year-long "remember me" cookie are HttpOnly, SameSite=Lax always,
Secure in production."""

from __future__ import annotations

import pytest

from core.extensions import db
from tests.conftest import PASSWORD


def _login_cookies(app) -> dict[str, str]:
    """Log in with "remember me" and return each Set-Cookie header by cookie name."""
    with app.app_context():
        from core.accounts import services

        services.create_user("cookies@test.example", "Cookies", PASSWORD)
        db.session.commit()
    response = app.test_client().post(
        "/login", data={"email": "cookies@test.example", "password": PASSWORD, "remember": "y"}
    )
    assert response.status_code == 302
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


@pytest.mark.parametrize("env, secure", [("testing", False), ("production", True)])
def test_session_and_remember_cookies_flags(make_app, erp_modules, env, secure):
    cookies = _login_cookies(make_app(erp_modules, ERP_ENV=env))
    assert {"session", "remember_token"} <= cookies.keys()
    for name in ("session", "remember_token"):
        flags = [flag.strip() for flag in cookies[name].split(";")]
        assert "HttpOnly" in flags and "SameSite=Lax" in flags, cookies[name]
        assert ("Secure" in flags) is secure, cookies[name]
