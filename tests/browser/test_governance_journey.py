"""A vote of the bureau in a real browser, in French and in English: the president drafts and publishes a
poll, the treasurer gives her proxy to the secretary, the president opens the vote, everyone votes (the
secretary twice, once through the proxy), the president closes it once every seat has voted, and the results
(chart with its table) and the minutes PDF are published."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, time, timedelta

import pytest

from core.clock import today
from tests.browser.conftest import check_accessibility, log_in, screenshot, switch_language
from tests.browser.steps import flash, person, visit

BUREAU = "Bureau"  # Paul Lefèvre (bureau) president, Marie Dubois (bureau2), Thomas Petit (bureau3)
QUESTION = {"fr": "Adhérer à la charte régionale du réemploi ?", "en": "Sign the regional reuse charter?"}
TEXT = {
    "fr": {
        "create": "Créer un scrutin",
        "publish": "Publier",
        "give": "Donner pouvoir",
        "proxy_recorded": "Le pouvoir est enregistré.",
        "open": "Ouvrir le vote maintenant",
        "opened": "Le scrutin est ouvert",
        "vote": "Voter",
        "yes": "Oui",
        "no": "Non",
        "recorded": "Votre bulletin est enregistré.",
        "by_proxy": "par pouvoir",
        "close": "Clore le vote et publier les résultats",
        "closed": "Le scrutin est clos",
        "adopted": "La résolution est adoptée.",
        "table": "Afficher les chiffres sous forme de tableau",
        "minutes": "Procès-verbal du vote (PDF)",
        "csv": "Bulletins en CSV",
    },
    "en": {
        "create": "Create a poll",
        "publish": "Publish",
        "give": "Give the proxy",
        "proxy_recorded": "The proxy is recorded.",
        "open": "Open the vote now",
        "opened": "The poll is open",
        "vote": "Vote",
        "yes": "Yes",
        "no": "No",
        "recorded": "Your ballot is recorded.",
        "by_proxy": "by proxy",
        "close": "Close the vote and publish the results",
        "closed": "The poll is closed",
        "adopted": "The motion is adopted.",
        "table": "Show the figures as a table",
        "minutes": "Minutes of the vote (PDF)",
        "csv": "Ballots as CSV",
    },
}


def confirm_next_dialog(page) -> None:
    page.once("dialog", lambda dialog: dialog.accept())


def cast(page, text: dict, ballots: dict[str, str]) -> list[str]:
    """Vote in the ballot of each seat (by its name): one's own, then the proxies one holds.
    Returns the receipt codes of these secret ballots."""
    receipts = []
    for seat, answer in ballots.items():
        ballot = page.locator("main section").filter(has=page.get_by_role("heading", name=seat))
        ballot.get_by_label(answer, exact=True).check()
        ballot.get_by_role("button", name=text["vote"]).click()
        message = flash(page)
        assert text["recorded"] in message
        receipts.append(re.search(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){5}", message).group(0))
        check_accessibility(page)
    assert page.locator("main section form").count() == 0
    return receipts


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_bureau_vote_from_the_draft_to_the_minutes(page, other_page, site, lang):
    text, question = TEXT[lang], QUESTION[lang]

    # the president drafts a yes/no poll of the bureau, opening tomorrow morning, and publishes it
    log_in(page, site, "bureau")
    switch_language(page, lang)
    visit(page, f"{site}/governance/")
    page.get_by_role("link", name=BUREAU, exact=True).click()
    visit(page)
    page.get_by_role("link", name=text["create"]).click()
    visit(page)
    opens = datetime.combine(today() + timedelta(days=1), time(9))
    page.fill("#question", question)
    page.select_option("#method", "yes_no")
    page.select_option("#rule", "simple")
    page.fill("#opens_at", opens.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#closes_at", (opens + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"))
    page.locator("main form [type=submit]").click()
    assert page.locator("h1").inner_text() == question
    visit(page)
    page.get_by_role("button", name=text["publish"], exact=True).click()
    poll_url = page.url
    visit(page)
    screenshot(page, f"governance-poll-scheduled-{lang}")

    # before the opening, Marie Dubois gives her proxy to Thomas Petit
    grantor = person(other_page, site, "bureau2", lang)
    visit(grantor, f"{site}/governance/")
    grantor.get_by_role("link", name=question).click()
    visit(grantor)
    grantor.select_option("#proxy-holder_id", label="Thomas Petit")
    grantor.get_by_role("button", name=text["give"]).click()
    assert text["proxy_recorded"] in flash(grantor)
    visit(grantor)

    # the president opens the vote in session (the voter list and the proxy are frozen)
    page.goto(poll_url)
    confirm_next_dialog(page)
    page.get_by_role("button", name=text["open"]).click()
    assert text["opened"] in flash(page)
    visit(page)

    # the president votes yes; Thomas Petit votes no for himself and yes for Marie Dubois, as she asked
    receipts = cast(page, text, {"Paul Lefèvre": text["yes"]})
    secretary = person(other_page, site, "bureau3", lang)
    visit(secretary, f"{site}/governance/")
    secretary.get_by_role("link", name=question).first.click()  # under "your ballots to cast"
    headings = secretary.locator("main section h3").all_inner_texts()
    assert headings[0] == "Thomas Petit" and headings[1].startswith("Marie Dubois") and text["by_proxy"] in headings[1]
    visit(secretary)
    screenshot(secretary, f"governance-proxy-vote-{lang}")
    receipts += cast(secretary, text, {"Thomas Petit": text["no"], "Marie Dubois": text["yes"]})

    # every seat has voted: the president closes the vote; the results are published
    page.goto(poll_url)
    confirm_next_dialog(page)
    page.get_by_role("button", name=text["close"]).click()
    assert text["closed"] in flash(page)
    assert text["adopted"] in page.locator("main").inner_text()
    chart = page.locator("figure img")
    chart.scroll_into_view_if_needed()
    assert chart.evaluate("image => image.complete && image.naturalWidth > 0")
    visit(page)
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, f"governance-results-{lang}")
    page.get_by_text(text["table"]).click()  # the table alternative of the chart
    figures = page.locator("figure table tbody").inner_text()
    assert f"{text['yes']}\t2" in figures and f"{text['no']}\t1" in figures
    published = page.locator("main > table").last.inner_text()  # every receipt is in the published ballots
    assert all(receipt in published for receipt in receipts)

    # the minutes PDF and the published ballots are downloadable
    minutes = page.request.get(site + page.get_by_role("link", name=text["minutes"]).get_attribute("href"))
    assert minutes.ok and minutes.headers["content-type"] == "application/pdf"
    assert minutes.body().startswith(b"%PDF")
    svg = page.request.get(site + chart.get_attribute("src"))
    assert svg.ok and svg.headers["content-type"].startswith("image/svg+xml")
    ballots = page.request.get(site + page.get_by_role("link", name=text["csv"]).get_attribute("href"))
    rows = list(csv.DictReader(io.StringIO(ballots.text().removeprefix("\ufeff")), delimiter=";"))
    assert ballots.ok and {row["receipt"]: row["choice"] for row in rows} == dict(
        zip(receipts, ['"yes"', '"no"', '"yes"'])
    )
