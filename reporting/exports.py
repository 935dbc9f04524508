"""The clients a report names, and the export rows of the access log for them.

A report with personal data names clients by identity code: the allowance and
state-compensation reports in ``rows``, the attendance report in ``clients`` (interfaces.md
§3). The outcome report and every aggregate part name nobody. Whoever gets a file or the
command's output that names a client gets one ``export`` row per client in the access log
(interfaces.md §3 "Who ran it", §4), written with one INSERT in the same transaction.

A run keeps the uuids of the clients its files name (:class:`reporting.models.ReportRunClients`),
stored when the files are built, so a download does not read the file again. For a run built
before they were kept, they are read once from its stored files and kept.
"""

from __future__ import annotations

import io
import re
import sqlite3
import uuid
import zipfile
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.db import connection

from audit.models import Action
from audit.services import access_log_record, access_log_record_many
from clients.crypto import hetu_digest
from clients.models import Client

from .builders import ReportError, build_report
from .models import ReportFile, ReportRun, ReportRunClients
from .params import InvalidReportParams, ReportParams

if TYPE_CHECKING:
    from django.http import HttpRequest

PERSONAL_SECTIONS = ("rows", "clients")
# The shape of an identity code (the clients table's own check), standing alone in a text.
HETU_IN_TEXT = re.compile(rb"(?<![0-9A-Za-z])[0-9]{6}[-+A-FU-Y][0-9]{3}[0-9A-Y](?![0-9A-Za-z])")
# Formats whose stored bytes hold the identity codes as text (XLSX: in its XML parts).
READABLE_FORMATS = ("json", "csv", "xlsx")
# psycopg binds parameters on the client: one query for any number of codes.
POSTGRESQL_CODES_PER_QUERY = 50_000


def report_hetus(report: dict[str, Any]) -> list[str]:
    """The identity codes a built report names, each once, in the order of its rows."""
    seen: dict[str, None] = {}
    for section in PERSONAL_SECTIONS:
        for row in report.get(section) or ():
            if isinstance(row, dict) and row.get("hetu"):
                seen.setdefault(row["hetu"], None)
    return list(seen)


def _codes_per_query() -> int:
    if connection.vendor != "sqlite":
        return POSTGRESQL_CODES_PER_QUERY
    connection.ensure_connection()
    limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return max(limit - 10, 100)


def client_uuids_for_hetus(hetus: Sequence[str]) -> list[uuid.UUID]:
    """The uuids of the clients with these identity codes, in the order given; a code of no
    client is left out. One query (on SQLite, one per its limit of parameters, 32,766)."""
    if not hetus:
        return []
    size = _codes_per_query()
    digests = [hetu_digest(code) for code in hetus]
    found: dict[str, uuid.UUID] = {}
    for start in range(0, len(digests), size):
        found.update(
            Client.objects.filter(hetu_hmac__in=digests[start : start + size]).values_list(
                "hetu_hmac", "uuid"
            )
        )
    return [found[digest] for digest in digests if digest in found]


def report_client_uuids(report: dict[str, Any]) -> list[uuid.UUID]:
    """The uuids of the clients a built report names."""
    return client_uuids_for_hetus(report_hetus(report))


# --- runs -------------------------------------------------------------------------------------


def _hetus_in_bytes(data: bytes, fmt: str) -> list[str]:
    if fmt == "xlsx":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = [archive.read(name) for name in archive.namelist() if name.endswith(".xml")]
    else:
        parts = [data]
    seen: dict[str, None] = {}
    for part in parts:
        for match in HETU_IN_TEXT.finditer(part):
            seen.setdefault(match.group(0).decode("ascii"), None)
    return list(seen)


def _hetus_of_old_run(run: ReportRun) -> list[str]:
    """The codes in a run built before the named clients were kept: read from a stored file
    that holds them as text, else (a run of PDFs only) from the same report built again."""
    files = {item.format: item for item in ReportFile.objects.filter(run=run)}
    for fmt in READABLE_FORMATS:
        if fmt not in files:
            continue
        try:
            with files[fmt].file.open("rb") as handle:
                return _hetus_in_bytes(handle.read(), fmt)
        except (OSError, zipfile.BadZipFile):
            continue
    try:
        return report_hetus(build_report(ReportParams.parse(run.params), include_personal=True))
    except (ReportError, InvalidReportParams):
        return []


def run_named_clients(run: ReportRun) -> list[str]:
    """The uuids (as text) of the clients the run's files name: one query for a run built
    with them kept; for an older one with personal data, found once and kept."""
    stored = ReportRunClients.objects.filter(run=run).values_list("client_uuids", flat=True).first()
    if stored is not None:
        return list(stored)
    if not run.include_personal:
        return []
    found = [str(value) for value in client_uuids_for_hetus(_hetus_of_old_run(run))]
    ReportRunClients.objects.bulk_create(
        [ReportRunClients(run=run, client_uuids=found)], ignore_conflicts=True
    )
    return found


def report_run_clients_keep(*, run_id: int, client_uuids: Iterable[uuid.UUID | str]) -> None:
    """Keep the clients a run's files name; called in the transaction that saves the files."""
    ReportRunClients.objects.create(
        run_id=run_id, client_uuids=[str(value) for value in client_uuids]
    )


def report_download_log(*, request: HttpRequest, run: ReportRun, stored: ReportFile) -> int:
    """Log a download of a run's file: one export row per client the file names, or one row
    for the run when it names nobody. One INSERT either way (within the log's batch size)."""
    detail = (
        f"report run {run.uuid} downloaded as {stored.format} (sha256 {stored.sha256[:16]}): "
        f"{run.kind} {run.date_from}–{run.date_to}, {run.scope_display}"
    )
    named = run_named_clients(run)
    if named:
        return access_log_record_many(
            action=Action.EXPORT,
            request=request,
            client_uuids=named,
            object_type=run._meta.label_lower,
            object_id=str(run.uuid),
            basis="report download",
            detail=detail,
        )
    access_log_record(
        action=Action.EXPORT, request=request, obj=run, basis="report download", detail=detail
    )
    return 1
