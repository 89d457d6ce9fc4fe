"""Who is asking: a session cookie for pages, a bearer token for the API (never a cookie)."""

from __future__ import annotations

from flask import redirect, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from core.accounts.models import User
from core.extensions import db, login_manager


def init_login(app) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"


@login_manager.user_loader
def _load_from_session(session_id: str):
    # The API ignores cookies, so a page cannot be used to forge API calls (no CSRF there).
    if request.path.startswith("/api/"):
        return None
    user_id, _, version = session_id.partition(":")
    if not (user_id.isascii() and user_id.isdigit()):
        return None
    # Every page checks permissions: the memberships come in the same statement.
    user = db.session.get(User, int(user_id), options=[joinedload(User.memberships)])
    if user is None or not user.active or user.session_version != version:
        return None
    return user


@login_manager.request_loader
def _load_from_token(req):
    header = req.headers.get("Authorization", "")
    if not req.path.startswith("/api/") or not header.startswith("Bearer "):
        return None
    from core.api.tokens import user_for

    return user_for(header.removeprefix("Bearer ").strip())


@login_manager.unauthorized_handler
def _unauthorized():
    if request.path.startswith("/api/"):
        from core.api.problems import problem

        return problem(401, "Unauthorized", "A valid bearer token is required.", headers={"WWW-Authenticate": "Bearer"})
    from flask import flash

    flash(str(login_manager.login_message), "info")
    return redirect(url_for("accounts.login", next=request.full_path if request.query_string else request.path))
