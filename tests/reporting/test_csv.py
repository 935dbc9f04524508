"""The CSV renderers read back with the csv module, as a spreadsheet would read it: ``csv``
for people (words in the user's language, a block about the report, labelled sections) and
``csv-codes`` for programs (code names, one table: what ``csv`` was before)."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext, pgettext

from accounts.models import User
from reporting.builders import build_allowance, build_outcome, build_report
from reporting.renderers import csv as people_csv
from reporting.renderers import render
from reporting.renderers.csv_codes import cell, escape
from reporting.runs import report_run_execute, report_run_request
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
        "report", "allowance", "--from", MARCH[0], "--to", MARCH[1], "--format", "csv-codes",
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
    data = render(build_allowance(params("allowance", *MARCH), include_personal=False), "csv-codes")

    text = data.decode("utf-8-sig")
    assert world.attacker.hetu not in text
    assert "Öberg" not in text
    assert [row[0] for row in read(data)[1:]] == ["unit", "unit", "total", "total", "total"]


def test_outcome_table_with_suppressed_cells(world):
    data = render(build_outcome(params("outcome", *MARCH, suppress_below="2")), "csv-codes")

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
    rows = read(render(report, "csv-codes"))
    table = [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]

    units = [row for row in table if row["row"] == "unit"]
    assert [row["clients"] for row in units] == ["–", "–"]
    assert [row["present_days"] for row in units] == ["–", "–"]
    assert [row["amount"] for row in units] == ["–", "–"]
    assert [row["sick"] for row in units] == ["–", "–"]
    assert rows[-1] == [hidden_legend_fi()]


def test_no_legend_without_hidden_figures(world):
    rows = read(render(build_allowance(params("allowance", *MARCH)), "csv-codes"))
    assert hidden_legend_fi() not in [row[0] for row in rows]
    assert "–" not in {cell for row in rows for cell in row}


@pytest.mark.parametrize("kind", ["attendance", "state-compensation"])
def test_other_kinds(world, kind):
    out = io.StringIO()
    call_command(
        "report", kind, "--from", MARCH[0], "--to", MARCH[1], "--format", "csv-codes", *FOR_MANAGER,
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


# --- the CSV for people ------------------------------------------------------------------------


def fi(text: str) -> str:
    """A report label in Finnish, whatever the catalogue says (for msgids new in this file)."""
    with translation.override("fi"):
        return pgettext("report", text)


def blocks(data: bytes) -> tuple[dict[str, str], dict[str, list[list[str]]], list[list[str]]]:
    """The first block as {label: value}, the sections as {title: [header, *rows]}, and the
    blocks that are one line (the legend), as a person reads the file."""
    parts: list[list[list[str]]] = [[]]
    for row in read(data):
        if row:
            parts[-1].append(row)
        else:
            parts.append([])
    first, *rest = parts
    assert all(len(row) == 2 for row in first)
    sections = {part[0][0]: part[1:] for part in rest if len(part) > 1}
    assert all(len(part[0]) == 1 for part in rest)  # a title line of one cell
    return dict(first), sections, [part[0] for part in rest if len(part) == 1]


def as_dicts(section: list[list[str]]) -> list[dict[str, str]]:
    header, *rows = section
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_finnish_allowance_has_a_first_block_and_labelled_sections_in_words(world):
    with translation.override("fi"):
        report = build_allowance(params("allowance", *MARCH))
        first, sections, lines = blocks(
            people_csv.render(report, meta={"generated_by": "Liisa Laskija"})
        )

    assert first["Raportti"] == "Kulukorvaus ja toimintaraha"
    assert (first["Alkupäivä"], first["Loppupäivä"]) == ("1.3.2025", "31.3.2025")
    assert (first["Yksiköt"], first["Järjestäjä"]) == ("Kaikki", "Kaikki")
    assert first["Muodostaja"] == "Liisa Laskija"
    assert first["Henkilötiedot"] == "Mukana: henkilötunnukset ja nimet"
    # Clients, units, totals, data quality: each a title, a header and its rows.
    assert list(sections) == ["Asiakkaat", "Yksiköt", fi("Totals"), "Tietojen laatu"]
    assert lines == []  # nothing hidden, no legend
    clients = as_dicts(sections["Asiakkaat"])
    assert list(clients[0])[:6] == [
        "Henkilötunnus", "Nimi", "Yksikkö", "Etuus", "Maksaja", "Läsnäolopäivät",
    ]  # fmt: skip
    attacker, other = clients
    assert attacker["Henkilötunnus"] == world.attacker.hetu
    assert attacker["Nimi"] == '\'= HYPERLINK("http://x.invalid")'  # text, never a formula
    assert (attacker["Etuus"], attacker["Maksaja"]) == (
        "Toimeentulotuki",
        "Järjestäjä (toimintaraha)",
    )
    assert (attacker["Läsnäolopäivät"], attacker["Määrä"]) == ("4", "36,00")
    assert (other["Nimi"], other["Etuus"], other["Maksaja"]) == (
        "Öberg Åke",
        "Työmarkkinatuki",
        "Kela (kulukorvaus)",
    )
    units = as_dicts(sections["Yksiköt"])
    assert [(u["Yksikkö"], u["Asiakkaat"], u["Määrä"]) for u in units] == [
        ('\'=Aa-paja; "iso"', "1", "36,00"),
        ("Bb-keskus", "1", "18,00"),
    ]
    totals = as_dicts(sections[fi("Totals")])
    assert [(t["Maksaja"], t["Asiakkaat"], t["Läsnäolopäivät"], t["Määrä"]) for t in totals] == [
        ("Kela (kulukorvaus)", "1", "2", "18,00"),
        ("Järjestäjä (toimintaraha)", "1", "4", "36,00"),
        ("Yhteensä", "2", "6", "54,00"),
    ]


def test_finnish_attendance_names_the_filters_and_the_warnings(world):
    late = person(
        born=d(1985, 1, 1), sex="non_binary", municipality=world.helsinki, unit=world.u2,
        first_name="Cecilia", last_name="Cederberg", benefit="basic_allowance",
    )  # fmt: skip
    attend(period(late, world.u2, d(2025, 2, 1), d(2025, 8, 31)), d(2025, 3, 3), "PU")
    with translation.override("fi"):
        report = build_report(params("attendance", *MARCH, units=["U2"]))
        first, sections, _lines = blocks(people_csv.render(report))

    assert first["Raportti"] == "Läsnäolo"
    assert first["Yksiköt"] == "Bb-keskus"
    assert first["Muodostaja"] == "–"  # the command gives no meta
    clients = as_dicts(sections["Asiakkaat"])
    assert [c["Nimi"] for c in clients] == ["Cederberg Cecilia", "Öberg Åke"]
    assert clients[0]["Varoitukset"] == "Ei hyväksyttävä poissaolo"
    assert clients[0]["Läsnäoloaste"] == "0,50"
    (total,) = as_dicts(sections[fi("Totals")])
    assert (total["Yksikkö"], total["Asiakkaat"], total["Läsnäolopäivät"]) == ("Yhteensä", "2", "3")


def test_finnish_outcome_sections_hidden_figures_and_legend(world):
    with translation.override("fi"):
        report = build_outcome(params("outcome", *MARCH, suppress_below="2"))
        first, sections, lines = blocks(people_csv.render(report))

    assert first["Raportti"] == "Osallistujat ja tulokset"
    assert first["Ikäryhmät"] == "0–24 vuotta, 25–54 vuotta, 55 vuotta ja yli"
    titles = list(sections)
    assert titles[:2] == ["Osallistujat", "Osallistujat iän mukaan aloitettaessa"]
    assert "Päättäminen" in titles
    assert titles[-1] == "Tietojen laatu"
    header, everyone = sections["Osallistujat"]
    assert header == [
        "Ryhmä", "Yhteensä", "Naiset", "Miehet", "Muunsukupuoliset", "Sukupuoli ei tiedossa",
    ]  # fmt: skip
    # One woman and one man: hidden, and the total too; hidden is "–", zeros stay zeros.
    assert everyone == ["Kaikki osallistujat", "–", "–", "–", "0", "0"]
    ages = {row[0]: row[1:] for row in sections["Osallistujat iän mukaan aloitettaessa"][1:]}
    assert ages["25–54 vuotta"] == ["–", "–", "–", "0", "0"]
    assert ages["0–24 vuotta"] == ["0", "0", "0", "0", "0"]
    # No totals row inside a section: a pivot table adds the rows itself.
    assert all(row[0] != "Yhteensä" for title in titles for row in sections[title][1:])
    assert lines == [[hidden_legend_fi()]]


def test_figures_only_has_no_client_section_nor_personal_data(world):
    with translation.override("fi"):
        report = build_allowance(params("allowance", *MARCH), include_personal=False)
        data = people_csv.render(report)
    first, sections, _lines = blocks(data)

    assert first["Henkilötiedot"] == "Ei mukana"
    assert "Asiakkaat" not in sections
    assert world.attacker.hetu not in data.decode("utf-8-sig")
    assert "Öberg" not in data.decode("utf-8-sig")


def test_swedish_user_gets_swedish_words(world):
    with translation.override("sv"):
        first, sections, _lines = blocks(
            people_csv.render(build_allowance(params("allowance", *MARCH)))
        )

    assert first["Rapport"]
    assert "Enheter" in sections


def test_a_run_from_the_reports_page_says_who_made_it(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    manager = User.objects.get(username="manager")
    manager.first_name, manager.last_name = "Maija", "Mänttäri"
    manager.save()
    with translation.override("fi"):
        run = report_run_request(
            user=manager,
            params={"kind": "state-compensation", "from": MARCH[0], "to": MARCH[1],
                    "organiser": "orgA"},
            formats=["csv"],
        )  # fmt: skip
        assert report_run_execute(run.pk) == "ready"
    files = {item.format: item for item in run.files.all()}
    with files["csv"].file.open("rb") as handle:
        first, sections, _lines = blocks(handle.read())
    assert first["Muodostaja"] == "Maija Mänttäri"
    assert as_dicts(sections[fi("Totals")])[0]["Määrä"] == "60,54"


def test_csv_codes_on_the_command_line_is_the_table_of_code_names(world):
    out = io.StringIO()
    call_command(
        "report", "attendance", "--from", MARCH[0], "--to", MARCH[1], "--format", "csv-codes",
        *FOR_MANAGER, stdout=out,
    )  # fmt: skip

    assert out.getvalue().startswith("\ufeffrow;hetu;name;unit;unit_code;clients;planned_days")


def test_the_command_writes_the_csv_for_people_in_finnish(world):
    out = io.StringIO()
    with translation.override("fi"):
        call_command(
            "report", "allowance", "--from", MARCH[0], "--to", MARCH[1], "--format", "csv",
            *FOR_MANAGER, stdout=out,
        )  # fmt: skip

    first, sections, _lines = blocks(out.getvalue().encode("utf-8"))
    assert first["Raportti"] == "Kulukorvaus ja toimintaraha"
    assert first["Järjestäjä"] == "Hyvinvointialue A"
    assert "Asiakkaat" in sections


def test_people_cells():
    assert people_csv.cell("money", "1234.50") == "1234,50"
    assert people_csv.cell("rate", "0.87") == "0,87"
    assert people_csv.cell("days", 3) == "3"
    assert people_csv.cell("text", "=SUM(A1)") == "'=SUM(A1)"
    assert people_csv.cell("text", d(2025, 3, 1)) == "1.3.2025"
