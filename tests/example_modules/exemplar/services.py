"""The notes a person may read, and writing one: the rules live here, not in the views."""

from core.accounts.permissions import check, scope
from core.errors import DomainError
from core.extensions import db
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
