"""Reads for the reports page, already scoped to the user (reporting/access.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet

from .access import runs_visible_to
from .models import ReportFile, ReportRun

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

OWN_RUNS_SHOWN = 30
SCHEDULED_RUNS_SHOWN = 30


@dataclass(frozen=True)
class RunLists:
    own: list[ReportRun]
    scheduled: list[ReportRun]

    @property
    def any_active(self) -> bool:
        """Whether the page should poll for status changes."""
        return any(run.is_active for run in (*self.own, *self.scheduled))


def _with_files(runs: QuerySet[ReportRun]) -> QuerySet[ReportRun]:
    return runs.select_related("requested_by").prefetch_related(
        Prefetch("files", queryset=ReportFile.objects.only("id", "run_id", "format", "size"))
    )


def report_run_lists(user: User | AnonymousUser) -> RunLists:
    """The user's latest runs and the latest scheduled runs they may open: four queries
    (two lists, their files), plus the user's access once per request."""
    visible = _with_files(runs_visible_to(user)).order_by("-created_at", "-id")
    return RunLists(
        own=list(visible.filter(requested_by=user, scheduled=False)[:OWN_RUNS_SHOWN]),
        scheduled=list(visible.filter(scheduled=True)[:SCHEDULED_RUNS_SHOWN]),
    )


def report_run_files(run: ReportRun) -> list[ReportFile]:
    return list(run.files.all())
