"""Core journey in a real browser: log in, switch language, dashboard, calendar, profile, log out."""

from tests.browser.conftest import check_accessibility, log_in, screenshot


def test_admin_journey_in_both_languages(page, site):
    page.goto(f"{site}/login")
    assert page.locator("h1").inner_text() == "Se connecter"
    check_accessibility(page)
    screenshot(page, "login-fr")
    log_in(page, site, "coordination")
    assert "Bonjour Claire Martin" in page.locator("h1").inner_text()
    check_accessibility(page)
    screenshot(page, "dashboard-admin-fr")
    page.get_by_role("button", name="English").click()
    assert "Hello Claire Martin" in page.locator("h1").inner_text()
    check_accessibility(page)
    screenshot(page, "dashboard-admin-en")
    for path in (
        "/calendar",
        "/calendar?view=list",
        "/profile",
        "/admin/modules",
        "/admin/organizations",
        "/admin/users",
        "/admin/ledger",
        "/admin/audit",
        "/admin/jobs",
        "/api-docs",
    ):
        page.goto(f"{site}{path}")
        assert page.locator("h1").count() == 1
        check_accessibility(page)
    screenshot(page, "api-docs-en")
    page.get_by_role("button", name="Français").click()
    page.get_by_role("button", name="Claire Martin").click()
    page.get_by_role("button", name="Se déconnecter").click()
    assert "Vous êtes déconnecté." in page.content()


def test_wrong_password_is_explained_on_the_form(page, site):
    page.goto(f"{site}/login")
    page.get_by_label("Adresse e-mail").fill("coordination@ressourceries.example")
    page.get_by_label("Mot de passe").fill("pas-le-bon-1")
    page.locator("form input[type=submit]").click()
    error = page.locator("#password-error")
    assert error.inner_text() == "Adresse e-mail inconnue ou mot de passe erroné."
    assert page.get_by_label("Adresse e-mail").input_value() == "coordination@ressourceries.example"
    check_accessibility(page)
