"""Playwright with Debian's chromium against the app served on 127.0.0.1 with the demo network.

Skipped with a clear message only when chromium is truly absent (`.ci/run` installs it)."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from core.demo import DEMO_PASSWORD, email, load_demo
from core.extensions import db

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# The journeys are photographed into a temporary folder, so that `make test` leaves the tree clean;
# `make screenshots` sets ERP_SCREENSHOTS=docs/screenshots to refresh the README's pictures.
SCREENSHOTS = Path(os.environ.get("ERP_SCREENSHOTS") or Path(tempfile.gettempdir()) / "erp-screenshots")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    # A pytestmark in a conftest marks nothing: mark this folder's tests so `-m "not browser"` works.
    for item in items:
        if "tests/browser/" in str(item.path):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def erp_modules():
    from core.loader import discover
    from tests.conftest import ROOT

    return ",".join(discover([str(ROOT / "modules")]))  # every business module, not the test example


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM:
        pytest.skip("chromium is not installed (apt-get install chromium); browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def site(app):
    """The app with the demo network, served by a threaded server on a free loopback port."""
    load_demo()
    db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _checked_page(browser, phone: bool = False):
    """A page in a new browser context (its own cookies: another person) and the errors it meets;
    ``phone``: a 390x844 touch screen, for the pages used standing up (check-out, attendance)."""
    screen = PHONE if phone else {"viewport": {"width": 1280, "height": 900}}
    # Reduced motion turns Bootstrap's transitions off: axe then measures the final colours of a
    # button just clicked, not a frame of its fade.
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris", reduced_motion="reduce", **screen)
    page = context.new_page()
    errors: list[str] = []
    # CSP violations and any resource answering with an error; a request the browser abandons
    # when a test navigates on is not the app's fault. 422 is a refused form shown again with its
    # errors, on purpose.
    page.on(
        "console",
        lambda msg: errors.append(msg.text) if msg.type == "error" and "Content Security Policy" in msg.text else None,
    )
    page.on(
        "response",
        lambda response: (
            errors.append(f"{response.status} {response.url}")
            if response.status >= 400 and response.status != 422
            else None
        ),
    )
    return context, page, errors


@pytest.fixture
def page(browser):
    context, page, errors = _checked_page(browser)
    yield page
    context.close()
    assert errors == [], f"CSP violations or failed resources: {errors}"


@pytest.fixture
def other_page(browser):
    """other_page() -> a page in a new browser context, for a second person; checked like ``page``.
    other_page(phone=True): the same on a phone-sized touch screen."""
    opened = []

    def open_page(phone: bool = False):
        opened.append(_checked_page(browser, phone))
        return opened[-1][1]

    yield open_page
    for context, _page, _errors in opened:
        context.close()
    errors = [error for _context, _page, found in opened for error in found]
    assert errors == [], f"CSP violations or failed resources: {errors}"


def log_in(page, site: str, who: str) -> None:
    page.goto(f"{site}/login")
    page.get_by_label("Adresse e-mail").or_(page.get_by_label("E-mail")).fill(email(who))
    page.get_by_label("Mot de passe").or_(page.get_by_label("Password")).fill(DEMO_PASSWORD)
    page.locator("form input[type=submit]").click()
    page.wait_for_url(f"{site}/dashboard")


def switch_language(page, lang: str) -> None:
    """Choose the interface language with the navbar's button (kept in the session).

    The navbar offers only the other language, so no button means the page speaks ``lang`` already."""
    button = page.get_by_role("button", name={"fr": "Français", "en": "English"}[lang], exact=True)
    if button.count():
        button.click()
        page.wait_for_load_state()


def fits_the_screen(page) -> bool:
    """No horizontal scrolling: the page is laid out for the width of its screen (a phone's)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def check_accessibility(page) -> None:
    """axe-core on the current page: no serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], f"{page.url}: {bad}"


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)
