from core.extensions import db
from exemplar.models import Note


def touch_note(note_id: int) -> None:
    note = db.session.get(Note, note_id)
    if note is not None:
        note.ticks += 1


def fail_always(note_id: int) -> None:
    raise RuntimeError(f"note {note_id} refuses")


def tick_all() -> None:
    for note in db.session.scalars(db.select(Note)):
        note.ticks += 1
