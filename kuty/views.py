"""Entry pages: the root redirect, each role's home page, liveness (``/healthz``) and
readiness (``/readyz``).

Home pages are composed here (not in a lower app) because they show several layers at once.
A home page that names clients writes one access-log row per client named, in one insert.
"""

from collections.abc import Iterable
from uuid import UUID

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection, transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

from absence_notices.selectors import notice_summaries
from activation_plans.selectors import Reminders, reminders_for
from audit.models import Action
from audit.services import access_log_record_many
from clients.log_search import unusual_access_for_units
from guidance.agenda import counsellor_agenda
from guidance.warnings import units_warning_clients
from organisations.access import get_access, home_url_name
from organisations.models import Role, Unit
from reporting.dashboards.scope import municipal_scope, project_scope
from reporting.dashboards.unit import unit_manager_figures
from reporting.dashboards.views import dashboard_response
from reporting.selectors import report_run_lists

from .models import Heartbeat
from .tasks import WORKER

READYZ_TIMEOUT = 2  # seconds for the broker


@require_GET
def root(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("login")
    return redirect(home_url_name(request.user))


@login_required
@never_cache
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return redirect(home_url_name(request.user))


def _role_home(request: HttpRequest, role: str, template: str) -> HttpResponse:
    access = get_access(request.user)
    if role not in access.roles:
        raise Http404
    return render(request, template, {"role": role, "access": access})


def _reminder_clients(reminders: Reminders) -> list[UUID]:
    """The clients the reminder cards name."""
    plans = [*reminders.awaiting_agreement, *reminders.follow_ups_due]
    periods = [*reminders.ending_soon, *reminders.review_24_months]
    return [plan.period.client.uuid for plan in plans] + [p.client.uuid for p in periods]


def _log_home(request: HttpRequest, client_uuids: Iterable[UUID], role: str) -> None:
    """One view row per client a home page names (reminders, agenda, warnings), one insert."""
    access_log_record_many(
        action=Action.VIEW,
        client_uuids=client_uuids,
        request=request,
        object_type="kuty.home",
        detail=f"home page: {role}",
    )


@login_required
@never_cache
@require_GET
def home_counsellor(request: HttpRequest) -> HttpResponse:
    access = get_access(request.user)
    if Role.COUNSELLOR not in access.roles:
        raise Http404
    today = timezone.localdate()
    warnings = units_warning_clients(access.client_unit_ids, today)
    reminders = reminders_for(user=request.user, today=today)
    agenda = counsellor_agenda(request.user, today)
    context = {
        "role": Role.COUNSELLOR,
        "access": access,
        "reminders": reminders,
        "agenda": agenda,
        "warning_clients": warnings,
    }
    named = [*_reminder_clients(reminders), *agenda.client_uuids()]
    _log_home(request, [*named, *(item.client.uuid for item in warnings)], Role.COUNSELLOR)
    return render(request, "home/counsellor.html", context)


@login_required
@never_cache
@require_GET
def home_unit_manager(request: HttpRequest) -> HttpResponse:
    access = get_access(request.user)
    if Role.UNIT_MANAGER not in access.roles:
        raise Http404
    today = timezone.localdate()
    reminders = reminders_for(user=request.user, today=today)
    context = {
        "role": Role.UNIT_MANAGER,
        "access": access,
        "reminders": reminders,
        "unit_figures": unit_manager_figures(request.user, today),
        "unusual_access": unusual_access_for_units(
            unit_ids=access.manage_unit_ids, now=timezone.now()
        ),
        # Counts only, no client named: nothing to log.
        "absence_notices": notice_summaries(
            units=Unit.objects.filter(id__in=access.manage_unit_ids).select_related("organiser"),
            today=today,
        ),
    }
    _log_home(request, _reminder_clients(reminders), Role.UNIT_MANAGER)
    return render(request, "home/unit_manager.html", context)


@login_required
@never_cache
@require_GET
def home_project_manager(request: HttpRequest) -> HttpResponse:
    """The project dashboard, filtered by GET parameters like /dashboards/project/."""
    access = get_access(request.user)
    if Role.PROJECT_MANAGER not in access.roles:
        raise Http404
    context = {"role": Role.PROJECT_MANAGER, "access": access}
    scope = project_scope(request.user)
    return dashboard_response(request, scope, "home/project_manager.html", context)


@login_required
@never_cache
@require_GET
def home_municipal_official(request: HttpRequest) -> HttpResponse:
    """The municipality's figures (no personal data, small counts hidden) and its reports."""
    access = get_access(request.user)
    if Role.MUNICIPAL_OFFICIAL not in access.roles:
        raise Http404
    context = {
        "role": Role.MUNICIPAL_OFFICIAL,
        "access": access,
        "runs": report_run_lists(request.user),
    }
    scope = municipal_scope(request.user)
    return dashboard_response(request, scope, "home/municipal_official.html", context)


@login_required
@never_cache
@require_GET
def home_administrator(request: HttpRequest) -> HttpResponse:
    return _role_home(request, Role.ADMINISTRATOR, "home/administrator.html")


@login_required
@never_cache
@require_GET
def home_no_role(request: HttpRequest) -> HttpResponse:
    return render(request, "home/no_role.html")


@transaction.non_atomic_requests
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means unhealthy
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_cache() -> str:
    if not settings.CACHE_URL:
        return "not used"
    cache.set("kuty:readyz", "ok", 10)
    if cache.get("kuty:readyz") != "ok":
        raise RuntimeError("the cache did not keep a value")
    return "ok"


def _check_broker() -> str:
    if not settings.CELERY_BROKER_URL:
        return "not used (tasks run in-process)"
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=READYZ_TIMEOUT) as broker:
        broker.ensure_connection(max_retries=1, interval_start=0, timeout=READYZ_TIMEOUT)
    return "ok"


def _check_worker() -> str:
    if not settings.CELERY_BROKER_URL:
        return "not used (tasks run in-process)"
    beat = Heartbeat.objects.filter(name=WORKER).values_list("at", flat=True).first()
    if beat is None:
        raise RuntimeError("no worker heartbeat yet")
    age = int((timezone.now() - beat).total_seconds())
    if age > settings.READYZ_HEARTBEAT_MAX_AGE:
        raise RuntimeError(f"no worker heartbeat for {age} s (beat or workers down)")
    return f"ok ({age} s ago)"


READYZ_CHECKS = {
    "database": _check_database,
    "cache": _check_cache,
    "broker": _check_broker,
    "worker": _check_worker,
}


@transaction.non_atomic_requests
@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness for the load balancer and compose: every part KUTY needs, each named with
    its state; 503 when any fails."""
    checks: dict[str, str] = {}
    failed = []
    for name, check in READYZ_CHECKS.items():
        if name == "worker" and "database" in failed:
            checks[name] = "unknown (no database)"
            continue
        try:
            checks[name] = check()
        except Exception as error:
            checks[name] = f"unavailable: {type(error).__name__}: {error}"[:200]
            failed.append(name)
    status = 503 if failed else 200
    return JsonResponse(
        {"status": "error" if failed else "ok", "failing": failed, "checks": checks},
        status=status,
    )


@login_required
@never_cache
@require_GET
def keep_alive(request: HttpRequest) -> HttpResponse:
    """ "Continue" in the idle-session dialog: the request itself renews the session."""
    return HttpResponse(status=204)
