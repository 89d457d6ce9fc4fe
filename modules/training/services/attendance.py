"""Attendance per half-day, the printable sign-in sheet and the completion certificates."""

from __future__ import annotations

import io
import secrets
from decimal import Decimal

import segno
from flask_babel import gettext as _

from core import audit
from core.accounts.permissions import PermissionDenied
from core.clock import local
from core.db import locked, utcnow
from core.errors import Conflict, DomainError, NotFound
from core.extensions import db
from core.pdf import Document
from core.web.urls import public_url
from modules.training.models import (
    ENROLLED,
    SESSION_CANCELLED,
    Attendance,
    Certificate,
    Enrolment,
    Slot,
    TrainingSession,
)
from modules.training.services import notify
from modules.training.services.common import can_manage, get_slot, is_session_trainer
from modules.training.services.enrolment import apply_deadlines

MARK_BEFORE_START_MINUTES = 60  # the trainer may open the sheet a little before the half-day


def check_can_take_attendance(actor, session: TrainingSession) -> None:
    if not (can_manage(actor) or is_session_trainer(actor, session)):
        raise PermissionDenied("training.attendance")


def participants(session_id: int) -> list[Enrolment]:
    return list(
        db.session.scalars(
            db.select(Enrolment)
            .where(Enrolment.session_id == session_id, Enrolment.status == ENROLLED)
            .order_by(Enrolment.name, Enrolment.id)
        )
    )


def marks(session_id: int) -> dict[tuple[int, int], bool]:
    """(enrolment id, slot id) -> present, for the whole session in one query."""
    rows = db.session.execute(
        db.select(Attendance.enrolment_id, Attendance.slot_id, Attendance.present)
        .join(Slot)
        .where(Slot.session_id == session_id)
    )
    return {(e, s): p for e, s, p in rows}


def record_attendance(actor, slot_id: int, presence: dict[int, bool]) -> int:
    """Mark each listed participant present or absent for one half-day; all or nothing."""
    slot = get_slot(slot_id)
    session = locked(TrainingSession, slot.session_id)
    check_can_take_attendance(actor, session)
    apply_deadlines(session)
    if session.status == SESSION_CANCELLED:
        raise Conflict(_("This session is cancelled."))
    if (slot.starts_at - utcnow()).total_seconds() > MARK_BEFORE_START_MINUTES * 60:
        raise Conflict(_("Attendance opens when the half-day starts."))
    enrolled = {e.id for e in participants(session.id)}
    unknown = sorted(set(presence) - enrolled)
    if unknown:
        raise DomainError(
            _("These people are not enrolled in this session: %(ids)s.", ids=", ".join(map(str, unknown))), "presence"
        )
    existing = {
        a.enrolment_id: a for a in db.session.scalars(db.select(Attendance).where(Attendance.slot_id == slot.id))
    }
    now = utcnow()
    for enrolment_id, present in presence.items():
        row = existing.get(enrolment_id) or Attendance(enrolment_id=enrolment_id, slot_id=slot.id)
        row.present, row.marked_at, row.marked_by_id = bool(present), now, actor.id
        db.session.add(row)
    db.session.flush()
    audit.record("training.attendance", "training_slot", slot.id, marked=len(presence))
    return len(presence)


def hours_attended(session: TrainingSession) -> dict[int, Decimal]:
    slot_hours = {s.id: s.hours for s in session.slots}
    totals: dict[int, Decimal] = {}
    for (enrolment_id, slot_id), present in marks(session.id).items():
        if present:
            totals[enrolment_id] = totals.get(enrolment_id, Decimal("0")) + slot_hours[slot_id]
    return totals


def issue_certificates(actor, session_id: int) -> list[Certificate]:
    """One certificate per participant marked present at least once, once the session is over."""
    session = locked(TrainingSession, session_id)
    check_can_take_attendance(actor, session)
    apply_deadlines(session)
    if session.status == SESSION_CANCELLED:
        raise Conflict(_("This session is cancelled."))
    if session.ends_at > utcnow():
        raise Conflict(_("Certificates are issued once the last half-day is over."))
    hours = hours_attended(session)
    done = set(
        db.session.scalars(
            db.select(Certificate.enrolment_id).join(Enrolment).where(Enrolment.session_id == session.id)
        )
    )
    issued = []
    for enrolment in participants(session.id):
        if enrolment.id in done or enrolment.id not in hours:
            continue
        certificate = Certificate(enrolment_id=enrolment.id, code=secrets.token_urlsafe(18), hours=hours[enrolment.id])
        db.session.add(certificate)
        db.session.flush()
        notify.certificate(enrolment, certificate.code)
        issued.append(certificate)
    audit.record("training.certificates", "training_session", session.id, issued=len(issued))
    return issued


def find_certificate(code: str) -> Certificate:
    certificate = None
    if code and len(code) <= 64:
        certificate = db.session.scalar(db.select(Certificate).where(Certificate.code == code.strip()))
    if certificate is None:
        raise NotFound(_("No certificate has this verification code."))
    return certificate


def _dates(session: TrainingSession) -> str:
    days = sorted({local(s.starts_at).strftime("%d/%m/%Y") for s in session.slots})
    return ", ".join(days)


def _half_day_label(slot: Slot) -> str:
    start = local(slot.starts_at)
    part = _("morning") if start.hour < 12 else _("afternoon")
    return start.strftime("%d/%m ") + part


def sign_in_sheet(session: TrainingSession) -> bytes:
    """A line per participant and a column per half-day, to be signed."""
    doc = Document(_("Sign-in sheet: %(title)s", title=session.course.title), orientation="L")
    doc.paragraph(_("Trainer: %(name)s", name=session.trainer.name))
    doc.paragraph(_("Place: %(address)s", address=session.address))
    doc.paragraph(_("Dates: %(dates)s", dates=_dates(session)))
    header = [_("Participant"), _("Organization")] + [_half_day_label(s) for s in session.slots]
    rows = [[e.name, e.organization.name] + [""] * len(session.slots) for e in participants(session.id)]
    slot_width = max(18.0, 150.0 / max(1, len(session.slots)))
    fixed = 277.0 - slot_width * len(session.slots)
    widths = [fixed * 0.55, fixed * 0.45] + [slot_width] * len(session.slots) if fixed > 60 else None
    doc.table_rows(header, rows, widths)
    doc.ln(4)
    doc.paragraph(_("Trainer's signature:"))
    return doc.render()


def certificate_pdf(certificate: Certificate) -> bytes:
    enrolment = certificate.enrolment
    session = enrolment.session
    verify_url = public_url("training.verify", code=certificate.code)
    doc = Document(_("Certificate of completion"))
    doc.paragraph(
        _(
            "This certifies that %(name)s (%(org)s) attended the training course:",
            name=enrolment.name,
            org=enrolment.organization.name,
        )
    )
    doc.heading(session.course.title)
    doc.paragraph(_("Trainer: %(name)s", name=session.trainer.name))
    doc.paragraph(_("Dates: %(dates)s", dates=_dates(session)))
    doc.paragraph(_("Place: %(address)s", address=session.address))
    doc.paragraph(_("Hours attended: %(hours)s", hours=f"{certificate.hours.normalize():f}"))
    doc.ln(4)
    doc.paragraph(_("Verification code: %(code)s", code=certificate.code))
    doc.paragraph(_("Check this certificate at %(url)s", url=verify_url))
    qr = io.BytesIO()
    segno.make(verify_url, error="m").save(qr, kind="png", scale=4, border=2)
    qr.seek(0)
    doc.image(qr, w=40)
    return doc.render()


def qr_svg(code: str) -> str:
    return segno.make(public_url("training.verify", code=code), error="m").svg_inline(scale=4)
