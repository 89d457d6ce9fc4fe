"""The coordinator's group purchase reaches its next price tier, in a real browser, in French and
in English: from the demo campaign (gloves at 180 units, the 200+ tier 20 units away), a member's
manager pledges, is told of a wrong quantity on the field, then pushes the network past the tier."""

from __future__ import annotations

import pytest

from tests.browser.conftest import check_accessibility, log_in, screenshot, switch_language

CAMPAIGN = "Gants et vêtements de travail 2027"
TEXT = {
    "fr": {
        "search": "Rechercher",
        "quantity": "Quantité",
        "save": "Enregistrer mon engagement",
        "to_go": "encore 20 unités pour atteindre 3,10\u00a0€",
        "price": "3,60\u00a0€",
        "new_price": "3,10\u00a0€",
        "best": "Meilleur prix atteint",
        "pack": "Ce produit est conditionné par 10",
        "saved": "Votre engagement est enregistré.",
        "better": "le réseau atteint un meilleur prix",
    },
    "en": {
        "search": "Search",
        "quantity": "Quantity",
        "save": "Save my pledge",
        "to_go": "20 more units to reach €3.10",
        "price": "€3.60",
        "new_price": "€3.10",
        "best": "Best price reached",
        "pack": "This product comes in packs of 10",
        "saved": "Your pledge is saved.",
        "better": "the network reaches a better price",
    },
}


def gloves(page):
    return page.locator("tbody tr", has_text="GANT-L")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_pledges_push_the_campaign_to_its_next_price_tier(page, other_page, site, lang):
    t = TEXT[lang]
    log_in(page, site, "coordination")
    switch_language(page, lang)
    page.goto(f"{site}/pooling/purchases")
    page.get_by_role("searchbox").fill("gants")
    page.get_by_role("button", name=t["search"], exact=True).click()
    check_accessibility(page)
    page.get_by_role("link", name=CAMPAIGN).click()
    campaign_path = page.url.removeprefix(site)
    row = gloves(page)
    assert "180" in row.inner_text() and t["price"] in row.inner_text() and t["to_go"] in row.inner_text()
    check_accessibility(page)
    screenshot(page, f"purchase-campaign-{lang}")

    # The manager of the Montargis ressourcerie pledges; a quantity off the pack size is refused on the field.
    member = other_page()
    log_in(member, site, "gestion-montargis")
    switch_language(member, lang)
    member.goto(f"{site}{campaign_path}")
    check_accessibility(member)
    quantity = gloves(member).get_by_label(t["quantity"])
    quantity.fill("25")
    gloves(member).get_by_role("button", name=t["save"]).click()
    quantity = gloves(member).get_by_label(t["quantity"])
    assert quantity.input_value() == "25" and quantity.get_attribute("aria-invalid") == "true"
    assert t["pack"] in gloves(member).locator(".invalid-feedback").inner_text()
    check_accessibility(member)
    quantity.fill("30")
    gloves(member).get_by_role("button", name=t["save"]).click()
    notices = member.locator(".alert").all_inner_texts()
    assert any(t["saved"] in n for n in notices) and any(t["better"] in n for n in notices)
    row = gloves(member)
    assert "210" in row.inner_text() and t["new_price"] in row.inner_text() and t["best"] in row.inner_text()
    check_accessibility(member)
    screenshot(member, f"purchase-tier-reached-{lang}")

    # The coordinator's page shows the new tier too.
    page.reload()
    row = gloves(page)
    assert "210" in row.inner_text() and t["best"] in row.inner_text()
    assert row.locator("li.fw-bold").inner_text().startswith("200+")
