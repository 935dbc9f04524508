"""The suppression module on its own: primary, complementary to a fixed point, linked cells,
and the pen-and-paper solver that must recover nothing."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from reporting.suppression import (
    Relations,
    determined,
    exposed,
    flatten,
    hide_paths,
    protected_cells,
    recoverable,
    suppressed_cells,
)


def _published(values, hidden):
    return {cell: None if cell in hidden else value for cell, value in values.items()}


def test_the_issues_example_leaves_nothing_to_subtract():
    # 12 participants: 8 women, 4 men, 0 other; 11 continuing, 1 ended (a woman).
    values = {
        "total": 12, "woman": 8, "man": 4, "other": 0,
        "continuing": 11, "ended": 1,
        "ended_woman": 1, "ended_man": 0, "ended_other": 0,
    }  # fmt: skip
    relations = Relations()
    relations.add_sum("total", ["woman", "man", "other"])
    relations.add_sum("total", ["continuing", "ended"])
    relations.add_sum("ended", ["ended_woman", "ended_man", "ended_other"])
    hidden = suppressed_cells(values, relations, 5)
    published = _published(values, hidden)
    assert {"man", "ended", "ended_woman"} <= hidden
    assert recoverable(published, relations) == {}
    # Zeros stay visible; what is 5 or more and not needed stays visible.
    assert published["other"] == 0
    assert published["ended_man"] == 0


def test_nothing_is_hidden_without_a_threshold_or_small_counts():
    relations = Relations()
    relations.add_sum("t", ["a", "b"])
    assert suppressed_cells({"t": 3, "a": 1, "b": 2}, relations, None) == set()
    assert suppressed_cells({"t": 15, "a": 5, "b": 10}, relations, 5) == set()


def test_linked_money_hides_with_its_people_and_is_protected_from_the_total():
    values = {
        "clients": 10, "kela_clients": 8, "org_clients": 2,
        "amount": Decimal("900.00"), "kela_amount": Decimal("720.00"),
        "org_amount": Decimal("180.00"),
    }  # fmt: skip
    relations = Relations()
    relations.add_sum("clients", ["kela_clients", "org_clients"])
    relations.add_sum("amount", ["kela_amount", "org_amount"])
    relations.link("kela_clients", "kela_amount")
    relations.link("org_clients", "org_amount")
    hidden = suppressed_cells(
        values, relations, 5, people=["clients", "kela_clients", "org_clients"]
    )
    assert {"org_clients", "org_amount", "kela_clients", "kela_amount"} <= hidden
    assert recoverable(_published(values, hidden), relations) == {}


def test_the_solver_finds_what_one_hidden_cell_gives_away():
    relations = Relations()
    relations.add_sum("t", ["a", "b", "c"])
    assert recoverable({"t": 9, "a": None, "b": 2, "c": 3}, relations) == {"a": 4}


@st.composite
def _crossed_table(draw):
    """A total by sex crossed with a breakdown (age bands or exit kinds), with its margins."""
    rows = draw(st.integers(min_value=1, max_value=5))
    sexes = ("woman", "man", "non_binary", "unknown")
    counts = {
        (f"row{r}", sex): draw(st.integers(min_value=0, max_value=12))
        for r in range(rows)
        for sex in sexes
    }
    values = dict(counts)
    relations = Relations()
    for r in range(rows):
        values[(f"row{r}", "total")] = sum(counts[(f"row{r}", sex)] for sex in sexes)
        relations.add_sum((f"row{r}", "total"), [(f"row{r}", sex) for sex in sexes])
    for sex in (*sexes, "total"):
        values[("all", sex)] = sum(values[(f"row{r}", sex)] for r in range(rows))
        relations.add_sum(("all", sex), [(f"row{r}", sex) for r in range(rows)])
    relations.add_sum(("all", "total"), [("all", sex) for sex in sexes])
    return values, relations, draw(st.integers(min_value=2, max_value=10))


@settings(max_examples=300, deadline=None)
@given(_crossed_table())
def test_no_hidden_cell_can_be_worked_out_in_any_crossed_table(case):
    values, relations, below = case
    hidden = suppressed_cells(values, relations, below)
    published = _published(values, hidden)
    assert recoverable(published, relations) == {}
    # Primary: every small count is hidden; zeros never are.
    assert all(cell in hidden for cell, value in values.items() if 0 < value < below)
    assert all(values[cell] > 0 for cell in hidden)


# --- the audit of the reports: combining relations, bounds, unpublished counts -------------------


def test_two_sums_over_the_same_hidden_pair_give_away_a_third_cell():
    relations = Relations()
    relations.add_sum("t1", ["a", "b", "x"])
    relations.add_sum("t2", ["a", "b", "y", "z"])
    published = {"t1": 10, "a": None, "b": None, "x": 4, "t2": 15, "y": None, "z": 2}
    assert recoverable(published, relations) == {}  # one relation at a time: nothing
    assert determined(published, relations) == {"y": 7}  # 15 − 2 − (10 − 4)


def test_hidden_ones_that_zeros_pin_down_are_protected():
    # 13 participants: 11 continuing, one completed, one interrupted, none moved.
    relations = Relations()
    relations.add_sum("participants", ["continuing", "completed", "interrupted", "moved"])
    values = {"participants": 13, "continuing": 11, "completed": 1, "interrupted": 1, "moved": 0}
    greedy = suppressed_cells(values, relations, 5)
    assert exposed(_published(values, greedy), relations, values) == {
        "completed": 1,
        "interrupted": 1,
    }
    hidden = protected_cells(values, relations, 5)
    published = _published(values, hidden)
    assert {"completed", "interrupted", "continuing"} <= hidden
    assert published["moved"] == 0
    assert exposed(published, relations, values) == {}
    assert determined(published, relations) == {}


def test_a_small_unpublished_count_is_protected_like_a_hidden_one():
    # 20 participants: 12 unemployed, 6 employed, 2 with no status (not published).
    relations = Relations()
    relations.add_sum("participants", ["unemployed", "employed", "no_status"])
    values = {"participants": 20, "unemployed": 12, "employed": 6, "no_status": 2}
    hidden = protected_cells(values, relations, 5, unpublished={"no_status"})
    assert "no_status" in hidden
    assert {"unemployed", "employed"} & hidden  # else 20 − 12 − 6 = 2
    shown = {
        cell: value for cell, value in _published(values, hidden).items() if cell != "no_status"
    }
    assert "no_status" not in recoverable(shown, relations)
    # A big unpublished count needs nothing: the figures shown stay.
    values["no_status"], values["participants"] = 7, 25
    assert protected_cells(values, relations, 5, unpublished={"no_status"}) == set()


def test_money_in_json_is_read_as_decimals():
    relations = Relations()
    relations.add_sum(("totals", "amount"), [("units", 0, "amount"), ("units", 1, "amount")])
    published = {("totals", "amount"): "162.00", ("units", 0, "amount"): "135.00",
                 ("units", 1, "amount"): None}  # fmt: skip
    assert recoverable(published, relations) == {("units", 1, "amount"): Decimal("27.00")}


def test_a_cell_the_publication_leaves_out_is_unknown():
    relations = Relations()
    relations.add_sum("t", ["a", "b", "c"])
    assert recoverable({"t": 9, "a": None, "b": 2}, relations) == {}


def test_flatten_and_hide_paths_walk_lists_of_rows():
    report = {"units": [{"clients": 3, "amount": "27.00"}], "totals": {"clients": 3}}
    assert flatten(report) == {
        ("units", 0, "clients"): 3,
        ("units", 0, "amount"): "27.00",
        ("totals", "clients"): 3,
    }
    hidden = hide_paths(report, [("units", 0, "amount"), ("totals", "clients")])
    assert hidden == {"units": [{"clients": 3, "amount": None}], "totals": {"clients": None}}
    assert report["units"][0]["amount"] == "27.00"  # a copy
