"""Who may run which report on what (interfaces.md §3 "Who may run which report", DOMAIN.md §6).

A report is asked for on one *scope*, chosen from :func:`report_scopes` — the user's options:

- ``unit``: each unit whose figures the user sees (staff of the unit, project managers
  following it, administrators: every unit);
- ``organiser`` / ``project``: an organiser or project all of whose units the user sees (a
  project manager's project or organiser; administrators: all);
- ``municipality``: for municipal officials, the clients whose home municipality is theirs, in
  any unit;
- ``all``: every unit, for administrators.

Which reports: counsellors run the allowance and attendance reports of their units (to pay the
allowance and report absences to Kela); unit managers, project managers, officials and
administrators run all four. A scope's reports are those allowed on every one of its units.

Personal data (identity codes, names) is included only when the user may see the clients of
every unit of the scope — never on the municipality scope, never for an administrator without a
unit role — and the user did not ask for aggregates only. The municipality scope always hides
small counts: ``REPORT_SUPPRESS_BELOW`` (default 5) at least.

A run is a frozen copy, but opening it is checked now: a user opens the runs they asked for and
the scheduled runs, as long as every unit of the run is still one whose figures they see (and
whose clients they see, if it holds personal data), or, for a municipality run, they are still
an official of that municipality. Another user's run answers 404, like one that does not exist.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from organisations.access import get_access
from organisations.models import Municipality, Organiser, Project, Role, RoleAssignment, Unit

from .models import ReportRun, RunScope
from .params import KINDS

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

DEFAULT_SUPPRESS_BELOW = 5
COUNSELLOR_KINDS = ("allowance", "attendance")
PERSONAL_KINDS = frozenset({"allowance", "attendance", "state-compensation"})


def suppress_below_setting() -> int:
    return int(getattr(settings, "REPORT_SUPPRESS_BELOW", DEFAULT_SUPPRESS_BELOW))


@dataclass(frozen=True)
class ReportScope:
    scope: str
    code: str
    label: str
    unit_ids: frozenset[int]
    kinds: tuple[str, ...]
    personal_allowed: bool
    forced_suppression: bool = False
    municipality_id: int | None = None

    @property
    def value(self) -> str:
        return f"{self.scope}:{self.code}" if self.code else self.scope

    def filters(self) -> dict[str, Any]:
        """The scope as the raw filters of ``ReportParams.parse``."""
        return {
            "units": [self.code] if self.scope == RunScope.UNIT else [],
            "organiser": self.code if self.scope == RunScope.ORGANISER else None,
            "project": self.code if self.scope == RunScope.PROJECT else None,
            "municipality": self.code if self.scope == RunScope.MUNICIPALITY else None,
        }


def _followed_unit_ids(user: User | AnonymousUser) -> set[int]:
    """Units followed as a project manager (of a project or of an organiser's units)."""
    assignments = RoleAssignment.objects.filter(user=user, role=Role.PROJECT_MANAGER)
    return set(
        Unit.objects.filter(
            Q(projects__in=assignments.values("project_id"))
            | Q(organiser__in=assignments.values("organiser_id"))
        ).values_list("id", flat=True)
    )


def _kinds(unit_ids: frozenset[int], all_kind_units: set[int] | None) -> tuple[str, ...]:
    if all_kind_units is None or unit_ids <= all_kind_units:
        return KINDS
    return COUNSELLOR_KINDS


def report_scopes(user: User | AnonymousUser) -> list[ReportScope]:
    """The scopes the user may report on, in the order the form lists them. Cached on the
    user object for the request; at most eight queries."""
    cached = getattr(user, "_kuty_report_scopes", None)
    if cached is not None:
        return list(cached)
    access = get_access(user)
    admin = access.all_units
    client_ids = set(access.client_unit_ids)
    all_kind_units: set[int] | None = None
    if not admin:
        all_kind_units = set(access.manage_unit_ids)
        if Role.PROJECT_MANAGER in access.roles:
            all_kind_units |= _followed_unit_ids(user)

    def scope(kind: str, code: str, label: str, ids: set[int]) -> ReportScope:
        unit_ids = frozenset(ids)
        return ReportScope(
            scope=kind,
            code=code,
            label=label,
            unit_ids=unit_ids,
            kinds=_kinds(unit_ids, all_kind_units),
            personal_allowed=bool(unit_ids) and unit_ids <= client_ids,
        )

    units = Unit.objects.all() if admin else Unit.objects.filter(id__in=access.figure_unit_ids)
    unit_rows = list(units.order_by("name").values_list("id", "code", "name", "organiser_id"))
    visible = {row[0] for row in unit_rows}
    scopes: list[ReportScope] = []
    if admin:
        scopes.append(scope(RunScope.ALL, "", _("All units"), visible))
    scopes += [scope(RunScope.UNIT, code, name, {pk}) for pk, code, name, _org in unit_rows]
    if visible:
        by_organiser: dict[int, set[int]] = defaultdict(set)
        for pk, _code, _name, organiser_id in unit_rows:
            by_organiser[organiser_id].add(pk)
        organisers = Organiser.objects.annotate(size=Count("units")).filter(
            pk__in=by_organiser.keys()
        )
        scopes += [
            scope(RunScope.ORGANISER, org.code, org.name, by_organiser[org.pk])
            for org in organisers.order_by("name")
            if org.size == len(by_organiser[org.pk])
        ]
        members: dict[int, set[int]] = defaultdict(set)
        for project_id, unit_id in Project.units.through.objects.filter(
            unit_id__in=visible
        ).values_list("project_id", "unit_id"):
            members[project_id].add(unit_id)
        projects = Project.objects.annotate(size=Count("units")).filter(pk__in=members.keys())
        scopes += [
            scope(RunScope.PROJECT, project.code, project.name, members[project.pk])
            for project in projects.order_by("name")
            if project.size == len(members[project.pk])
        ]
    for municipality in Municipality.objects.filter(pk__in=access.municipality_ids):
        scopes.append(
            ReportScope(
                scope=RunScope.MUNICIPALITY,
                code=municipality.code,
                label=municipality.name,
                unit_ids=frozenset(),
                kinds=KINDS,
                personal_allowed=False,
                forced_suppression=True,
                municipality_id=municipality.pk,
            )
        )
    user._kuty_report_scopes = tuple(scopes)  # type: ignore[union-attr]
    return scopes


def may_use_reports(user: User | AnonymousUser) -> bool:
    """Whether the reports page is for this user at all (the nav link, the page's 404)."""
    access = get_access(user)
    return bool(access.all_units or access.figure_unit_ids or access.municipality_ids)


def scope_label(scope: ReportScope) -> str:
    """What the run stores of its scope: the place's own name ("Aa-paja"), in no language; the
    kind of scope is put before it when the run is shown (``ReportRun.scope_display``)."""
    if scope.scope == RunScope.ALL:
        return RunScope.ALL.value  # never shown: "All units" in the reader's language is
    return str(scope.label)


def get_scope_for_user(user: User | AnonymousUser, value: str) -> ReportScope:
    """The scope by its form value, or 404 when it is not one of the user's."""
    for option in report_scopes(user):
        if option.value == value:
            return option
    raise Http404


def scope_for_params(user: User | AnonymousUser, params: dict[str, Any]) -> ReportScope | None:
    """The user's scope that the raw filters describe, or None. No filters at all mean the
    administrator's "all", else a municipal official's only municipality (their figures are
    always their municipality's)."""
    units = params.get("units") or []
    if isinstance(units, str):
        units = [code for code in units.split(",") if code.strip()]
    given = {
        RunScope.UNIT: units[0] if len(units) == 1 else None,
        RunScope.ORGANISER: params.get("organiser") or None,
        RunScope.PROJECT: params.get("project") or None,
        RunScope.MUNICIPALITY: params.get("municipality") or None,
    }
    chosen = [(kind, code) for kind, code in given.items() if code]
    if len(units) > 1 or len(chosen) > 1:
        return None
    scopes = report_scopes(user)
    if not chosen:
        everything = [s for s in scopes if s.scope == RunScope.ALL]
        municipal = [s for s in scopes if s.scope == RunScope.MUNICIPALITY]
        if everything:
            return everything[0]
        return municipal[0] if len(municipal) == 1 else None
    kind, code = chosen[0]
    return next((s for s in scopes if s.scope == kind and s.code == code), None)


# --- runs -------------------------------------------------------------------------------------


def _units_outside(unit_ids: frozenset[int]) -> Exists:
    """The run has a unit not among ``unit_ids``."""
    through = ReportRun.units.through
    return Exists(through.objects.filter(reportrun_id=OuterRef("pk")).exclude(unit_id__in=unit_ids))


def runs_visible_to(user: User | AnonymousUser) -> QuerySet[ReportRun]:
    """The runs the user may open: their own and the scheduled ones, within their scope now."""
    access = get_access(user)
    if not may_use_reports(user):
        return ReportRun.objects.none()
    through = ReportRun.units.through
    has_units = Exists(through.objects.filter(reportrun_id=OuterRef("pk")))
    figures_ok = Q() if access.all_units else ~Q(_units_outside(access.figure_unit_ids))
    personal_ok = Q(include_personal=False) | ~Q(_units_outside(access.client_unit_ids))
    by_units = (
        Q(scope__in=[RunScope.UNIT, RunScope.ORGANISER, RunScope.PROJECT], has_units=True)
        & figures_ok
        & personal_ok
    )
    by_municipality = Q(
        scope=RunScope.MUNICIPALITY,
        municipality_id__in=access.municipality_ids,
        include_personal=False,
    )
    allowed = by_units | by_municipality
    if access.all_units:
        allowed |= Q(scope=RunScope.ALL, include_personal=False)
    return (
        ReportRun.objects.annotate(has_units=has_units)
        .filter(allowed)
        .filter(Q(requested_by=user) | Q(scheduled=True))
    )


def get_run_for_user(user: User | AnonymousUser, code: uuid.UUID | str) -> ReportRun:
    """The run, or 404 when it does not exist or the user may not open it."""
    try:
        return runs_visible_to(user).select_related("requested_by").get(uuid=code)
    except (ReportRun.DoesNotExist, ValueError):
        raise Http404 from None


def scope_of_run(user: User | AnonymousUser, run: ReportRun) -> ReportScope | None:
    """The user's scope that the run was made for, if they may still ask for it."""
    value = f"{run.scope}:{run.scope_code}" if run.scope_code else run.scope
    return next((s for s in report_scopes(user) if s.value == value), None)


def can_rerun(user: User | AnonymousUser, run: ReportRun) -> bool:
    """Whether the user may ask for the same report again (a new run)."""
    scope = scope_of_run(user, run)
    return scope is not None and run.kind in scope.kinds


def may_see_clients_of_run(user: User | AnonymousUser, run: ReportRun) -> bool:
    """Whether links to client records (the data-quality follow-up) make sense for the user."""
    access = get_access(user)
    unit_ids = {unit.pk for unit in run.units.all()}
    return bool(unit_ids) and unit_ids <= access.client_unit_ids
