"""A project manager, a municipal official and a unit manager sign in through the form, open
their dashboards, change a filter, and find the figures (and the charts drawn)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from kuty.forms import LoginForm
from tests.organisations import factories
from tests.reporting.dashboards.world import TODAY, lock_month, make_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Page, live_server, username: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    with translation.override("fi"):
        form = LoginForm()
        labels = (str(form.fields["username"].label), str(form.fields["password"].label))
        sign_in = translation.gettext("Sign in")
    page.goto(live_server.url + reverse("login"))
    page.get_by_label(labels[0]).fill(username)
    page.get_by_label(labels[1]).fill(factories.PASSWORD)
    page.get_by_role("button", name=sign_in, exact=True).click()
    expect(page.get_by_test_id("current-user")).to_be_visible()


def _charts_drawn(page: Page, at_least: int = 7) -> None:
    canvases = page.locator("canvas[data-chart-source]")
    expect(canvases.first).to_be_visible()
    expect(page.locator("canvas[data-chart-source]:not([data-drawn])")).to_have_count(0)
    assert canvases.count() >= at_least


@pytest.fixture
def people(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    world = make_world()
    users = {}
    for username, role, scope in (
        ("bob", "project_manager", {"project": world.project}),
        ("erkki", "municipal_official", {"municipality": world.helsinki}),
        ("dora", "unit_manager", {"unit": world.u1}),
    ):
        users[username] = factories.UserFactory(username=username)
        factories.RoleAssignmentFactory(user=users[username], role=role, **scope)
    lock_month(world.u1, TODAY.replace(month=2, day=1))
    return world, users


def test_dashboards_with_filters(live_server, browser_page: Page, screenshot, people):
    world, _users = people
    page = browser_page
    query = "?from=2025-01-01&to=2025-03-31"

    _sign_in(page, live_server, "bob")
    page.goto(live_server.url + reverse("home_project_manager") + query)
    _charts_drawn(page)
    expect(page.get_by_test_id("kpi-active").locator(".dash-kpi-value")).to_have_text("3")
    expect(page.get_by_test_id("kpi-allowance")).to_contain_text("252,00\xa0€")
    expect(page.get_by_test_id("kpi-working-life")).to_contain_text("50\xa0%")
    screenshot("dashboard-project")

    # A new project manager's question: this year's participants into working life, per
    # unit, and attendance. "This year" is a link; the results by unit answer it.
    with translation.override("fi"):
        this_year = translation.gettext("This year")
    page.get_by_role("link", name=this_year, exact=True).click()
    expect(page).to_have_url(f"{live_server.url}{reverse('home_project_manager')}?"
                             "from=2025-01-01&to=2025-03-31")  # fmt: skip
    results = page.get_by_test_id("chart-results-by-unit")
    results.scroll_into_view_if_needed()
    expect(results.locator("tbody tr")).to_have_count(2)
    expect(results.locator("tbody tr").nth(0).locator("th")).to_have_text("Aa-paja")
    expect(results.locator("tbody tr").nth(0).locator("td")).to_have_text(
        ["2", "1", "1", "100\xa0%", "88\xa0%"]
    )
    expect(results.locator("tfoot td").nth(3)).to_have_text("50\xa0%")
    screenshot("dashboard-project-results-by-unit")

    # Only Aa-paja: the filter goes into the address, and the figures follow.
    # Checkboxes, no Ctrl-click; the euro figure keeps its € on the same line.
    page.locator(f"input[name=units][value='{world.u1.uuid}']").check()
    page.get_by_test_id("apply-filters").click()
    expect(page).to_have_url(f"{live_server.url}{reverse('home_project_manager')}?"
                             f"from=2025-01-01&to=2025-03-31&units={world.u1.uuid}")  # fmt: skip
    expect(page.get_by_test_id("kpi-active").locator(".dash-kpi-value")).to_have_text("1")
    expect(page.get_by_test_id("kpi-allowance")).to_contain_text("189,00\xa0€")
    allowance = page.get_by_test_id("kpi-allowance").locator(".dash-kpi-value")
    assert allowance.evaluate("e => getComputedStyle(e).whiteSpace") == "nowrap"
    _charts_drawn(page)
    screenshot("dashboard-project-one-unit")

    # A figure opens the records behind it.
    page.get_by_test_id("kpi-active").get_by_role("link").click()
    expect(page.get_by_test_id("records-table")).to_contain_text("SukunimiA EtunimiA")
    expect(page.get_by_test_id("records-count")).to_have_text(
        re.compile(r"^\s*1 asiakas\b")
    )  # not 11

    page.emulate_media(media="print")
    page.goto(live_server.url + reverse("home_project_manager") + query)
    _charts_drawn(page)
    expect(page.locator("#dashboard-filters")).to_be_hidden()
    screenshot("dashboard-project-print")
    page.emulate_media(media="screen")

    _sign_in(page, live_server, "erkki")
    page.goto(live_server.url + reverse("home_municipal_official") + query)
    # Helsinki's five participants: most charts are hidden whole and say so instead.
    _charts_drawn(page, at_least=1)
    expect(page.get_by_test_id("kpi-active")).to_contain_text("–")
    expect(page.get_by_test_id("kpi-participants").locator(".dash-kpi-value")).to_have_text("5")
    expect(page.get_by_test_id("all-hidden-money")).to_be_visible()
    expect(page.get_by_test_id("hidden-legend")).to_contain_text("–")
    page.locator("input[name=from]").fill("2025-03-01")
    page.get_by_test_id("apply-filters").click()
    expect(page).to_have_url(f"{live_server.url}{reverse('home_municipal_official')}?"
                             "from=2025-03-01&to=2025-03-31&municipality=091")  # fmt: skip
    # March: the money of A and F alone is hidden with them.
    expect(page.get_by_test_id("kpi-allowance")).to_contain_text("–")
    assert "Sukunimi" not in page.content()
    screenshot("dashboard-municipal")

    _sign_in(page, live_server, "dora")
    page.goto(live_server.url + reverse("home_unit_manager"))
    figures = page.get_by_test_id("unit-figures-U1")
    expect(figures.get_by_test_id("unit-rate-this")).to_have_text("92\xa0%")
    expect(figures.get_by_test_id("unit-locks")).to_contain_text("2/2025")
    screenshot("dashboard-unit-manager")
