"""Report runs: asking for a report, building it in a worker, keeping the files.

``report_run_request`` checks the user may ask for it (reporting/access.py), parses the
parameters, creates the run (queued) and enqueues the task once the transaction commits.
``report_run_execute`` is what the task calls: it claims the run with a conditional UPDATE
(queued → running; a duplicate delivery finds nothing to claim and does nothing), builds the
report with the same builder as the command and the web, renders each format, stores the files
with their SHA-256 and the clients they name (reporting/exports.py: each download logs one
export row per client) and marks the run ready. A finished run is a frozen copy; asking again makes
a new run.

Errors: a transient one — the database gone (``OperationalError``, ``InterfaceError``), a file
that could not be written (``OSError``) — puts the run back in the queue and is raised again for
the task to retry with backoff; when the retries are used up the task calls
``report_run_fail``. Anything else fails the run at once with a reason the user can read. A run
is never left running: :func:`report_runs_sweep` fails one whose worker died.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import access_log_record

from .access import ReportScope, scope_for_params, scope_label, suppress_below_setting
from .builders import ReportError, build_report
from .exports import report_client_uuids, report_run_clients_keep
from .models import ReportFile, ReportRun, RunStatus
from .params import FORMATS, InvalidReportParams, ReportParams
from .renderers import RendererNotAvailable, get_renderer

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError, OSError)
META_FORMATS = frozenset({"csv", "xlsx", "pdf"})  # renderers that take ``meta`` (who, which scope)
PROGRESS_CLAIMED, PROGRESS_BUILT, PROGRESS_FILES = 5, 50, 45
# A worker building a run writes a heartbeat this often; a run without one for STALE_HEARTBEAT
# has lost its worker.
HEARTBEAT_SECONDS = 30
STALE_HEARTBEAT = datetime.timedelta(minutes=2)


# --- asking -----------------------------------------------------------------------------------


def _stored_params(params: ReportParams) -> dict[str, Any]:
    """The parsed parameters as raw values ``ReportParams.parse`` takes again."""
    return {
        "kind": params.kind,
        "from": params.date_from.isoformat(),
        "to": params.date_to.isoformat(),
        "units": list(params.units),
        "municipality": params.municipality,
        "organiser": params.organiser,
        "project": params.project,
        "age_bands": ",".join(band.label for band in params.age_bands),
        "suppress_below": params.suppress_below,
    }


def effective_suppression(scope: ReportScope, asked: Any) -> int | None:
    """The threshold asked for; the municipality scope hides small counts whatever is asked."""
    try:
        number = int(asked) if asked not in (None, "") else None
    except (TypeError, ValueError):
        return asked  # ReportParams.parse says what is wrong with it
    if scope.forced_suppression:
        return max(number or 0, suppress_below_setting())
    return number


def _enqueue(run_id: int) -> bool:
    """Send a run to the workers. When the broker cannot be reached (within the short
    timeouts of the settings) the run waits, with a message the user understands, and the
    sweep (every minute) or a worker starting up sends it when the broker is back: the run
    row is the outbox. Returns whether the run was sent."""
    # The task module imports this one, so the task is looked up when it is needed.
    from .tasks import execute_report_run

    if settings.CELERY_TASK_ALWAYS_EAGER:  # the embedded run: build it here and now
        try:
            execute_report_run.delay(run_id)
        except Exception:  # the run records its own failure; the request goes on
            logger.exception("report run %s failed in-process", run_id)
        return True
    try:
        execute_report_run.apply_async((run_id,), retry=False)
    except Exception as error:
        logger.warning("report service unavailable, run %s waits: %r", run_id, error)
        ReportRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
            status=RunStatus.WAITING
        )
        return False
    ReportRun.objects.filter(pk=run_id, status=RunStatus.WAITING).update(status=RunStatus.QUEUED)
    return True


def _log_personal_export(run: ReportRun, *, user: Any, request: HttpRequest | None) -> None:
    access_log_record(
        action=Action.EXPORT,
        request=request,
        user=user,
        username="" if user is not None else "system",
        obj=run,
        basis="report with personal data",
        detail=(
            f"report run {run.uuid} requested: {run.kind} {run.date_from}–{run.date_to}, "
            f"{run.scope} {run.scope_code}".strip()
        ),
    )


def report_run_create(
    *,
    scope: ReportScope,
    params: ReportParams,
    formats: Sequence[str],
    include_personal: bool,
    requested_by: User | None,
    request: HttpRequest | None = None,
) -> ReportRun:
    """Create a queued run for parameters already checked; enqueue it after the commit."""
    run = ReportRun(
        kind=params.kind,
        params=_stored_params(params),
        formats=[fmt for fmt in FORMATS if fmt in formats],
        date_from=params.date_from,
        date_to=params.date_to,
        scope=scope.scope,
        scope_code=scope.code,
        scope_description=scope_label(scope)[:300],
        municipality_id=scope.municipality_id,
        include_personal=include_personal,
        requested_by=requested_by,
        scheduled=requested_by is None,
    )
    with transaction.atomic():
        run.full_clean()
        run.save()
        run.units.set(scope.unit_ids)
        if include_personal:
            _log_personal_export(run, user=requested_by, request=request)
        transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def report_run_request(
    *,
    user: User,
    params: Mapping[str, Any],
    formats: Sequence[str],
    aggregate_only: bool = False,
    request: HttpRequest | None = None,
) -> ReportRun:
    """Ask for a report. ``params`` are raw values as ``ReportParams.parse`` takes them.

    Raises ``PermissionDenied`` when the filters are not a scope of the user's or the kind is
    not theirs to run there, and ``InvalidReportParams`` for wrong parameters or formats.
    The filters are replaced by the scope's own, so nothing else reaches the builder;
    personal data is included only where the scope allows it.
    """
    scope = scope_for_params(user, dict(params))
    if scope is None or params.get("kind") not in scope.kinds:
        raise PermissionDenied
    raw = {
        "kind": params.get("kind"),
        "from": params.get("from"),
        "to": params.get("to"),
        "age_bands": params.get("age_bands"),
        "suppress_below": effective_suppression(scope, params.get("suppress_below")),
        **scope.filters(),
    }
    errors: dict[str, list[str]] = {}
    chosen = [fmt for fmt in formats if fmt in FORMATS]
    if not chosen or len(chosen) != len(formats):
        errors["formats"] = [_("Choose at least one of the formats PDF, XLSX, CSV and JSON.")]
    try:
        parsed = ReportParams.parse(raw)
    except InvalidReportParams as exc:
        raise InvalidReportParams({**exc.errors, **errors}) from None
    if errors:
        raise InvalidReportParams(errors)
    include_personal = scope.personal_allowed and not aggregate_only and parsed.kind != "outcome"
    return report_run_create(
        scope=scope,
        params=parsed,
        formats=chosen,
        include_personal=include_personal,
        requested_by=user,
        request=request,
    )


def report_run_repeat(
    *, user: User, run: ReportRun, request: HttpRequest | None = None
) -> ReportRun:
    """Ask again for the same report with the same parameters: a new run, built from today's
    data. Personal data only if the first had it and the user may still have it."""
    return report_run_request(
        user=user,
        params=run.params,
        formats=run.formats,
        aggregate_only=not run.include_personal,
        request=request,
    )


# --- building ---------------------------------------------------------------------------------


def _set_progress(run_id: int, progress: int) -> None:
    ReportRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(progress=progress)


def _file_name(run: ReportRun, extension: str) -> str:
    scope = run.scope_code or run.scope
    return f"{run.kind}_{scope}_{run.date_from:%Y-%m-%d}_{run.date_to:%Y-%m-%d}.{extension}"


def _meta(run: ReportRun) -> dict[str, Any]:
    person = run.requested_by
    return {
        "generated_by": (person.get_full_name() or person.get_username()) if person else None,
        "scheduled": run.scheduled,
        "scope": run.scope_display,
        "run": str(run.uuid),
    }


def _render_files(run: ReportRun, report: dict[str, Any]) -> list[ReportFile]:
    """Render each format and write it to storage; the rows are saved by the caller."""
    files: list[ReportFile] = []
    meta = _meta(run)
    try:
        for index, fmt in enumerate(run.formats, start=1):
            renderer = get_renderer(fmt)
            if hasattr(renderer, "write"):  # written to a file as it is made (the PDF)
                files.append(_stored_file(run, fmt, renderer, report, meta))
            else:
                data = (
                    renderer.render(report, meta=meta)
                    if fmt in META_FORMATS
                    else renderer.render(report)
                )
                item = ReportFile(
                    run=run,
                    format=fmt,
                    sha256=hashlib.sha256(data).hexdigest(),
                    size=len(data),
                    content_type=renderer.CONTENT_TYPE,
                )
                item.file.save(_file_name(run, renderer.EXTENSION), ContentFile(data), save=False)
                files.append(item)
            _set_progress(run.pk, PROGRESS_BUILT + PROGRESS_FILES * index // len(run.formats))
    except BaseException:
        _delete_files(files)
        raise
    return files


def _stored_file(
    run: ReportRun, fmt: str, renderer: Any, report: dict[str, Any], meta: dict[str, Any]
) -> ReportFile:
    """Render into a temporary file (never the whole file in memory) and hand it to the
    storage (default_storage: MEDIA_ROOT, or S3 with MEDIA_STORAGE_URL), which copies it in
    chunks. The renderer says what it wrote: a PDF, or a zip of PDFs per unit."""
    with tempfile.TemporaryFile() as handle:
        written = renderer.write(report, handle, meta=meta)
        handle.seek(0)
        digest = hashlib.sha256()
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
        size = handle.tell()
        handle.seek(0)
        item = ReportFile(
            run=run,
            format=fmt,
            sha256=digest.hexdigest(),
            size=size,
            content_type=written.content_type,
        )
        item.file.save(_file_name(run, written.extension), File(handle), save=False)
    return item


def _delete_files(files: Sequence[ReportFile]) -> None:
    for item in files:
        if item.file.name:
            try:
                default_storage.delete(item.file.name)
            except OSError:
                logger.warning("could not delete the partial report file %s", item.file.name)


def _requeue(run_id: int, exc: BaseException) -> None:
    """Put a run that met a transient error back in the queue, so the retry can claim it."""
    if isinstance(exc, DatabaseError):
        connection.close_if_unusable_or_obsolete()
    ReportRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
        status=RunStatus.QUEUED, progress=0
    )


def transient_reason(exc: BaseException) -> str:
    if isinstance(exc, DatabaseError):
        return _("The database could not be reached while the report was being built.")
    return _("The report files could not be saved (%(reason)s).") % {
        "reason": getattr(exc, "strerror", None) or exc.__class__.__name__
    }


def report_run_fail(run_id: int, *, reason: str) -> bool:
    """Mark a queued or running run failed with a reason the user can read."""
    return bool(
        ReportRun.objects.filter(
            pk=run_id, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]
        ).update(
            status=RunStatus.FAILED,
            failure_reason=reason or _("The report could not be built."),
            finished_at=timezone.now(),
        )
    )


def report_run_execute(run_id: int) -> str:
    """Build a queued run. Returns "skipped" when there was nothing to claim, else the run's
    new status. Transient errors are raised again (after the run is queued again)."""
    now = timezone.now()
    claimed = ReportRun.objects.filter(
        pk=run_id, status__in=[RunStatus.QUEUED, RunStatus.WAITING]
    ).update(
        status=RunStatus.RUNNING,
        started_at=now,
        heartbeat_at=now,
        progress=PROGRESS_CLAIMED,
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return "skipped"
    run = ReportRun.objects.select_related("requested_by").get(pk=run_id)
    with heartbeat(run_id):
        return _build_claimed(run_id, run)


def _build_claimed(run_id: int, run: ReportRun) -> str:
    try:
        params = ReportParams.parse(run.params)
        report = build_report(params, include_personal=run.include_personal)
        named = report_client_uuids(report)
        _set_progress(run_id, PROGRESS_BUILT)
        files = _render_files(run, report)
        try:
            with transaction.atomic():
                for item in files:
                    item.full_clean()
                    item.save()
                report_run_clients_keep(run_id=run_id, client_uuids=named)
                ReportRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
                    status=RunStatus.READY,
                    progress=100,
                    finished_at=timezone.now(),
                    data_quality=report.get("data_quality"),
                    failure_reason="",
                )
        except BaseException:
            _delete_files(files)
            raise
    except TRANSIENT_ERRORS as exc:
        logger.warning("report run %s: transient error, will retry: %r", run_id, exc)
        _requeue(run_id, exc)
        raise
    except (ReportError, InvalidReportParams) as exc:
        report_run_fail(run_id, reason=str(exc))
        return RunStatus.FAILED
    except RendererNotAvailable as exc:
        report_run_fail(
            run_id, reason=_("The format %(format)s is not available.") % {"format": exc.args[0]}
        )
        return RunStatus.FAILED
    except Exception:
        logger.exception("report run %s failed", run_id)
        report_run_fail(
            run_id,
            reason=_(
                "The report could not be built because of an unexpected error. The error "
                "has been logged for the administrator; try again later."
            ),
        )
        return RunStatus.FAILED
    return RunStatus.READY


def report_runs_sweep(
    *,
    now: datetime.datetime,
    stale_after: datetime.timedelta = STALE_HEARTBEAT,
    resend_after: datetime.timedelta = datetime.timedelta(minutes=10),
    give_up_after: datetime.timedelta = datetime.timedelta(days=1),
) -> tuple[int, list[int]]:
    """Keep runs moving when a worker or the broker failed them.

    A running run without a heartbeat for ``stale_after`` (its worker died or was killed) is
    failed with a reason the user can read, and can be asked for again. A waiting run (the
    broker was down) and a run still queued after ``resend_after`` (its message was lost) are
    sent again — a duplicate finds nothing to claim — and one left longer than
    ``give_up_after`` is failed. Returns the number failed and the ids to send again.
    """
    failed = report_runs_fail_stale(now=now, stale_after=stale_after)
    pending = ReportRun.objects.filter(status__in=[RunStatus.QUEUED, RunStatus.WAITING])
    failed += pending.filter(created_at__lt=now - give_up_after).update(
        status=RunStatus.FAILED,
        failure_reason=_("The report could not be started: no worker took it. Ask for it again."),
        finished_at=now,
    )
    resend = pending.filter(
        Q(status=RunStatus.WAITING)
        | Q(created_at__lt=now - resend_after)
        & (Q(started_at__isnull=True) | Q(started_at__lt=now - resend_after))
    )
    return failed, list(resend.order_by("created_at").values_list("pk", flat=True))


def report_runs_fail_stale(
    *,
    now: datetime.datetime,
    stale_after: datetime.timedelta = STALE_HEARTBEAT,
    run_id: int | None = None,
) -> int:
    """Fail running runs (all, or the one ``run_id``) whose worker gave no sign of life for
    ``stale_after``. Cheap enough for the run page to call on every view."""
    stale = ReportRun.objects.filter(status=RunStatus.RUNNING).filter(
        Q(heartbeat_at__lt=now - stale_after)
        | Q(heartbeat_at__isnull=True, started_at__lt=now - stale_after)
    )
    if run_id is not None:
        stale = stale.filter(pk=run_id)
    return stale.update(
        status=RunStatus.FAILED,
        failure_reason=_(
            "The report was interrupted before it was ready: the report service stopped while "
            "building it. Ask for it again."
        ),
        finished_at=now,
    )


@contextmanager
def heartbeat(run_id: int, every: float = HEARTBEAT_SECONDS) -> Iterator[None]:
    """While the block runs, write the run's ``heartbeat_at`` every ``every`` seconds from a
    thread of its own (with its own database connection), so the sweep can tell a long build
    from a dead worker."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(every):
                try:
                    ReportRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError:
                    logger.warning("report run %s: heartbeat not written", run_id)
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"report-run-{run_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def report_run_enqueue(run_id: int) -> bool:
    """Send a queued or waiting run to the workers (again); harmless when it is already on its
    way. Returns whether the broker took it."""
    return _enqueue(run_id)
