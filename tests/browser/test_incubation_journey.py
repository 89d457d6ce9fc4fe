"""A project holder's journey in a real browser, in French and in English: sign up, confirm the e-mail
address from the message received over SMTP, apply to a track, get accepted by the coordinator, request
an immersion accepted by the host site's referent, hand in a milestone with its document, read the timeline."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from core.clock import today
from tests.browser.conftest import screenshot, switch_language
from tests.browser.steps import flash, person, visit

TEXT = {
    "fr": {
        "signup": "S'inscrire comme porteur de projet",
        "check": "Consultez vos courriels",
        "confirmed": "Votre adresse de courriel est confirmée.",
        "apply": "Candidater",
        "sent": "Votre candidature est envoyée.",
        "review": "Examiner la candidature",
        "decided": "La décision est envoyée.",
        "on_track": "en parcours",
        "request": "Demander un accueil",
        "requested": "Votre demande est envoyée au référent.",
        "immersion": "Immersion (une période)",
        "accepted": "L'accueil est accepté.",
        "submitted": "Le jalon est remis à vos accompagnateurs.",
        "timeline": "Chronologie",
        "application_sent": "Candidature envoyée",
        "accept": "Accepter",
        "mail_subject": "Confirmez votre adresse de courriel",
        "your_project": "Votre projet : pas encore candidat",
        "to_review": re.compile(r"\d+ candidatures? à examiner"),
        "to_answer": "1 demande d'accueil à traiter",
    },
    "en": {
        "signup": "Sign up as a project holder",
        "check": "Check your e-mail",
        "confirmed": "Your e-mail address is confirmed.",
        "apply": "Apply",
        "sent": "Your application is sent.",
        "review": "Review the application",
        "decided": "The decision is sent.",
        "on_track": "on the track",
        "request": "Request a placement",
        "requested": "Your request is sent to the referent.",
        "immersion": "Immersion (a period)",
        "accepted": "The placement is accepted.",
        "submitted": "The milestone is submitted to your coaches.",
        "timeline": "Timeline",
        "application_sent": "Application sent",
        "accept": "Accept",
        "mail_subject": "Confirm your e-mail address",
        "your_project": "Your project: not applied yet",
        "to_review": re.compile(r"\d+ applications? to review"),
        "to_answer": "1 placement request to answer",
    },
}
HOLDER = {
    "name": "Zoé Lemaire",
    "project": "Projet de ressourcerie à Saint-Amand",
    "territory": "Saint-Amand-Montrond (Cher)",
}
PASSWORD = "Réemploi-2026!"


@pytest.fixture
def mail_site(app, smtp_server, site):
    """The demo site sending its mail to a real SMTP server, with links back to the served site."""
    app.config["PUBLIC_URL"] = site
    return site, smtp_server


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_project_holder_goes_from_sign_up_to_the_timeline(page, other_page, mail_site, lang, tmp_path):
    site, inbox = mail_site
    text = TEXT[lang]
    address = f"zoe.lemaire.{lang}@example.org"

    # sign up on the public page, in the chosen language
    page.goto(f"{site}/incubation/signup")
    switch_language(page, lang)
    assert page.locator("h1").inner_text() == text["signup"]
    visit(page)
    screenshot(page, f"incubation-signup-{lang}")
    page.fill("#name", HOLDER["name"])
    page.fill("#email", address)
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD + "?")
    page.fill("#project_name", HOLDER["project"])
    page.fill("#territory", HOLDER["territory"])
    page.fill("#needs", "Un local et une équipe formée au tri.")
    page.locator("main form [type=submit]").click()

    # a typing slip is shown on its field; what was typed stays (but the passwords)
    assert page.locator("#confirm").get_attribute("aria-invalid") == "true"
    assert page.locator("#confirm-error").is_visible()
    assert page.locator("#project_name").input_value() == HOLDER["project"]
    assert page.locator("#needs").input_value() == "Un local et une équipe formée au tri."
    visit(page)
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.locator("main form [type=submit]").click()
    assert page.locator("h1").inner_text() == text["check"]
    assert address in page.locator("main").inner_text()
    visit(page)

    # the confirmation link comes by e-mail, in the language of the sign-up
    message = next(m for m in inbox.messages if m["To"] == address)
    assert message["Subject"] == text["mail_subject"]
    link = re.search(r"https?://\S+/incubation/confirm/\S+", message.get_body(("plain",)).get_content()).group(0)
    page.goto(link)
    assert text["confirmed"] in flash(page)
    visit(page)
    page.fill("#email", address)
    page.fill("#password", PASSWORD)
    page.locator("main form [type=submit]").click()
    page.wait_for_url(f"{site}/dashboard")
    visit(page)

    # the dashboard leads the holder to the project page, where they apply to a track
    page.get_by_role("link", name=text["your_project"]).click()
    assert page.locator("h1").inner_text() == HOLDER["project"]
    visit(page)
    page.select_option("#apply-track_id", label="Émergence")
    page.fill("#apply-motivation", "Ouvrir une ressourcerie dans le sud du Cher d'ici deux ans.")
    page.get_by_role("button", name=text["apply"], exact=True).click()
    assert text["sent"] in flash(page)
    project_url = page.url
    visit(page)

    # the coordinator, in another browser, accepts the application
    coordinator = person(other_page, site, "coordination", lang)
    visit(coordinator)
    coordinator.get_by_role("link", name=text["to_review"]).click()
    visit(coordinator)
    coordinator.get_by_role("link", name=HOLDER["project"]).click()
    assert coordinator.get_by_role("heading", name=text["review"]).is_visible()
    visit(coordinator)
    screenshot(coordinator, f"incubation-review-{lang}")
    coordinator.select_option("#review-decision", "accept")
    coordinator.fill("#review-note", "Bienvenue dans le parcours Émergence.")
    coordinator.locator("#review-submit").click()
    assert text["decided"] in flash(coordinator)
    visit(coordinator)

    # the holder, now on the track, asks for an immersion at Limoges
    page.goto(project_url)
    assert text["on_track"] in page.locator("main").inner_text()
    visit(page)
    page.get_by_role("link", name=text["request"]).click()
    visit(page)
    start = today() + timedelta(days=3)
    page.select_option("#host_site_id", label="Ressourcerie Limousine (2)")
    page.select_option("#kind", label=text["immersion"])
    page.fill("#start_date", start.isoformat())
    page.fill("#end_date", (start + timedelta(days=2)).isoformat())
    page.fill("#message", "Découvrir l'atelier de réparation.")
    page.locator("main form [type=submit]").click()
    assert text["requested"] in flash(page)
    visit(page)

    # the site's referent accepts it
    referent = person(other_page, site, "accueil", lang)
    visit(referent)
    referent.get_by_role("link", name=text["to_answer"]).click()
    visit(referent)
    referent.get_by_role("row", name=HOLDER["name"]).get_by_role("link").click()
    visit(referent)
    screenshot(referent, f"incubation-placement-request-{lang}")
    referent.fill("#note", "Bienvenue à Limoges !")
    referent.get_by_role("button", name=text["accept"], exact=True).click()
    assert text["accepted"] in flash(referent)
    visit(referent)

    # the holder hands in the first milestone with its document
    document = tmp_path / "etude-de-marche.pdf"
    document.write_bytes(b"%PDF-1.4\n% etude de marche\n%%EOF\n")
    page.goto(project_url)
    card = page.locator("article").filter(has_text="Étude de marché")
    card.locator("input[type=file]").set_input_files(document)
    card.locator("textarea").fill("Étude des gisements du sud du Cher.")
    card.locator("[type=submit]").click()
    assert text["submitted"] in flash(page)
    assert page.get_by_role("link", name="etude-de-marche.pdf").is_visible()
    visit(page)

    # and reads the timeline: application, stage, milestones, the immersion
    timeline = page.locator("section").filter(has=page.get_by_role("heading", name=text["timeline"]))
    rows = timeline.locator("tbody tr").all_inner_texts()
    assert any(text["application_sent"] in row for row in rows)
    assert any("Ressourcerie Limousine" in row and HOLDER["name"] in row for row in rows)
    timeline.scroll_into_view_if_needed()
    screenshot(page, f"incubation-timeline-{lang}")
