"""Whose figures a dashboard shows, from :func:`organisations.access.get_access`.

- project dashboard: project managers (the units of their projects or organiser) and
  administrators (every unit); figures of :func:`units_for_figures`, never wider;
- municipal dashboard: municipal officials, aggregates of the residents of their municipality,
  small counts of people hidden, no drill-down, no names;
- unit figures: unit managers, their managed units;
- the records behind a figure: anyone who may see clients, the units whose clients they see.

Anyone else gets 404, as for a page that does not exist. A :class:`Selection` is what one
request asks for, already inside the scope, and turns into the :class:`ReportParams` every
figure is counted with: a project selection always names its units, so an empty selection
can never mean "every unit" except for an administrator.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import Http404

from organisations.access import get_access, units_for_figures
from organisations.models import Municipality, Role, Unit
from reporting.params import ReportParams

from .present import Counter, suppress_below

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

PROJECT = "project"
MUNICIPALITY = "municipality"
UNIT = "unit"


@dataclass(frozen=True)
class Scope:
    kind: str
    units: tuple[Unit, ...]
    municipalities: tuple[Municipality, ...]
    client_unit_ids: frozenset[int]
    all_units: bool = False

    @property
    def counter(self) -> Counter:
        """Municipal officials never see a count of 1–4 people."""
        return Counter(suppress_below() if self.kind == MUNICIPALITY else None)

    def may_open(self, unit_ids: set[int] | frozenset[int]) -> bool:
        """May the user open the records behind a figure of these units?"""
        return self.kind != MUNICIPALITY and bool(unit_ids) and unit_ids <= self.client_unit_ids


def project_scope(user: User | AnonymousUser) -> Scope:
    access = get_access(user)
    if not {Role.PROJECT_MANAGER, Role.ADMINISTRATOR} & access.roles:
        raise Http404
    units = tuple(units_for_figures(user).order_by("name", "pk"))
    return Scope(PROJECT, units, (), access.client_unit_ids, all_units=access.all_units)


def municipal_scope(user: User | AnonymousUser) -> Scope:
    access = get_access(user)
    if Role.MUNICIPAL_OFFICIAL not in access.roles or not access.municipality_ids:
        raise Http404
    municipalities = tuple(
        Municipality.objects.filter(id__in=access.municipality_ids).order_by("name", "code")
    )
    return Scope(MUNICIPALITY, (), municipalities, frozenset())


def unit_manager_scope(user: User | AnonymousUser) -> Scope:
    access = get_access(user)
    if not access.manage_unit_ids:
        raise Http404
    units = tuple(Unit.objects.filter(id__in=access.manage_unit_ids).order_by("name", "pk"))
    return Scope(UNIT, units, (), access.client_unit_ids)


def records_scope(user: User | AnonymousUser) -> Scope:
    """The records behind figures: the units whose clients the user may see."""
    access = get_access(user)
    if not access.client_unit_ids:
        raise Http404
    units = tuple(Unit.objects.filter(id__in=access.client_unit_ids).order_by("name", "pk"))
    return Scope(PROJECT, units, (), access.client_unit_ids)


@dataclass(frozen=True)
class Selection:
    """One request's choice inside a scope."""

    scope: Scope
    date_from: datetime.date
    date_to: datetime.date
    units: tuple[Unit, ...] = ()
    municipality: Municipality | None = None
    chosen: bool = False  # units were picked in the filter (else: all of the scope's)

    @property
    def unit_ids(self) -> frozenset[int]:
        return frozenset(unit.pk for unit in self.units)

    def params(self, kind: str = "outcome") -> ReportParams:
        every_unit = self.scope.all_units and not self.chosen
        if self.scope.kind != MUNICIPALITY and not self.units and not every_unit:
            raise Http404  # nothing to show; never fall back to every unit
        return ReportParams(
            kind=kind,
            date_from=self.date_from,
            date_to=self.date_to,
            units=() if every_unit else tuple(unit.code for unit in self.units),
            municipality=self.municipality.code if self.municipality else None,
        )

    def drillable(self, unit_ids: set[int] | frozenset[int] | None = None) -> bool:
        """May the user open the records behind a figure of ``unit_ids`` (default: all the
        selection's units)?"""
        if self.scope.all_units and not self.chosen and unit_ids is None:
            return False
        return self.scope.may_open(frozenset(self.unit_ids if unit_ids is None else unit_ids))
