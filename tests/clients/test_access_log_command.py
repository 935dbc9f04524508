"""``python manage.py access_log HETU --user USERNAME`` (interfaces.md §4): JSON to stdout or a
file, a PDF to a file, exit status 0, 1 (unknown client or user, or a user who may not read the
log) and 2 (bad options), and the request's own log row."""

from __future__ import annotations

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
from django.urls import reverse

from audit.models import AccessLogEntry, Action
from tests.clients.test_access_log_pdf import pdf_text
from tests.organisations.factories import RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("access_log", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def rows_for(client, action):  # type: ignore[no-untyped-def]
    return list(
        AccessLogEntry.objects.filter(client_uuid=client.uuid, action=action).values_list(
            "username", "detail"
        )
    )


def test_json_to_stdout_lists_the_request_itself(client, kuty_client, counsellor, unit_manager):
    client.force_login(counsellor)
    client.get(reverse("clients:detail", kwargs={"code": kuty_client.uuid}))

    report = json.loads(run(kuty_client.hetu, "--user", "dora"))

    assert report["client"] == {"hetu": kuty_client.hetu, "name": kuty_client.full_name}
    assert [(e["user"], e["action"]) for e in report["entries"]] == [
        ("alice", "view"),
        ("dora", "export"),  # the request, logged before the log was read
    ]
    assert rows_for(kuty_client, Action.EXPORT) == [("dora", "access log exported as JSON")]


def test_the_responsible_counsellor_may_ask_and_a_range_is_kept(kuty_client, counsellor):
    report = json.loads(
        run(kuty_client.hetu, "--user", "alice", "--from", "2026-01-01", "--to", "31.12.2099")
    )

    assert (report["from"], report["to"]) == ("2026-01-01", "2099-12-31")
    assert rows_for(kuty_client, Action.EXPORT) == [
        ("alice", "access log exported as JSON; 2026-01-01–2099-12-31")
    ]


def test_a_pdf_to_a_file_is_logged_as_a_printout(kuty_client, unit_manager, tmp_path):
    output = tmp_path / "loki.pdf"

    message = run(kuty_client.hetu, "--user", "dora", "--format", "pdf", "--output", str(output))

    _reader, text = pdf_text(output.read_bytes())
    assert "Asiakastietojesi käyttöloki" in text  # the Finnish printout, for this client
    assert kuty_client.full_name in text
    assert kuty_client.hetu in text
    assert "Rooli ja organisaatio" in text
    assert "Role and organisation" not in text
    assert str(output) in message
    assert kuty_client.hetu not in message
    assert rows_for(kuty_client, Action.PRINT) == [("dora", "access log printed as PDF (fi)")]


def test_json_to_a_file(kuty_client, unit_manager, tmp_path):
    output = tmp_path / "loki.json"

    run(kuty_client.hetu, "--user", "dora", "--output", str(output))

    assert json.loads(output.read_text(encoding="utf-8"))["client"]["hetu"] == kuty_client.hetu


# --- exit status 1: who and whom ---------------------------------------------------------------


def test_an_unknown_client_exits_1(kuty_client, unit_manager):
    with pytest.raises(CommandError, match="No client has this") as excinfo:
        run("131052-308T", "--user", "dora")
    assert excinfo.value.returncode == 1
    assert "131052-308T" not in str(excinfo.value)


def test_an_unknown_or_inactive_user_exits_1(kuty_client, unit_manager):
    unit_manager.is_active = False
    unit_manager.save()
    for username in ("nobody", "dora"):
        with pytest.raises(CommandError, match="No active user") as excinfo:
            run(kuty_client.hetu, "--user", username)
        assert excinfo.value.returncode == 1


def test_a_user_who_may_not_read_the_log_exits_1_and_nothing_is_logged(
    kuty_client, unit, outsider, project_manager
):
    colleague = UserFactory(username="greta")
    RoleAssignmentFactory(user=colleague, role="counsellor", unit=unit)
    # Another counsellor of the unit and the project manager see the client, not its log;
    # the outsider does not see the client at all.
    for username in ("greta", "bob", "charlie"):
        with pytest.raises(CommandError, match="may not read") as excinfo:
            run(kuty_client.hetu, "--user", username)
        assert excinfo.value.returncode == 1
    assert not AccessLogEntry.objects.filter(client_uuid=kuty_client.uuid).exists()


# --- exit status 2: bad options ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-02-31"], "--from: 2026-02-31 is not a date"),
        (["--to", "eilen"], "--to: eilen is not a date"),
        (["--from", "2026-03-01", "--to", "2026-02-01"], "ends before it starts"),
        (["--format", "pdf"], "Give --output FILE"),
        (["--output", "/no/such/directory/loki.json"], "No such directory"),
    ],
)
def test_bad_options_exit_2(kuty_client, unit_manager, args, message):
    with pytest.raises(CommandError, match=message) as excinfo:
        run(kuty_client.hetu, "--user", "dora", *args)

    assert excinfo.value.returncode == 2
    assert not AccessLogEntry.objects.exists()


def _manage(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kuty.settings.test"}
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", "access_log", *args],
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
        (["131052-308T"], "--user"),  # required
        (["131052-308T", "--user", "dora", "--format", "xlsx"], "invalid choice"),
        (["131052-308T", "--user", "dora", "--lang", "en"], "invalid choice"),
        (["131052-308T", "--user", "dora", "--from", "1.13.2026"], "--from"),
    ],
)
def test_exit_status_2_from_the_command_line(args, message):
    """Checked before the database is touched, so a real process can show the status."""
    result = _manage(*args)

    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""
