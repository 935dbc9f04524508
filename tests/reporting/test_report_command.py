"""``python manage.py report``: output to stdout or a file, exit status 0 and 2, who the output
is for (``--user``, or ``--aggregate-only``) and their access-log rows, and the parsing of its
parameters (shared with the web form)."""

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
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from audit.models import AccessLogEntry, Action
from reporting.params import InvalidReportParams, ReportParams, parse_age_bands
from reporting.renderers import RENDERERS
from tests.organisations.factories import RoleAssignmentFactory, UserFactory
from tests.reporting.builder_data import attend, d, make_world, period, person

MARCH = ["--from", "2025-03-01", "--to", "2025-03-31"]
# Alice, a counsellor of U1, is who the output is for; she sees U1's clients.
FOR_ALICE = ["--unit", "U1", "--user", "alice"]
LOG_TABLE = AccessLogEntry._meta.db_table


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
    w.alice = UserFactory(username="alice")
    RoleAssignmentFactory(user=w.alice, role="counsellor", unit=w.u1)
    w.erkki = UserFactory(username="erkki")
    RoleAssignmentFactory(user=w.erkki, role="municipal_official", municipality=w.helsinki)
    return w


def exports() -> set[tuple[object, str, object]]:
    """The export rows of the access log: (client, username, user id)."""
    return set(
        AccessLogEntry.objects.filter(action=Action.EXPORT).values_list(
            "client_uuid", "username", "user_id"
        )
    )


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


# --- success --------------------------------------------------------------------------------


def test_json_to_stdout(world):
    report = json.loads(run("allowance", *MARCH, *FOR_ALICE))

    assert list(report)[:5] == ["kind", "from", "to", "filters", "generated_at"]
    assert report["totals"] == {
        "clients": 1, "present_days": 5, "unpriced_days": 0, "amount": "45.00"
    }  # fmt: skip
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
            "--aggregate-only",
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
    report = json.loads(
        run(
            "outcome", *MARCH, "--age-bands", "0-44,45-", "--suppress-below", "2",
            "--aggregate-only",
        )
    )  # fmt: skip

    assert report["participants"]["total"] is None  # one participant, suppressed
    assert list(report["age_bands"]) == ["0-44", "45-"]
    assert report["age_bands"]["45-"]["total"] is None  # Anna, 45 on 1.2.2025


def test_output_file(world, tmp_path):
    target = tmp_path / "allowance.json"
    stdout = run("allowance", *MARCH, *FOR_ALICE, "--output", str(target))

    assert json.loads(target.read_text(encoding="utf-8"))["totals"]["amount"] == "45.00"
    assert str(target) in stdout


def test_csv_to_stdout_starts_with_the_bom(world):
    text = run("attendance", *MARCH, *FOR_ALICE, "--format", "csv-codes")

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


def test_days_without_a_known_rate_are_counted_not_priced(world):
    """No rate for the range (DOMAIN.md §3): the report says how many days are unpriced and
    charges nothing for them, rather than failing or guessing."""
    from reporting.models import Rate

    Rate.objects.filter(kind="allowance").delete()

    report = json.loads(run("allowance", *MARCH, *FOR_ALICE))
    assert report["totals"]["amount"] == "0.00"
    assert report["totals"]["unpriced_days"] == report["totals"]["present_days"] > 0


# --- who the output is for: --user and the access log ----------------------------------------


@pytest.fixture
def two_in_u1_one_in_u2(world):  # type: ignore[no-untyped-def]
    """Anna and Ville attend in U1, Bertta in U2 (same organiser): the clients a U1 report
    names are Anna and Ville."""
    ville = person(
        born=d(1990, 2, 2), sex="man", municipality=world.helsinki, unit=world.u1,
        first_name="Ville", last_name="Virta", benefit="basic_allowance",
    )  # fmt: skip
    attend(period(ville, world.u1, d(2025, 3, 1), d(2025, 8, 31)), d(2025, 3, 10), "PP")
    bertta = person(
        born=d(1985, 3, 3), sex="woman", municipality=world.helsinki, unit=world.u2,
        first_name="Bertta", last_name="Berg", benefit="basic_allowance",
    )  # fmt: skip
    attend(period(bertta, world.u2, d(2025, 3, 1), d(2025, 8, 31)), d(2025, 3, 10), "PP")
    world.ville, world.bertta = ville, bertta
    return world


@pytest.mark.parametrize("kind", ["allowance", "attendance"])
def test_every_client_named_is_logged_once_for_the_user_in_one_insert(two_in_u1_one_in_u2, kind):
    w = two_in_u1_one_in_u2
    with CaptureQueriesContext(connection) as queries:
        text = run(kind, *MARCH, *FOR_ALICE, "--format", "csv")

    assert w.client.hetu in text
    assert w.ville.hetu in text
    assert w.bertta.hetu not in text
    assert exports() == {
        (w.client.uuid, "alice", w.alice.pk),
        (w.ville.uuid, "alice", w.alice.pk),
    }
    inserts = [q for q in queries if q["sql"].startswith(f'INSERT INTO "{LOG_TABLE}"')]
    assert len(inserts) == 1
    entry = AccessLogEntry.objects.filter(action=Action.EXPORT).first()
    assert entry.basis == "report command"
    assert entry.detail == (
        f"report command: {kind} 2025-03-01–2025-03-31, units U1, csv to standard output"
    )
    assert w.client.hetu not in entry.detail


def test_a_counsellor_may_run_state_compensation_for_nobody(two_in_u1_one_in_u2):
    with pytest.raises(CommandError, match="alice may not run the state-compensation") as exc:
        run("state-compensation", *MARCH, *FOR_ALICE)

    assert exc.value.returncode == 2
    assert not exports()


def test_a_unit_manager_gets_state_compensation_rows_logged(two_in_u1_one_in_u2, tmp_path):
    w = two_in_u1_one_in_u2
    dora = UserFactory(username="dora")
    RoleAssignmentFactory(user=dora, role="unit_manager", unit=w.u1)
    target = tmp_path / "claim.json"

    run("state-compensation", *MARCH, "--unit", "U1", "--user", "dora", "--output", str(target))

    rows = json.loads(target.read_text(encoding="utf-8"))["rows"]
    assert {row["hetu"] for row in rows} == {w.client.hetu, w.ville.hetu}
    assert exports() == {(w.client.uuid, "dora", dora.pk), (w.ville.uuid, "dora", dora.pk)}
    assert AccessLogEntry.objects.get(client_uuid=w.ville.uuid).detail.endswith(
        "json to claim.json"
    )


def test_aggregate_output_logs_nobody(two_in_u1_one_in_u2):
    run("allowance", *MARCH, "--aggregate-only")
    run("allowance", *MARCH, *FOR_ALICE, "--aggregate-only")
    run("outcome", *MARCH, "--unit", "U1", "--aggregate-only")

    assert not AccessLogEntry.objects.exists()


def test_user_is_required_unless_aggregate_only(world):
    for kind in ("outcome", "allowance"):
        with pytest.raises(CommandError, match="Give --user USERNAME") as excinfo:
            run(kind, *MARCH, "--unit", "U1")
        assert excinfo.value.returncode == 2
    assert not AccessLogEntry.objects.exists()


def test_an_unknown_or_inactive_user_exits_2(world):
    world.alice.is_active = False
    world.alice.save()
    for name in ("nobody", "alice"):
        with pytest.raises(CommandError, match=f"No active user has the user name {name}") as exc:
            run("allowance", *MARCH, "--unit", "U1", "--user", name)
        assert exc.value.returncode == 2
    assert not AccessLogEntry.objects.exists()


def test_the_user_reports_only_on_their_own_scopes(two_in_u1_one_in_u2):
    for filters in (["--unit", "U2"], ["--organiser", "orgA"], [], ["--unit", "U1", "U2"]):
        with pytest.raises(CommandError, match="alice may not run the allowance") as excinfo:
            run("allowance", *MARCH, *filters, "--user", "alice")
        assert excinfo.value.returncode == 2
    assert not exports()


def test_an_official_gets_their_municipality_aggregates_only(two_in_u1_one_in_u2):
    with pytest.raises(CommandError, match="erkki may not see the identity codes") as excinfo:
        run("allowance", *MARCH, "--user", "erkki")
    assert excinfo.value.returncode == 2

    report = json.loads(run("allowance", *MARCH, "--user", "erkki", "--aggregate-only"))

    assert report["filters"]["municipality"] == "091"  # no filters: their municipality
    assert report["suppress_below"] == 5  # small counts hidden, as on the reports page
    assert "rows" not in report
    assert not AccessLogEntry.objects.exists()


def test_a_failed_write_leaves_no_log_row(two_in_u1_one_in_u2, tmp_path):
    with pytest.raises(CommandError, match="Cannot write") as excinfo:
        run("allowance", *MARCH, *FOR_ALICE, "--output", str(tmp_path))  # a directory

    assert excinfo.value.returncode == 1
    assert not AccessLogEntry.objects.exists()


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
