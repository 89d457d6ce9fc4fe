"""Shared equipment in a real browser, in French and in English, from the demo network: a member's
staff member finds a van free next Tuesday to Thursday, books it, sees it in their calendar and
iCal feed, and hands it over on a phone."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import pytest
from icalendar import Calendar

from core.clock import from_local, today
from modules.pooling.services import handover
from tests.browser.conftest import check_accessibility, fits_the_screen, log_in, screenshot, switch_language

VAN = "Camion 20 m³ avec hayon"
TEXT = {
    "fr": {
        "search_title": "Trouver du matériel partagé",
        "from": "Libre du",
        "until": "Jusqu’au",
        "category": "Catégorie",
        "search": "Rechercher",
        "free": "Libre",
        "book_link": "Réserver ces dates",
        "book": "Réserver",
        "pick_up_at": "Retrait",
        "requested": "En attente de validation",
        "approve": "Valider",
        "approved": "La réservation est validée.",
        "create_feed": "Créer mon adresse de flux",
        "pick_up": "Retrait : état des lieux",
        "record_pick_up": "Enregistrer le retrait",
        "return": "Retour : état des lieux",
        "record_return": "Enregistrer le retour",
        "worn": "Usé",
        "comment": "Commentaire",
        "picked_up": "Retiré : bonne utilisation !",
        "returned": "Rendu. Merci !",
        "too_early": "Le retrait ouvre le",
    },
    "en": {
        "search_title": "Find shared equipment",
        "from": "Free from",
        "until": "Until",
        "category": "Category",
        "search": "Search",
        "free": "Free",
        "book_link": "Book these dates",
        "book": "Book",
        "pick_up_at": "Pick-up",
        "requested": "Waiting for approval",
        "approve": "Approve",
        "approved": "The booking is approved.",
        "create_feed": "Create my feed address",
        "pick_up": "Pick-up: condition report",
        "record_pick_up": "Record the pick-up",
        "return": "Return: condition report",
        "record_return": "Record the return",
        "worn": "Worn",
        "comment": "Comment",
        "picked_up": "Picked up: have a good use.",
        "returned": "Returned. Thank you!",
        "too_early": "Pick-up opens on",
    },
}


def next_tuesday() -> date:
    """Tuesday of next week (the demo keeps the van free from then to Thursday)."""
    return today() + timedelta(days=8 - today().weekday())


def typed(day: date, hour: int) -> str:
    return f"{day:%Y-%m-%d}T{hour:02d}:00"


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return from_local(datetime.combine(day, time(hour, minute)))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_member_staff_books_a_van_and_hands_it_over(page, other_page, site, monkeypatch, lang):
    t, tuesday = TEXT[lang], next_tuesday()
    thursday = tuesday + timedelta(days=2)
    log_in(page, site, "equipe")
    switch_language(page, lang)

    # Dates first: the form asks for them and shows nothing else until they are given.
    page.goto(f"{site}/pooling/")
    assert page.locator("h1").inner_text() == t["search_title"]
    assert page.locator("table").count() == 0
    check_accessibility(page)
    page.get_by_label(t["from"]).fill(typed(tuesday, 9))
    page.get_by_label(t["until"]).fill(typed(thursday, 18))
    page.get_by_label(t["category"]).select_option("véhicule")
    page.get_by_role("button", name=t["search"], exact=True).click()
    van_row = page.locator("tbody tr", has_text=VAN)
    assert t["free"] in van_row.inner_text()
    check_accessibility(page)
    screenshot(page, f"pooling-search-{lang}")

    # The result opens the item with the searched dates already in its booking form.
    van_row.get_by_role("link", name=t["book_link"]).click()
    assert page.get_by_label(t["pick_up_at"], exact=True).input_value() == typed(tuesday, 9)
    check_accessibility(page)
    page.get_by_role("button", name=t["book"], exact=True).click()
    page.wait_for_url(re.compile(r"/pooling/bookings/\d+$"))
    booking_path = page.url.removeprefix(site)
    assert t["requested"] in page.locator("h1").inner_text()
    check_accessibility(page)
    screenshot(page, f"pooling-booking-{lang}")

    # The van needs its owner's approval: the manager of La Charpente approves from the queue.
    manager = other_page()
    log_in(manager, site, "gestion")
    switch_language(manager, lang)
    manager.goto(f"{site}/pooling/approvals")
    check_accessibility(manager)
    request_row = manager.locator("tbody tr", has=manager.locator(f"a[href='{booking_path}']"))
    request_row.get_by_role("button", name=t["approve"], exact=True).click()
    assert t["approved"] in manager.locator(".alert").first.inner_text()

    # The booking is in the person's calendar, and in their personal iCal feed.
    page.goto(f"{site}/calendar?view=week&on={tuesday:%Y-%m-%d}")
    assert page.locator(f"a[href='{booking_path}']").count() == 3  # Tuesday, Wednesday, Thursday
    check_accessibility(page)
    screenshot(page, f"pooling-calendar-{lang}")
    page.get_by_role("button", name=t["create_feed"]).click()
    feed_url = page.locator("code.token-value").inner_text()
    check_accessibility(page)
    feed = page.request.get(feed_url)
    assert feed.ok and feed.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(feed.body())
    [event] = [
        e for e in calendar.walk("VEVENT") if e["UID"].startswith(f"pooling-booking-{booking_path.rsplit('/', 1)[1]}@")
    ]
    assert str(event["SUMMARY"]).startswith(f"{VAN} #1")
    assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (at(tuesday, 9), at(thursday, 18))

    # Tuesday morning, at the van, on a phone: pick-up, then the return on Thursday afternoon. The
    # server runs in this process: the handover service's clock is moved to those moments.
    phone = other_page(phone=True)
    log_in(phone, site, "equipe")
    phone.goto(f"{site}{booking_path}")
    assert t["too_early"] in phone.locator("main").inner_text()
    monkeypatch.setattr(handover, "utcnow", lambda: at(tuesday, 8, 50))
    phone.reload()
    assert phone.get_by_role("heading", name=t["pick_up"]).is_visible() and fits_the_screen(phone)
    check_accessibility(phone)
    phone.get_by_label(t["comment"]).fill("Plein fait, 45 230 km")
    phone.evaluate("window.scrollTo(0, 0)")
    screenshot(phone, f"pooling-checkout-mobile-{lang}")
    phone.get_by_role("button", name=t["record_pick_up"]).click()
    assert t["picked_up"] in phone.locator(".alert").first.inner_text()

    monkeypatch.setattr(handover, "utcnow", lambda: at(thursday, 17))
    phone.reload()
    assert phone.get_by_role("heading", name=t["return"]).is_visible() and fits_the_screen(phone)
    check_accessibility(phone)
    phone.get_by_text(t["worn"], exact=True).click()
    phone.get_by_label(t["comment"]).fill("Rayure sur la portière")
    phone.evaluate("window.scrollTo(0, 0)")
    screenshot(phone, f"pooling-checkin-mobile-{lang}")
    phone.get_by_role("button", name=t["record_return"]).click()
    assert t["returned"] in phone.locator(".alert").first.inner_text()
    assert f"{t['worn']} – Rayure sur la portière" in phone.locator("main").inner_text()
    assert fits_the_screen(phone)
    check_accessibility(phone)
