"""Localized notifications: rendered in the recipient's language, delivered by a job over SMTP.

A mail template has two blocks, ``subject`` and ``body``. Messages are stored before delivery, so
a failed delivery is retried by the job system and an admin can see what was sent to whom.
Without SMTP_URL (development), delivery only logs the recipient and subject: the body, whose
links may be credentials, stays in the outbox table (core_mail).
"""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime
from email.message import EmailMessage
from urllib.parse import unquote, urlparse

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import UTCDateTime, utcnow
from core.extensions import Model, db
from core.jobs import enqueue

log = logging.getLogger("erp.mail")


class OutgoingMail(Model):
    __tablename__ = "core_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    template: Mapped[str] = mapped_column(String(120))
    locale: Mapped[str] = mapped_column(String(5))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    ics: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


def render(template: str, locale: str, **context) -> tuple[str, str]:
    env = current_app.jinja_env
    tmpl = env.get_template(template)
    with force_locale(locale):
        ctx = tmpl.new_context({**env.globals, **context})
        subject = "".join(tmpl.blocks["subject"](ctx)).strip()
        body = "".join(tmpl.blocks["body"](ctx)).strip() + "\n"
    return subject, body


def send(template: str, to, ics: str | None = None, **context) -> OutgoingMail:
    """Queue a message to a User (in their language) or to a bare address (in French)."""
    address = getattr(to, "email", to)
    locale = getattr(to, "locale", None) or current_app.config["BABEL_DEFAULT_LOCALE"]
    subject, body = render(template, locale, recipient=to, **context)
    mail = OutgoingMail(
        to_address=address,
        user_id=getattr(to, "id", None),
        template=template,
        locale=locale,
        subject=subject,
        body=body,
        ics=ics,
    )
    db.session.add(mail)
    db.session.flush()
    enqueue(deliver, mail.id)
    return mail


def _message(mail: OutgoingMail) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_FROM"]
    msg["To"] = mail.to_address
    msg["Subject"] = mail.subject
    msg.set_content(mail.body)
    if mail.ics:
        msg.add_attachment(
            mail.ics.encode(),
            maintype="text",
            subtype="calendar",
            filename="invitation.ics",
            params={"method": "PUBLISH"},
        )
    # Last: set_content() and add_attachment() clear or move Content-* headers of the message.
    msg["Content-Language"] = mail.locale
    return msg


def deliver(mail_id: int) -> None:
    mail = db.session.get(OutgoingMail, mail_id)
    if mail is None or mail.sent_at is not None:
        return
    url = current_app.config.get("SMTP_URL")
    msg = _message(mail)
    if not url:
        # the body stays in the outbox table: its links (password reset, confirmation) are credentials
        log.info("mail %s not sent (no SMTP_URL) to=%s subject=%s", mail.id, mail.to_address, mail.subject)
    else:
        parts = urlparse(url)
        smtp_class = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
        with smtp_class(parts.hostname, parts.port or 25, timeout=10) as smtp:
            if parts.scheme == "smtp+starttls":
                smtp.starttls()
            if parts.username:
                smtp.login(unquote(parts.username), unquote(parts.password or ""))
            smtp.send_message(msg)
    mail.sent_at = utcnow()
