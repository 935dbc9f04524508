"""Numbers the Finnish way, and small counts hidden."""

from __future__ import annotations

from decimal import Decimal

import pytest

from reporting.dashboards.present import (
    Counter,
    fi_euros,
    fi_number,
    fi_percent,
    months_between,
    ratio,
    suppress_below,
)
from tests.reporting.dashboards.world import d

NB = "\xa0"


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        (0, 0, "0"),
        (999, 0, "999"),
        (1234, 0, f"1{NB}234"),
        (1234567, 0, f"1{NB}234{NB}567"),
        (Decimal("1234.5"), 2, f"1{NB}234,50"),
        (Decimal("0.125"), 2, "0,13"),  # half up, as the reports round
        (-1500, 0, f"−1{NB}500"),
    ],
)
def test_numbers(value, places, text):
    assert fi_number(value, places) == text


def test_euros_and_percentages():
    assert fi_euros(900) == f"9,00{NB}€"
    assert fi_euros(123456789) == f"1{NB}234{NB}567,89{NB}€"
    assert fi_percent("0.87") == f"87{NB}%"
    assert fi_percent(ratio(7, 16)) == f"44{NB}%"  # 0,4375 → 0,44
    assert fi_percent(None) == "–"
    assert ratio(1, 0) is None


def test_hidden_cells_and_small_counts_are_a_dash_only_when_asked():
    counter = Counter(5, frozenset({"hidden"}))
    assert [counter.text("shown", n) for n in (0, 5, 1234)] == ["0", "5", f"1{NB}234"]
    assert counter.text("hidden", 12) == "–"
    assert counter.text("shown", 4) == "–"  # a small count never shows, declared or not
    assert [counter.value("shown", 0), counter.value("hidden", 5)] == [0, None]
    assert counter.share("shown", 3, "shown", 10) == "–"
    assert counter.share("hidden", 6, "shown", 10) == "–"
    assert counter.share("shown", 6, "shown", 10) == f"60{NB}%"
    assert Counter(None, frozenset({"hidden"})).text("hidden", 1) == "1"
    assert Counter(None).share("a", 1, "b", 4) == f"25{NB}%"


def test_the_limit_defaults_to_five(settings):
    del settings.REPORT_SUPPRESS_BELOW
    assert suppress_below() == 5
    settings.REPORT_SUPPRESS_BELOW = 10
    assert suppress_below() == 10


def test_months_between():
    assert months_between(d(2024, 11, 15), d(2025, 2, 1)) == [
        d(2024, 11, 1),
        d(2024, 12, 1),
        d(2025, 1, 1),
        d(2025, 2, 1),
    ]
