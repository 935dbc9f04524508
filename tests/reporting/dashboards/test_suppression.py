"""The municipal official's pages are protected as a whole: no hidden figure can be worked out
from a total, a sibling, another table or another figure of the same page — by subtraction
(:func:`reporting.suppression.recoverable`) or because a hidden count of people is known to
be at least one (:func:`reporting.suppression.exposed`). The project manager's page
shows every figure as it is.

Each page is read as a reader would (:mod:`.reader`: its key figures and tables, and the sums
anyone can make with them), and compared with the same page counted without hiding anything
(``REPORT_SUPPRESS_BELOW = 1``).
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reporting.dashboards.present import Counter
from reporting.dashboards.protect import Sheet, protect
from reporting.suppression import Relations, exposed, recoverable, suppressed_cells
from tests.organisations.factories import MunicipalityFactory, RoleAssignmentFactory, UserFactory

from .helpers import get, kpis, table
from .reader import Page, read_page
from .world import attend, d, period, person

pytestmark = pytest.mark.django_db
BELOW = 5
HIDDEN = "–"


# --- the protection on its own ----------------------------------------------------------------


def _issue_sheet() -> Sheet:
    """The issue's example as a reader sees the flow: 13 participants, 11 continuing, and one
    each completed and interrupted."""
    sheet = Sheet()
    sheet.count("participants", 13)
    sheet.count("continuing", 11)
    reasons = [sheet.count(reason, count) for reason, count in
               (("completed", 1), ("interrupted", 1), ("moved", 0), ("deceased", 0))]  # fmt: skip
    sheet.add_sum("participants", ["continuing", *reasons])
    return sheet


def test_two_hidden_ones_are_given_away_by_what_zeros_teach():
    """Hiding a second cell of each sum is not enough when the hidden cells are known to be at
    least one each: 13 − 11 = 2 over two hidden reasons makes each of them 1."""
    sheet = _issue_sheet()
    hidden = suppressed_cells(sheet.values, sheet.relations, BELOW, people=sheet.people)
    published = sheet.published(hidden)

    assert hidden == {"completed", "interrupted"}
    assert recoverable(published, sheet.relations) == {}  # nothing by subtraction alone
    assert exposed(published, sheet.relations, sheet.people) == {"completed": 1, "interrupted": 1}


def test_protection_hides_one_more_so_that_nothing_can_be_worked_out():
    sheet = _issue_sheet()
    hidden = protect(sheet, BELOW)
    published = sheet.published(hidden)

    assert {"completed", "interrupted", "continuing"} <= hidden
    assert published["participants"] == 13
    assert published["moved"] == 0  # zeros stay
    assert recoverable(published, sheet.relations) == {}
    assert exposed(published, sheet.relations, sheet.people) == {}


def test_months_of_one_person_each_are_protected_by_a_bigger_month():
    """Twelve months adding up to 20, five of them of one start each."""
    sheet = Sheet()
    months = [sheet.count(("starts", n), value) for n, value in
              enumerate([1, 1, 1, 1, 1, 0, 5, 10, 0, 0, 0, 0])]  # fmt: skip
    sheet.add_sum(sheet.count(("starts", "total"), 20), months)

    hidden = protect(sheet, BELOW)
    published = sheet.published(hidden)

    assert hidden == {("starts", n) for n in range(5)} | {("starts", 6)}
    assert exposed(published, sheet.relations, sheet.people) == {}


def test_days_and_euros_hide_with_their_few_people_and_protect_each_other():
    """A month of two clients hides its present days and euros; another month hides too, or
    the total would give them away; the clients themselves are never shown."""
    sheet = Sheet()
    for month, (clients, days) in enumerate([(2, 8), (9, 40), (12, 51)]):
        present = sheet.amount(("present", month), days)
        euros = sheet.amount(("euros", month), days * 900)
        sheet.link(sheet.behind(("clients", month), clients), present, euros)
    for kind, total in (("present", 99), ("euros", 99 * 900)):
        sheet.add_sum(sheet.amount((kind, "total"), total), [(kind, month) for month in range(3)])

    hidden = protect(sheet, BELOW)
    published = sheet.published(hidden)

    assert {("present", 0), ("euros", 0), ("present", 1), ("euros", 1)} <= hidden
    assert published[("present", "total")] == 99
    assert ("clients", 0) not in published
    assert recoverable(published, sheet.relations) == {}


def test_nothing_is_hidden_without_the_limit():
    sheet = _issue_sheet()
    assert protect(sheet, None) == frozenset()
    counter = Counter(None)
    assert (counter.text("completed", 1), counter.share("completed", 1, "participants", 13)) == (
        "1",
        "8\xa0%",
    )


def test_the_counter_writes_hidden_cells_and_their_shares_as_a_dash():
    counter = Counter(BELOW, frozenset({"continuing", "allowance"}))
    assert counter.text("continuing", 11) == HIDDEN
    assert counter.text("participants", 13) == "13"
    assert counter.value("continuing", 11) is None  # no bar
    assert counter.share("continuing", 11, "participants", 13) == HIDDEN
    assert counter.share("participants", 13, "continuing", 11) == HIDDEN
    assert counter.amount("allowance", "9,00\xa0€") == HIDDEN
    assert counter.amount("present", "12") == "12"
    # A small count left out of the page's cells by mistake is still not shown.
    assert counter.text("forgotten", 3) == HIDDEN


# --- the pages ----------------------------------------------------------------------------------


def _read(client, url_name: str) -> tuple[Page, str]:  # type: ignore[no-untyped-def]
    response = get(client, url_name)
    assert response.status_code == 200
    return read_page(response.context["dashboard"]), response.content.decode()


def _check_protected(client, settings, url_name: str, *, exact_sums: bool = False) -> Page:  # type: ignore[no-untyped-def]
    """The page hides every small count of people, shows every other figure as it is, and
    lets no hidden figure be worked out. Returns the page as shown."""
    settings.REPORT_SUPPRESS_BELOW = BELOW
    page, body = _read(client, url_name)
    settings.REPORT_SUPPRESS_BELOW = 1  # the same page, nothing hidden
    exact, _body = _read(client, url_name)
    settings.REPORT_SUPPRESS_BELOW = BELOW

    assert page.published.keys() == exact.published.keys()
    for cell, value in exact.published.items():
        shown = page.published[cell]
        assert shown in (None, value), cell
        if cell in page.positive:
            if 0 < value < BELOW:
                assert shown is None, f"{cell}: {value} shown"
            if value == 0:
                assert shown == 0, f"{cell}: a zero hidden"
    if exact_sums:  # the reader's sums are true ones (each client has one period)
        for total, parts in exact.relations.sums:
            if total in exact.published:
                values = [exact.published[part] for part in parts if part in exact.published]
                assert exact.published[total] == sum(values), (total, parts)
    assert recoverable(page.published, page.relations) == {}
    assert exposed(page.published, page.relations, page.positive) == {}
    # A share of a hidden count is hidden too.
    for name, text in page.texts.items():
        if name[0] == "kpi":
            row = [page.published[("kpi", "working")], page.published[("kpi", "left")]]
        else:
            row = [value for cell, value in page.published.items() if cell[:2] == name[:2]]
        if text and ("hare" in name[-1] or name[-1] == "working-life") and None in row:
            assert text == HIDDEN, (name, text)
    assert not re.search(r"&lt;\d|<\d", body), "no “<5” on the page"
    return page


@pytest.fixture
def espoo(db):  # type: ignore[no-untyped-def]
    return MunicipalityFactory(code="049", name="Espoo")


@pytest.fixture
def official(espoo):  # type: ignore[no-untyped-def]
    user = UserFactory(username="olli")
    RoleAssignmentFactory(user=user, role="municipal_official", municipality=espoo)
    return user


def _resident(world, espoo, n: int):  # type: ignore[no-untyped-def]
    born = d(1970, 1, 1) + datetime.timedelta(days=n)
    return person(born=born, sex="woman", municipality=espoo, unit=world.u1)


@pytest.mark.parametrize("url_name", ["home_municipal_official", "dashboards:municipality"])
def test_the_issues_example_can_no_longer_be_worked_out(
    client, settings, world, espoo, official, url_name
):
    """13 participants, 11 continuing and two exit kinds of one person each: the exit kinds
    are hidden, and so is what would give them away."""
    for n in range(13):
        exit_kind = {0: ("completed", "open_labour_market"), 1: ("interrupted", "unemployed")}
        reason, destination = exit_kind.get(n, ("", ""))
        exit_date = d(2025, 2, 14) if reason else None
        period(_resident(world, espoo, n), world.u1, d(2024, 10, 1), d(2025, 9, 30),
               exit=exit_date, reason=reason, destination=destination)  # fmt: skip
    client.force_login(official)

    page = _check_protected(client, settings, url_name, exact_sums=True)

    flow = {cell[1]: value for cell, value in page.published.items() if cell[0] == "flow"}
    assert flow["Participants"] == 13
    assert flow["Completed as planned"] is None
    assert flow["Interrupted by the client"] is None
    assert flow["Continuing"] is None  # else 13 − 11 = 2 over two hidden kinds: one each
    assert flow["Moved away"] == 0


def test_the_officials_home_shows_dashes_a_legend_and_no_empty_charts(client, erkki, world):
    client.force_login(erkki)
    response = get(client, "home_municipal_official")
    body = response.content.decode()

    # Helsinki residents: A, B, D, F and H take part; three are active and two left.
    assert kpis(response)["participants"] == "5"
    assert kpis(response)["active"] == HIDDEN
    assert table(response, "starts-exits")[-1] == ["Total", HIDDEN, HIDDEN]
    assert 'data-testid="hidden-legend"' in body
    assert body.count("– = hidden to protect privacy") >= 2
    assert "Counts of 1 to 4 people are hidden" in body
    charts = {chart.key: chart for chart in response.context["dashboard"].charts}
    # Money of four clients is hidden with them: nothing to draw, and the page says so.
    assert charts["money"].all_hidden
    assert 'data-testid="all-hidden-money"' in body
    assert 'id="canvas-money"' not in body
    assert 'id="chart-data-money"' not in body
    # The flow draws its visible participants.
    assert not charts["flow"].all_hidden
    assert 'id="canvas-flow"' in body
    # Each hidden figure of a table is written "–" in the page.
    assert re.search(r'<td class="num">–</td>', body)


def test_the_officials_pages_of_the_test_world_are_protected(client, erkki, world, settings):
    client.force_login(erkki)
    for url_name in ("home_municipal_official", "dashboards:municipality"):
        _check_protected(client, settings, url_name)


def test_the_project_managers_page_hides_nothing(client, bob, world):
    client.force_login(bob)
    response = get(client)
    body = response.content.decode()

    assert "hidden to protect privacy" not in body
    assert 'data-testid="all-hidden' not in body
    assert table(response, "flow")[1] == ["How the period ended", "Completed as planned", "1",
                                          "20\xa0%"]  # fmt: skip
    assert kpis(response)["allowance"] == "252,00\xa0€"


# --- random small populations -----------------------------------------------------------------

MONTHS = (d(2025, 1, 1), d(2025, 2, 1), d(2025, 3, 1))
REASONS = (
    ("completed", "open_labour_market"),
    ("completed", "subsidised_work"),
    ("interrupted", "unemployed"),
    ("moved", "unknown"),
    ("completed", "education"),
)

resident = st.tuples(
    st.integers(min_value=0, max_value=1),  # unit U1 or U2
    st.sampled_from([None, *range(3)]),  # started before the range, or in its month 1–3
    st.sampled_from([None, *range(3)]),  # left in month 1–3 (if after the start)
    st.integers(min_value=0, max_value=len(REASONS) - 1),
    st.sampled_from([None, *range(3)]),  # a week of attendance in month 1–3
)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(people=st.lists(resident, max_size=14))
def test_no_hidden_figure_of_a_random_population_can_be_worked_out(
    client, settings, world, espoo, official, people
):
    client.force_login(official)
    with transaction.atomic():
        for n, (unit, started, left, reason, week) in enumerate(people):
            start = d(2024, 10, 1) if started is None else MONTHS[started] + datetime.timedelta(5)
            exit_date = None
            if left is not None and (started is None or left > started):
                exit_date = MONTHS[left] + datetime.timedelta(days=20)
            reason_code, destination = REASONS[reason] if exit_date else ("", "")
            a_period = period(_resident(world, espoo, n), (world.u1, world.u2)[unit], start,
                              d(2025, 12, 31), exit=exit_date, reason=reason_code,
                              destination=destination)  # fmt: skip
            if week is not None:
                monday = MONTHS[week] + datetime.timedelta(days=(7 - MONTHS[week].weekday()) % 7)
                monday += datetime.timedelta(days=7)
                if start <= monday and (
                    exit_date is None or monday + datetime.timedelta(3) <= exit_date
                ):
                    attend(a_period, monday, "PPSP")
        _check_protected(client, settings, "dashboards:municipality", exact_sums=True)
        transaction.set_rollback(True)


def test_the_reader_finds_what_a_single_hidden_cell_would_give_away():
    """The test's reader is not blind: one hidden cell of a sum is found."""
    relations = Relations()
    relations.add_sum("total", ["a", "b"])
    published = {"total": 7, "a": None, "b": 5}
    assert recoverable(published, relations) == {"a": 2}
    assert exposed(published, relations, {"a"}) == {"a": 2}
