"""Small steps shared by the incubation and governance journeys."""

from __future__ import annotations

from tests.browser.conftest import check_accessibility, log_in, switch_language


def visit(page, url: str | None = None) -> None:
    """Open a page (or stay on the one just reached) and check it with axe."""
    if url:
        page.goto(url)
    check_accessibility(page)


def flash(page) -> str:
    """The first message of the page (a flash, or the page's own alert)."""
    return page.locator("main .alert").first.inner_text()


def person(other_page, site: str, who: str, lang: str):
    """A demo account logged in, in its own browser context, speaking ``lang``."""
    page = other_page()
    log_in(page, site, who)
    switch_language(page, lang)
    return page
