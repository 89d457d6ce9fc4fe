"""The notes a person may read, and writing one: the rules live here, not in the views."""

from datetime import timedelta
from decimal import Decimal

from core.accounts.permissions import check, scope
from core.errors import DomainError
from core.extensions import db
from core.hookspecs import CalendarEvent, ChargeSource
from core.web.urls import path_for
from exemplar.models import Note

MAX_TEXT = 200


def visible_notes(user):
    return scope(db.select(Note).order_by(Note.id), Note.organization_id, user, "exemplar.read")


def write_note(user, organization_id: int, text: str) -> Note:
    check(user, "exemplar.write", organization_id)
    text = text.strip()
    if not text or len(text) > MAX_TEXT:
        raise DomainError(f"A note has 1 to {MAX_TEXT} characters.", field="text")
    note = Note(organization_id=organization_id, text=text)
    db.session.add(note)
    db.session.flush()
    return note


def note_events(user, start, end) -> list[CalendarEvent]:
    notes = db.session.scalars(visible_notes(user).where(Note.due_at >= start, Note.due_at < end))
    return [
        CalendarEvent(
            f"exemplar-note-{n.id}",
            n.text,
            n.due_at,
            n.due_at + timedelta(hours=1),
            "exemplar",
            url=path_for("exemplar.index"),
        )
        for n in notes
    ]


def notes_per_organization() -> dict[int, Decimal]:
    counts = db.session.execute(db.select(Note.organization_id, db.func.count()).group_by(Note.organization_id))
    return {org: Decimal(n) for org, n in counts}


def describe_sources(sources: list[str]) -> list[ChargeSource]:
    """The ledger sources "exemplar.note:<id>" this module posted, named after their note."""
    ids = {int(s.split(":")[1]): s for s in sources if s.startswith("exemplar.note:") and s.split(":")[1].isdecimal()}
    notes = db.session.scalars(db.select(Note).where(Note.id.in_(ids))) if ids else []
    return [ChargeSource(ids[n.id], f"Note: {n.text}", path_for("exemplar.index")) for n in notes]
