"""A participant file is saved all or nothing, also when a row fails only while being saved.

The row checks run before anything is written; a fault that appears only at save time (the
model's own validation of a late row, a failed access-log write) must still leave every table
as it was, since the command then tells the user that nothing was saved."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError
from django.utils import translation

import clients.participant_import as participant_import
from clients.models import Client, Period
from tests.clients.factories import ClientFactory, PeriodFactory
from tests.db_counts import row_counts

from .test_import_participants import MAIJA, PEKKA, PEKKA_ROW, csv_text, places, row

__all__ = ["places"]  # the autouse fixture: units PORVOO and LAHTI

pytestmark = pytest.mark.django_db


def two_client_file(tmp_path: Path) -> Path:
    path = tmp_path / "participants.csv"
    path.write_text(csv_text([row(), row(**PEKKA_ROW)]), encoding="utf-8")
    return path


def fail_for_second_client(monkeypatch: pytest.MonkeyPatch) -> None:
    """Client.full_clean refuses the file's second client, as a constraint the row checks did
    not foresee would."""
    original = Client.full_clean

    def full_clean(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.hetu == PEKKA:
            raise ValidationError({"last_name": ["A rule the row checks did not know."]})
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Client, "full_clean", full_clean)


def test_a_late_row_failing_at_save_time_saves_no_earlier_row(tmp_path, monkeypatch):
    path = two_client_file(tmp_path)
    fail_for_second_client(monkeypatch)
    before = row_counts()

    out, err = StringIO(), StringIO()
    with translation.override("en"), pytest.raises(CommandError) as failure:
        call_command("import_participants", str(path), stdout=out, stderr=err)

    assert "1 error in the file; nothing was saved." in str(failure.value)
    assert err.getvalue().splitlines() == [
        "row 3, column last_name: A rule the row checks did not know."
    ]
    assert row_counts() == before  # Maija's client and period of row 2 are not saved either
    assert not Client.objects.with_hetu(MAIJA).exists()


def test_a_late_row_failing_leaves_the_updated_client_as_it_was(tmp_path, monkeypatch, places):
    maija = ClientFactory(hetu=MAIJA, first_name="Maija", last_name="Vanha")
    PeriodFactory(client=maija, unit=places["PORVOO"])
    path = two_client_file(tmp_path)
    fail_for_second_client(monkeypatch)
    before = row_counts()
    periods_before = sorted(Period.objects.values_list())

    with translation.override("en"), pytest.raises(CommandError, match="nothing was saved"):
        call_command("import_participants", str(path), stdout=StringIO(), stderr=StringIO())

    assert row_counts() == before
    maija.refresh_from_db()
    assert maija.last_name == "Vanha"  # row 2 would rename her Meikäläinen
    assert sorted(Period.objects.values_list()) == periods_before


def test_a_failed_access_log_write_saves_no_client(tmp_path, monkeypatch):
    """Without its log rows an import is not kept: the clients it wrote are rolled back."""
    path = two_client_file(tmp_path)

    def broken_log(**kwargs):  # type: ignore[no-untyped-def]
        raise DatabaseError("the access log is full")

    monkeypatch.setattr(participant_import, "access_log_record_many", broken_log)
    before = row_counts()

    with translation.override("en"), pytest.raises(DatabaseError):
        call_command("import_participants", str(path), stdout=StringIO(), stderr=StringIO())

    assert row_counts() == before
