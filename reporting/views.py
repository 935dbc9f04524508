"""The reports page: ask for a report, follow its status, download the files.

Every download writes access-log rows (action export): one per client the file names, or one
for the run when it names nobody; asking for a report with personal data writes one too (in
the service). A run the user may not open answers 404, like one that does
not exist; so does a scope that is not one of the user's (only a tampered form sends one).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .access import can_rerun, get_run_for_user, may_see_clients_of_run, may_use_reports
from .exports import report_download_log
from .forms import RANGE_SHORTCUTS, ReportPrefillForm, ReportRequestForm
from .models import ReportRun, RunStatus
from .params import InvalidReportParams
from .runs import report_run_repeat, report_run_request, report_runs_fail_stale
from .selectors import report_run_files, report_run_lists

# Form fields for the service's error keys.
ERROR_FIELDS = {"kind": "kind", "from": "date_from", "to": "date_to", "age_bands": "age_bands",
                "formats": "formats"}  # fmt: skip


def _need_reports(request: HttpRequest) -> None:
    if not may_use_reports(request.user):
        raise Http404


def _prefilled_form(request: HttpRequest, data: object) -> ReportRequestForm:
    initial = ReportPrefillForm(data).initial_values(timezone.localdate())
    return ReportRequestForm(user=request.user, initial=initial)


def _ask(request: HttpRequest, form: ReportRequestForm) -> ReportRun | None:
    """The service's answer for a valid form: the run, or None with the errors on the form."""
    try:
        return report_run_request(
            user=request.user,
            params=form.to_params(),
            formats=form.cleaned_data["formats"],
            aggregate_only=form.cleaned_data["aggregate_only"],
            request=request,
        )
    except PermissionDenied:
        raise Http404 from None
    except InvalidReportParams as exc:
        for name, errors in exc.errors.items():
            for error in errors:
                form.add_error(ERROR_FIELDS.get(name), error)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def report_index(request: HttpRequest) -> HttpResponse:
    _need_reports(request)
    if request.method == "GET" or "range" in request.POST:  # a shortcut fills in the dates
        form = _prefilled_form(request, request.POST if request.method == "POST" else request.GET)
    else:
        form = ReportRequestForm(request.POST, user=request.user)
        scope = request.POST.get("scope")
        if scope and scope not in form.scopes:
            raise Http404
        if form.is_valid() and (run := _ask(request, form)) is not None:
            messages.success(request, _("The report is being built. It appears below when ready."))
            return redirect("reporting:run", code=run.uuid)
    context = {"form": form, "runs": report_run_lists(request.user), "shortcuts": RANGE_SHORTCUTS}
    return render(request, "reporting/index.html", context)


@never_cache
@login_required
@require_GET
def run_lists_partial(request: HttpRequest) -> HttpResponse:
    """The run tables alone, for polling while a run is queued or being built."""
    _need_reports(request)
    context = {"runs": report_run_lists(request.user)}
    return render(request, "reporting/partials/run_lists.html", context)


def _checked(run: ReportRun) -> ReportRun:
    """A run being built whose worker gave no sign of life for two minutes is failed here too
    (not only by the sweep), so the person waiting sees it and can ask again."""
    if run.status == RunStatus.RUNNING and report_runs_fail_stale(
        now=timezone.now(), run_id=run.pk
    ):
        run.refresh_from_db()
    return run


def _run_context(request: HttpRequest, run: ReportRun) -> dict[str, object]:
    return {
        "run": run,
        "files": report_run_files(run),
        "can_rerun": can_rerun(request.user, run),
        "show_record_links": may_see_clients_of_run(request.user, run),
        "max_pdf_pages": settings.REPORT_PDF_MAX_PAGES,
    }


@never_cache
@login_required
@require_GET
def run_detail(request: HttpRequest, code: str) -> HttpResponse:
    run = _checked(get_run_for_user(request.user, code))
    return render(request, "reporting/run_detail.html", _run_context(request, run))


@never_cache
@login_required
@require_GET
def run_status_partial(request: HttpRequest, code: str) -> HttpResponse:
    run = _checked(get_run_for_user(request.user, code))
    return render(request, "reporting/partials/run_status.html", _run_context(request, run))


@never_cache
@login_required
@require_GET
def run_download(request: HttpRequest, code: str, fmt: str) -> FileResponse:
    run = get_run_for_user(request.user, code)
    stored = next((item for item in report_run_files(run) if item.format == fmt), None)
    if stored is None:
        raise Http404
    try:
        handle = stored.file.open("rb")
    except OSError:
        raise Http404 from None
    report_download_log(request=request, run=run, stored=stored)
    name = stored.file.name.rsplit("/", 1)[-1]
    return FileResponse(handle, as_attachment=True, filename=name, content_type=stored.content_type)


@login_required
@require_POST
def run_again(request: HttpRequest, code: str) -> HttpResponse:
    """Ask for the same report again: a new run from today's data."""
    run = get_run_for_user(request.user, code)
    if not can_rerun(request.user, run):
        raise PermissionDenied
    try:
        new = report_run_repeat(user=request.user, run=run, request=request)
    except (PermissionDenied, InvalidReportParams):
        raise PermissionDenied from None
    messages.success(request, _("The report is being built again from today's data."))
    return redirect("reporting:run", code=new.uuid)
