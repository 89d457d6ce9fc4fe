"""Demo data for `flask demo load`."""

from core.extensions import db
from exemplar.models import Note


def load(demo) -> None:
    db.session.add(Note(organization_id=demo.members["tours"].id, text="Demo note"))
