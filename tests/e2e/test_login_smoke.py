"""The first journey anyone makes: open KUTY, sign in, see their home page, sign out."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect

from kuty.forms import LoginForm
from tests.organisations import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MAX_TABS = 20


def _texts_in_finnish() -> dict[str, str]:
    """The labels the page shows, taken from the same form and catalogs the server uses."""
    with translation.override("fi"):
        form = LoginForm()
        return {
            "username": str(form.fields["username"].label),
            "password": str(form.fields["password"].label),
            "sign_in": translation.gettext("Sign in"),
            "sign_out": translation.gettext("Sign out"),
        }


def _tab_to(page: Page, field_name: str) -> int:
    """Press Tab from the top of the page until the named field has focus; return the count."""
    page.locator(".skip-link").focus()
    for presses in range(1, MAX_TABS + 1):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.name") == field_name:
            return presses
    raise AssertionError(f"{field_name!r} was not reached with {MAX_TABS} presses of Tab")


def test_counsellor_signs_in_and_out(live_server, browser_page: Page, screenshot) -> None:
    user = factories.UserFactory(first_name="Aino", last_name="Virtanen")
    factories.RoleAssignmentFactory(user=user, role="counsellor", unit=factories.UnitFactory())
    texts = _texts_in_finnish()
    login_url = re.compile(re.escape(live_server.url + reverse("login")))
    page = browser_page

    page.goto(live_server.url + "/")

    expect(page).to_have_url(login_url)
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    username = page.get_by_label(texts["username"])
    password = page.get_by_label(texts["password"])
    expect(username).to_be_visible()
    expect(password).to_be_visible()
    expect(password).to_have_attribute("type", "password")
    _tab_to(page, "username")
    expect(username).to_be_focused()

    username.fill(user.username)
    password.fill(factories.PASSWORD)
    page.get_by_role("button", name=texts["sign_in"], exact=True).click()

    expect(page).to_have_url(live_server.url + reverse("home_counsellor"))
    expect(page.get_by_test_id("current-user")).to_contain_text("Aino Virtanen")
    screenshot("login-smoke-counsellor-home")

    page.locator("header").get_by_role("button", name=texts["sign_out"], exact=True).click()

    expect(page).to_have_url(login_url)
    expect(page.get_by_label(texts["username"])).to_be_visible()
    expect(page.get_by_test_id("current-user")).to_have_count(0)
