"""The CSV renderer read back with the csv module, as a spreadsheet would read it."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext

from reporting.builders import build_allowance, build_outcome
from reporting.renderers import render
from reporting.renderers.csv import cell, escape
from tests.reporting.builder_data import (
    FOR_MANAGER,
    attend,
    d,
    make_manager,
    make_world,
    params,
    period,
    person,
)

MARCH = ("2025-03-01", "2025-03-31")


def read(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


@pytest.fixture
def world(db):
    w = make_world()
    make_manager(w)
    w.u1.name = '=Aa-paja; "iso"'
    w.u1.save()
    attacker = person(
        born=d(1980, 1, 1),
        sex="woman",
        municipality=w.helsinki,
        unit=w.u1,
        first_name='HYPERLINK("http://x.invalid")',
        last_name="=",
        benefit="social_assistance",
    )
    attend(period(attacker, w.u1, d(2025, 2, 1), d(2025, 8, 31)), d(2025, 3, 3), "PPPPS")
    other = person(
        born=d(1981, 1, 1),
        sex="man",
        municipality=w.helsinki,
        unit=w.u2,
        first_name="Åke",
        last_name="Öberg",
        benefit="labour_market_subsidy",
    )
    attend(period(other, w.u2, d(2025, 2, 1), d(2025, 8, 31)), d(2025, 3, 3), "PP")
    w.attacker, w.other = attacker, other
    return w


def test_allowance_rows_then_units_then_totals(world, tmp_path):
    target = tmp_path / "allowance.csv"
    call_command(
        "report", "allowance", "--from", MARCH[0], "--to", MARCH[1], "--format", "csv",
        *FOR_MANAGER, "--output", str(target), stdout=io.StringIO(),
    )  # fmt: skip

    rows = read(target.read_bytes())
    header = rows[0]
    assert header[:9] == [
        "row", "hetu", "name", "unit", "unit_code", "benefit", "payer", "clients", "present_days",
    ]  # fmt: skip
    assert header[-2:] == ["not_organised_days", "amount"]
    table = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    assert [row["row"] for row in table] == [
        "client",
        "client",
        "unit",
        "unit",
        "total",
        "total",
        "total",
    ]
    first = table[0]
    # The formula is shown as text: a leading apostrophe, whatever the spreadsheet.
    assert first["name"] == '\'= HYPERLINK("http://x.invalid")'
    assert first["unit"] == '\'=Aa-paja; "iso"'
    assert first["hetu"] == world.attacker.hetu
    assert (first["payer"], first["present_days"], first["sick"]) == ("organiser", "4", "1")
    assert first["amount"] == "36,00"
    assert table[1]["name"] == "Öberg Åke"
    assert table[1]["amount"] == "18,00"
    assert table[2]["clients"] == "1"
    assert table[-1]["amount"] == "54,00"
    assert table[-1]["present_days"] == "6"
    assert table[-1]["hetu"] == ""
    assert [row["payer"] for row in table[-3:]] == ["kela", "organiser", ""]


def test_aggregate_only_csv_has_no_client_rows(world):
    data = render(build_allowance(params("allowance", *MARCH), include_personal=False), "csv")

    text = data.decode("utf-8-sig")
    assert world.attacker.hetu not in text
    assert "Öberg" not in text
    assert [row[0] for row in read(data)[1:]] == ["unit", "unit", "total", "total", "total"]


def test_outcome_table_with_suppressed_cells(world):
    data = render(build_outcome(params("outcome", *MARCH, suppress_below="2")), "csv")

    rows = read(data)
    assert rows[0] == ["section", "category", "total", "woman", "man", "non_binary", "unknown"]
    # One woman and one man: each is hidden, and so is the total (2 = – + –, each at least
    # one, would make both 1). Hidden is "–", never empty: zeros stay zeros.
    assert rows[1] == ["participants", "", "–", "–", "–", "0", "0"]
    sections = [row[0] for row in rows[1:]]
    assert sections.count("age_bands") == 3
    assert ["destinations", "into_working_life", "0", "0", "0", "0", "0"] in rows
    assert rows[-4:-1] == [
        ["data_quality", "unknown_entry_data", "–", "", "", "", ""],
        ["data_quality", "ended_without_destination", "0", "", "", "", ""],
        # Mon–Thu in March 2025 are 17 planned days for each; 4 and 2 of them recorded.
        ["data_quality", "planned_days_without_record", "28", "", "", "", ""],
    ]
    assert rows[-1] == [hidden_legend_fi()]
    assert all(cell not in ("1", "") for row in rows[1:-1] for cell in row[2:3])


def hidden_legend_fi() -> str:
    with translation.override("fi"):
        return gettext("– = hidden to protect privacy")


def test_a_hidden_unit_is_a_dash_not_an_empty_cell_nor_zero(world):
    report = build_allowance(
        params("allowance", *MARCH, suppress_below="5"), include_personal=False
    )
    rows = read(render(report, "csv"))
    table = [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]

    units = [row for row in table if row["row"] == "unit"]
    assert [row["clients"] for row in units] == ["–", "–"]
    assert [row["present_days"] for row in units] == ["–", "–"]
    assert [row["amount"] for row in units] == ["–", "–"]
    assert [row["sick"] for row in units] == ["–", "–"]
    assert rows[-1] == [hidden_legend_fi()]


def test_no_legend_without_hidden_figures(world):
    rows = read(render(build_allowance(params("allowance", *MARCH)), "csv"))
    assert hidden_legend_fi() not in [row[0] for row in rows]
    assert "–" not in {cell for row in rows for cell in row}


@pytest.mark.parametrize("kind", ["attendance", "state-compensation"])
def test_other_kinds(world, kind):
    out = io.StringIO()
    call_command(
        "report", kind, "--from", MARCH[0], "--to", MARCH[1], "--format", "csv", *FOR_MANAGER,
        stdout=out,
    )  # fmt: skip

    rows = read(out.getvalue().encode("utf-8"))
    table = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert [row["row"] for row in table] == ["client", "client", "unit", "unit", "total"]
    if kind == "attendance":
        assert table[0]["attendance_rate"] == "0,80"
        assert table[-1]["planned_days"] == "7"
    else:
        assert table[-1]["amount"] == "60,54"  # 4 + 2 days × 10,09


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+358", "'+358"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Aalto", "Aalto"),
        ("131052-308T", "131052-308T"),
    ],
)
def test_escape(text, expected):
    assert escape(text) == expected


def test_cells():
    assert cell("amount", "1234.50") == "1234,50"
    assert cell("attendance_rate", "0.87") == "0,87"
    assert cell("present_days", 3) == "3"
    assert cell("clients", None) == ""
    assert cell("flags", ["a", "b"]) == "a,b"
    assert cell("unit", "1.5 paja") == "1.5 paja"
