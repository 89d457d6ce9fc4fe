from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import OrgOwned, Timestamped, UTCDateTime
from core.extensions import db


class Note(OrgOwned, Timestamped, db.Model):
    __tablename__ = "exemplar_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(200))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ticks: Mapped[int] = mapped_column(default=0)
