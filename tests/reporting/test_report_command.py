"""``python manage.py report``: output to stdout or a file, exit status 0 and 2, and the
parsing of its parameters (shared with the web form)."""

from __future__ import annotations

import datetime
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from reporting.params import InvalidReportParams, ReportParams, parse_age_bands
from reporting.renderers import RENDERERS
from tests.reporting.builder_data import attend, d, make_world, period, person

MARCH = ["--from", "2025-03-01", "--to", "2025-03-31"]


@pytest.fixture(autouse=True)
def _english():
    """The messages are checked in English (the deployment's language is Finnish)."""
    with translation.override("en"):
        yield


@pytest.fixture
def world(db):
    w = make_world()
    client = person(
        born=d(1980, 1, 1),
        sex="woman",
        municipality=w.helsinki,
        unit=w.u1,
        first_name="Anna",
        last_name="Aalto",
        benefit="labour_market_subsidy",
    )
    attend(
        period(client, w.u1, d(2025, 2, 1), d(2025, 8, 31), labour_market_status="unemployed"),
        d(2025, 3, 3),
        "PPPPP",
    )
    w.client = client
    return w


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


# --- success --------------------------------------------------------------------------------


def test_json_to_stdout(world):
    report = json.loads(run("allowance", *MARCH))

    assert list(report)[:5] == ["kind", "from", "to", "filters", "generated_at"]
    assert report["totals"] == {"clients": 1, "present_days": 5, "amount": "45.00"}
    assert report["rows"][0]["hetu"] == world.client.hetu


@pytest.mark.parametrize("kind", ["outcome", "allowance", "attendance", "state-compensation"])
def test_every_kind_with_every_option(world, kind):
    report = json.loads(
        run(
            kind,
            *MARCH,
            "--unit",
            "U1",
            "U2",
            "--unit",
            "U3",
            "--municipality",
            "091",
            "--organiser",
            "orgA",
            "--project",
            "ESF1",
            "--age-bands",
            "0-24,25-44,45-54,55-",
            "--suppress-below",
            "5",
            "--format",
            "json",
        )
    )

    assert report["kind"] == kind
    assert report["filters"] == {
        "units": ["U1", "U2", "U3"],
        "municipality": "091",
        "organiser": "orgA",
        "project": "ESF1",
    }
    assert report["suppress_below"] == 5


def test_outcome_with_age_bands_and_suppression(world):
    report = json.loads(run("outcome", *MARCH, "--age-bands", "0-44,45-", "--suppress-below", "2"))

    assert report["participants"]["total"] is None  # one participant, suppressed
    assert list(report["age_bands"]) == ["0-44", "45-"]
    assert report["age_bands"]["45-"]["total"] is None  # Anna, 45 on 1.2.2025


def test_output_file(world, tmp_path):
    target = tmp_path / "allowance.json"
    stdout = run("allowance", *MARCH, "--output", str(target))

    assert json.loads(target.read_text(encoding="utf-8"))["totals"]["amount"] == "45.00"
    assert str(target) in stdout


def test_csv_to_stdout_starts_with_the_bom(world):
    text = run("attendance", *MARCH, "--format", "csv")

    assert text.startswith("\ufeffrow;hetu;name;unit")


def test_aggregate_only_has_no_personal_data(world):
    for kind in ("allowance", "attendance", "state-compensation"):
        text = run(kind, *MARCH, "--aggregate-only")
        assert world.client.hetu not in text
        assert "Aalto" not in text
        assert "hetu" not in text


# --- bad options: exit status 2 --------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--unit", "NOPE"], "Unknown unit code: NOPE"),
        (["--municipality", "999"], "Unknown municipality code: 999"),
        (["--organiser", "x"], "Unknown organiser code: x"),
        (["--project", "x"], "Unknown project code: x"),
        (["--age-bands", "0-30,25-"], "overlap"),
        (["--age-bands", "young"], "is not an age band"),
        (["--suppress-below", "0"], "at least 1"),
        (["--suppress-below", "five"], "not a whole number"),
    ],
)
def test_bad_options_exit_2(world, args, message):
    with pytest.raises(CommandError, match=message) as excinfo:
        run("outcome", *MARCH, *args)

    assert excinfo.value.returncode == 2


def test_range_ending_before_it_starts_exits_2(db):
    with pytest.raises(CommandError, match="before it starts") as excinfo:
        run("outcome", "--from", "2025-03-31", "--to", "2025-03-01")

    assert excinfo.value.returncode == 2


def test_bad_date_exits_2(db):
    with pytest.raises(CommandError, match="not a date") as excinfo:
        run("outcome", "--from", "2025-02-31", "--to", "2025-03-01")

    assert excinfo.value.returncode == 2


def test_format_without_renderer_is_not_available_yet(world, monkeypatch):
    monkeypatch.setitem(RENDERERS, "xlsx", "reporting.renderers.no_such_renderer")

    with pytest.raises(CommandError, match="format xlsx not available yet") as excinfo:
        run("allowance", *MARCH, "--format", "xlsx", "--output", "/tmp/x.xlsx")  # noqa: S108

    assert excinfo.value.returncode == 2


def test_binary_format_needs_an_output_file(world, monkeypatch):
    monkeypatch.setitem(RENDERERS, "pdf", "reporting.renderers.json")

    with pytest.raises(CommandError, match="--output") as excinfo:
        run("allowance", *MARCH, "--format", "pdf")

    assert excinfo.value.returncode == 2


def test_output_into_a_missing_directory_exits_2(world, tmp_path):
    with pytest.raises(CommandError) as excinfo:
        run("allowance", *MARCH, "--output", str(tmp_path / "no" / "such.json"))

    assert excinfo.value.returncode == 2


def test_missing_rate_exits_1(world):
    from reporting.models import Rate

    Rate.objects.all().delete()

    with pytest.raises(CommandError, match="rate") as excinfo:
        run("allowance", *MARCH)

    assert excinfo.value.returncode == 1


def _manage(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kuty.settings.test"}
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", "report", *args],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nonsense", *MARCH], "invalid choice"),
        (["outcome", "--from", "2025-03-01"], "required: --to"),
        # In the deployment's language: the option and the dates say what is wrong.
        (["outcome", "--from", "2025-03-31", "--to", "2025-03-01"], "--to: "),
    ],
)
def test_exit_status_2_from_the_command_line(args, message):
    """Checked before the database is touched, so a real process can show the status."""
    result = _manage(*args)

    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""


# --- parameters -------------------------------------------------------------------------------


def test_params_parse_and_filters(world):
    params = ReportParams.parse(
        {
            "kind": "outcome",
            "from": "1.3.2025",
            "to": datetime.date(2025, 3, 31),
            "units": "U1, U2,U1",
            "municipality": "091",
            "age_bands": " 0-17, 18-29 ,55-",
            "suppress_below": 3,
        }
    )

    assert params.date_from == datetime.date(2025, 3, 1)
    assert params.units == ("U1", "U2")
    assert [band.label for band in params.age_bands] == ["0-17", "18-29", "55-"]
    assert params.suppress_below == 3
    assert params.format == "json"
    assert params.filters == {
        "units": ["U1", "U2"],
        "municipality": "091",
        "organiser": None,
        "project": None,
    }


def test_params_collect_every_error_by_field(db):
    with pytest.raises(InvalidReportParams) as excinfo:
        ReportParams.parse({"kind": "x", "from": "", "to": "tomorrow", "format": "doc"})

    assert set(excinfo.value.errors) == {"kind", "from", "to", "format"}


def test_default_age_bands_are_esf():
    bands = parse_age_bands("0-24,25-54,55-")

    assert [(b.label, b.low, b.high) for b in bands] == [
        ("0-24", 0, 24),
        ("25-54", 25, 54),
        ("55-", 55, None),
    ]
    assert (
        ReportParams(kind="outcome", date_from=d(2025, 1, 1), date_to=d(2025, 1, 2)).age_bands
        == bands
    )


@pytest.mark.parametrize("text", ["30-20", "0-24,24-30", "55-,60-70", "0-200", "a-b", ""])
def test_bad_age_bands(text):
    with pytest.raises(ValueError, match="age band"):
        parse_age_bands(text)
