"""One request lifecycle for every action, web page or API call (as Indico's request handlers).

The view (or API handler) checks access with ``@require``, parses its input and calls a service;
core does the rest once, here:

- a write (POST, PUT, PATCH, DELETE) answered with a success (status < 400) is committed, then its
  jobs are handed over; any other answer is rolled back, so nothing is written when a request is
  refused, whatever the service had flushed;
- a ``DomainError`` becomes a form message, a flashed message or a problem+json body, all from the
  same ``DomainError.errors()`` (``act`` and ``submit`` below; ``core.web.errors`` for the rest);
- a constraint the database refuses at commit becomes a 409, never a 500.

Views never call ``db.session.commit()``. A GET that must keep what it wrote says so with
``keep_writes()``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import flash, g, redirect, request, session
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from core.errors import DomainError, NotFound
from core.extensions import db
from core.faults import record_request_faults

log = logging.getLogger("erp.lifecycle")

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
T = TypeVar("T")


def keep_writes() -> None:
    """Commit this safe (GET) request's writes too, when it answers with a success."""
    g.erp_keep_writes = True


def act(action: Callable[[], T], success: str | None, then: str | Callable[[T], str], back: str | None = None):
    """A button's action: run it; on success flash ``success`` and go to ``then`` (a URL, or a
    function of the action's result); on a refusal flash it and go ``back`` (default: ``then``).

    An absent record (NotFound) stays a 404 page, as for any unknown id."""
    try:
        result = action()
    except NotFound:
        raise
    except DomainError as error:
        db.session.rollback()
        for message in error.messages():
            flash(message, "danger")
        return redirect(back or (then if isinstance(then, str) else request.referrer or "/"))
    return _succeeded(result, success, then)


def submit(form, action: Callable[[], T], success: str | None, then: str | Callable[[T], str]):
    """A valid form's action: run it; on success flash and redirect; on a refusal put the message
    on the form's field (or above the form) and return None, for the view to render the form again."""
    try:
        result = action()
    except NotFound:
        raise
    except DomainError as error:
        attach_error(form, error)
        return None
    return _succeeded(result, success, then)


def _succeeded(result: T, success: str | None, then: str | Callable[[T], str]):
    if success:
        flash(success, "success")
    return redirect(then(result) if callable(then) else then)


def attach_error(form, error: DomainError) -> None:
    """Show a service's refusal on the fields it names (or at the top of the form)."""
    db.session.rollback()
    shown = False
    for name, messages in error.field_errors.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + messages
            shown = shown or messages == [error.message]
        else:
            for message in messages:
                flash(message, "danger")
    if not shown:
        flash(error.message, "danger")


def finish(response):
    """after_request: commit or roll back, then hand the jobs over and record module faults."""
    if response.status_code < 400 and (request.method in WRITES or g.pop("erp_keep_writes", False)):
        try:
            db.session.commit()
        except SQLAlchemyError as exc:
            response = _failed_commit(exc)
    else:
        _discard()
    _dispatch_jobs()
    record_request_faults()
    return response


def _discard() -> None:
    """Roll back what the request wrote and forget its jobs; a dead connection is dropped instead
    (the answer already chosen, a 503 say, must still be sent)."""
    g.pop("erp_jobs_pending", None)
    try:
        db.session.rollback()
    except SQLAlchemyError:
        db.session.close()


def _failed_commit(exc: SQLAlchemyError):
    """The database refused the commit: nothing was written, and the success already flashed is
    taken back."""
    from core.web.errors import database_down, refusal

    _discard()
    session.pop("_flashes", None)
    if isinstance(exc, IntegrityError):
        log.warning("commit refused by a constraint on %s %s", request.method, request.path)
        return refusal(409, _conflict_message())
    log.error("commit failed on %s %s: %s", request.method, request.path, exc.__class__.__name__)
    return database_down()


def _conflict_message() -> str:
    from flask_babel import gettext as _

    return _("Someone changed the same record at the same time; nothing was saved. Please try again.")


def _dispatch_jobs() -> None:
    pending = g.pop("erp_jobs_pending", None)
    if not pending:
        return
    from core.jobs import dispatch

    try:
        dispatch(pending)
    except SQLAlchemyError as exc:
        # The write and its outbox rows are committed: the relay or ticker hands them over later,
        # so the user keeps the success they earned.
        _discard()
        log.warning("jobs left in the outbox, the database failed at hand-over: %s", exc)


def register(app: Any) -> None:
    app.after_request(finish)
