"""Domain errors raised by services, turned into a form message or a problem+json response."""

from __future__ import annotations


class DomainError(Exception):
    """A rule refused the request; ``message`` is already translated for the user."""

    status = 422

    def __init__(self, message, field: str | None = None, **extra):
        super().__init__(str(message))
        self.message = str(message)
        self.field = field
        self.extra = extra


class Conflict(DomainError):
    """The request clashes with the current state (a taken slot, a closed poll)."""

    status = 409


class NotFound(DomainError):
    """Absent, or not visible to this user: both look the same from outside."""

    status = 404
