"""A training session from creation to certificates, in a real browser, in French and in English,
from the demo network: the coordinator schedules a session with the national network's trainer,
two member managers enrol their people, the trainer takes attendance on a phone, and once the
session is over the attendees download their certificates."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.clock import today
from core.db import utcnow
from core.extensions import db
from modules.training.models import TrainingSession
from tests.browser.conftest import check_accessibility, fits_the_screen, log_in, screenshot, switch_language
from tests.training.conftest import shift_to_past

COURSE = "Valoriser le textile"
TEXT = {
    "fr": {
        "new": "Nouvelle session",
        "course": "Formation",
        "trainer": "Formateur ou formatrice",
        "host": "Site d'accueil",
        "address": "Adresse",
        "half_days": "Demi-journées",
        "seats": "Places",
        "minimum": "Minimum de participants",
        "go": "Date de décision (maintien ou annulation)",
        "save": "Enregistrer",
        "go_error": "La date de décision doit précéder la première demi-journée.",
        "created": "Session créée.",
        "name": "Nom du participant",
        "email": "E-mail du participant",
        "enrol": "Inscrire",
        "enrolled": "est inscrit·e.",
        "attendance": "Présence",
        "present": "Présent",
        "absent": "Absent",
        "save_attendance": "Enregistrer l'appel",
        "saved": "Appel enregistré pour 3 personnes.",
        "over": "Terminée",
        "certificates": "Attestations",
        "issue": "Délivrer les attestations manquantes",
        "issued": "2 attestations délivrées et envoyées.",
        "never": "Jamais noté présent",
        "download": "Télécharger (7 h)",
    },
    "en": {
        "new": "New session",
        "course": "Course",
        "trainer": "Trainer",
        "host": "Host site",
        "address": "Address",
        "half_days": "Half-days",
        "seats": "Seats",
        "minimum": "Minimum participants",
        "go": "Go/no-go date",
        "save": "Save",
        "go_error": "The go/no-go date must come before the first half-day.",
        "created": "Session created.",
        "name": "Participant's name",
        "email": "Participant's e-mail",
        "enrol": "Enrol",
        "enrolled": "is enrolled.",
        "attendance": "Attendance",
        "present": "Present",
        "absent": "Absent",
        "save_attendance": "Save attendance",
        "saved": "Attendance saved for 3 people.",
        "over": "Over",
        "certificates": "Certificates",
        "issue": "Issue the missing certificates",
        "issued": "2 certificates issued and sent.",
        "never": "Never marked present",
        "download": "Download (7 h)",
    },
}


def time_passes(session_id: int, first_half_day_started: timedelta) -> None:
    """Move the session back in time so its first half-day started that long ago."""
    db.session.expire_all()
    session = db.session.get(TrainingSession, session_id)
    shift_to_past(session, (session.starts_at - utcnow() + first_half_day_started).total_seconds() / 86400)


def enrol(page, t, name: str, email: str) -> None:
    page.get_by_label(t["name"]).fill(name)
    page.get_by_label(t["email"]).fill(email)
    page.get_by_role("button", name=t["enrol"], exact=True).click()
    assert f"{name} {t['enrolled']}" in page.locator(".alert").first.inner_text()


def take_attendance(phone, t, absent: str) -> None:
    for person in phone.locator("fieldset").all():
        choice = t["absent"] if absent in person.locator("legend").inner_text() else t["present"]
        person.get_by_text(choice, exact=True).click()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_training_session_from_creation_to_certificates(page, other_page, site, lang):
    t, first_day = TEXT[lang], today() + timedelta(days=10)
    log_in(page, site, "coordination")
    switch_language(page, lang)

    # The coordinator schedules the session; a go/no-go date after the start is refused on its field.
    page.goto(f"{site}/training/")
    page.get_by_role("link", name=t["new"]).click()
    check_accessibility(page)
    page.get_by_label(t["course"], exact=True).select_option(label=COURSE)
    page.get_by_label(t["trainer"], exact=True).select_option(label="Hélène Roux")
    page.get_by_label(t["host"], exact=True).select_option(label="Ressourcerie du Cher")
    page.get_by_label(t["address"], exact=True).fill("1 rue du Réemploi, Bourges")
    half_days = f"{first_day:%Y-%m-%d} 09:00-12:30\n{first_day:%Y-%m-%d} 13:30-17:00"
    page.get_by_label(t["half_days"], exact=True).fill(half_days)
    page.get_by_label(t["seats"], exact=True).fill("10")
    page.get_by_label(t["minimum"], exact=True).fill("3")
    page.get_by_label(t["go"], exact=True).fill(f"{first_day + timedelta(days=1):%Y-%m-%d}T09:00")
    page.get_by_role("button", name=t["save"], exact=True).click()
    go = page.get_by_label(t["go"], exact=True)
    assert (
        go.get_attribute("aria-invalid") == "true" and t["go_error"] in page.locator("#go_no_go_at-error").inner_text()
    )
    assert page.get_by_label(t["half_days"], exact=True).input_value() == half_days
    check_accessibility(page)
    go.scroll_into_view_if_needed()
    screenshot(page, f"training-session-form-{lang}")
    go.fill(f"{first_day - timedelta(days=3):%Y-%m-%d}T09:00")
    page.get_by_role("button", name=t["save"], exact=True).click()
    assert t["created"] in page.locator(".alert").first.inner_text()
    details = page.locator("main").inner_text()
    assert "Hélène Roux (Réseau national des ressourceries)" in details
    assert "Réseau des ressourceries Centre-Val de Loire et Limousin" in details  # paid by the network
    session_path = page.url.removeprefix(site)
    session_id = int(session_path.rsplit("/", 1)[1])

    # Two member managers enrol their people from the catalogue.
    for manager, people in (
        (
            "gestion",
            [("Karim Benali", "equipe@ressourceries.example"), ("Lucie Garnier", "lucie.garnier@tours.example")],
        ),
        ("bureau", [("Hugo Lambert", "hugo.lambert@orleans.example")]),
    ):
        member = other_page()
        log_in(member, site, manager)
        switch_language(member, lang)
        member.goto(f"{site}/training/")
        check_accessibility(member)
        member.locator(f"a[href='{session_path}']").click()
        for name, email in people:
            enrol(member, t, name, email)
        check_accessibility(member)
    page.goto(f"{site}{session_path}")
    check_accessibility(page)
    screenshot(page, f"training-session-{lang}")

    # The trainer prepares on a computer (sign-in sheet), then takes attendance on a phone.
    trainer = other_page()
    log_in(trainer, site, "formatrice")
    switch_language(trainer, lang)
    trainer.goto(f"{site}{session_path}")
    sheet = trainer.request.get(f"{site}/training/sessions/{session_id}/sign-in-sheet.pdf")
    assert sheet.ok and sheet.body().startswith(b"%PDF")
    time_passes(session_id, timedelta(minutes=15))
    phone = other_page(phone=True)
    log_in(phone, site, "formatrice")
    phone.goto(f"{site}{session_path}")
    assert fits_the_screen(phone)
    check_accessibility(phone)
    phone.get_by_role("link", name=t["attendance"]).first.click()
    take_attendance(phone, t, absent="Hugo Lambert")
    assert fits_the_screen(phone)
    check_accessibility(phone)
    screenshot(phone, f"training-attendance-mobile-{lang}")
    phone.get_by_role("button", name=t["save_attendance"]).click()
    assert t["saved"] in phone.locator(".alert").first.inner_text()
    time_passes(session_id, timedelta(hours=8, minutes=30))  # the afternoon is over too
    phone.goto(f"{site}{session_path}")
    phone.get_by_role("link", name=t["attendance"]).nth(1).click()
    take_attendance(phone, t, absent="Hugo Lambert")
    phone.get_by_role("button", name=t["save_attendance"]).click()
    assert t["saved"] in phone.locator(".alert").first.inner_text()

    # The session is over: the coordinator issues the certificates of those who attended.
    page.goto(f"{site}{session_path}")
    assert t["over"] in page.locator("main").inner_text()
    check_accessibility(page)
    page.get_by_role("link", name=t["certificates"], exact=True).click()
    page.get_by_role("button", name=t["issue"]).click()
    assert t["issued"] in page.locator(".alert").first.inner_text()
    assert t["never"] in page.locator("tr", has_text="Hugo Lambert").inner_text()
    check_accessibility(page)
    screenshot(page, f"training-certificates-{lang}")

    # An attendee finds the certificate in their history, as a PDF.
    attendee = other_page()
    log_in(attendee, site, "equipe")
    switch_language(attendee, lang)
    attendee.goto(f"{site}/training/history")
    row = attendee.locator("tr", has=attendee.locator(f"a[href='{session_path}']"))
    check_accessibility(attendee)
    screenshot(attendee, f"training-history-{lang}")
    link = row.get_by_role("link", name=t["download"]).get_attribute("href")
    certificate = attendee.request.get(site + link)
    assert certificate.ok and certificate.headers["content-type"] == "application/pdf"
    assert certificate.body().startswith(b"%PDF")

    # Anyone can check it with the code it carries.
    attendee.goto(f"{site}/training/verify/{link.rsplit('/', 1)[1].removesuffix('.pdf')}")
    assert "Karim Benali" in attendee.locator("main").inner_text()
    check_accessibility(attendee)
