"""One error handling for the whole app: problem+json under /api/, an error page elsewhere."""

from __future__ import annotations

import logging

from flask import current_app, g, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError

from core.accounts.permissions import PermissionDenied, is_api_request
from core.api.problems import from_domain_error, from_http_exception, problem
from core.errors import DomainError
from core.extensions import db

log = logging.getLogger("erp.errors")


def _page(status: int, message: str | None = None):
    return render_template("errors/error.html", status=status, message=message), status


TITLES = {400: "Bad Request", 403: "Forbidden", 404: "Not Found", 409: "Conflict", 422: "Unprocessable Entity"}


def refusal(status: int, message: str):
    """The same refusal as problem+json under /api/, as the error page elsewhere."""
    if is_api_request():
        return problem(status, TITLES.get(status, "Error"), message)
    return current_app.make_response(_page(status, message))


def database_down():
    log.error("database unavailable")
    _safe_rollback()
    if is_api_request():
        return problem(
            503, "Service Unavailable", "The database is unavailable; retry shortly.", headers={"Retry-After": "5"}
        )
    # Who is asking and which modules are installed cannot be looked up now: render the page as for
    # a visitor (the session stays) with no module's menu.
    current_app.login_manager._update_request_context_with_user()
    g.erp_installed = set()
    return current_app.make_response(_page(503, _("The service is briefly unavailable. Please try again in a moment.")))


def register(app) -> None:
    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if is_api_request():
            return from_http_exception(error)
        if error.code == 429:
            return _page(429, _("Too many attempts. Wait a few minutes before trying again."))
        if error.code == 400 and error.description != BadRequest.description:
            return _page(400, error.description)
        return _page(error.code or 500)

    @app.errorhandler(DomainError)
    def _domain(error: DomainError):
        db.session.rollback()
        if is_api_request():
            return from_domain_error(error)
        return _page(error.status, error.message)

    @app.errorhandler(PermissionDenied)
    def _denied(error):
        db.session.rollback()
        if is_api_request():
            return problem(403, "Forbidden", "You do not have the permission for this action.")
        return _page(403)

    @app.errorhandler(OperationalError)
    def _database_down(error):
        return database_down()

    @app.teardown_appcontext
    def _release_session(_error):
        # When the database goes away mid-request, the closing ROLLBACK fails too: drop the
        # connection instead, so that the answer already chosen (a 503) is sent, not a 500.
        try:
            db.session.remove()
        except DBAPIError:
            db.session().invalidate()
            db.session.remove()

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        if isinstance(error, DBAPIError) and error.connection_invalidated:
            return _database_down(error)
        log.exception("unhandled error on %s %s", request.method, request.path)
        _safe_rollback()
        if is_api_request():
            return from_http_exception(InternalServerError())
        return _page(500)


def _safe_rollback() -> None:
    try:
        db.session.rollback()
    except Exception:  # the connection may be gone; the pool replaces it on next checkout
        db.session.close()
