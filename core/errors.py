"""Domain errors raised by services, turned into a form message or a problem+json response.

One shape for both: ``message`` (the refusal, already translated) and ``field_errors`` (field ->
messages), shown on the form's fields in a page and as ``errors`` in problem+json.
"""

from __future__ import annotations

from collections.abc import Mapping


class DomainError(Exception):
    """A rule refused the request; ``message`` is already translated for the user."""

    status = 422

    def __init__(self, message, field: str | None = None, errors: Mapping[str, object] | None = None, **extra):
        super().__init__(str(message))
        self.message = str(message)
        self.field = field
        self.extra = extra
        self.field_errors: dict[str, list[str]] = (
            {name: [str(text)] for name, text in errors.items()} if errors else {field: [self.message]} if field else {}
        )

    def messages(self) -> list[str]:
        """Everything to tell in a flash: the refusal, then each field's own message."""
        details = [m for messages in self.field_errors.values() for m in messages if m != self.message]
        return [self.message, *details]


class Conflict(DomainError):
    """The request clashes with the current state (a taken slot, a closed poll)."""

    status = 409


class NotFound(DomainError):
    """Absent, or not visible to this user: both look the same from outside."""

    status = 404
