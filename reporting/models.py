"""Reporting data: the dated rate table the money reports are computed with (DOMAIN.md §3),
and the report runs with their stored files."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from organisations.models import Municipality, Unit


class RateKind(models.TextChoices):
    ALLOWANCE = "allowance", _("Expense allowance per present day")
    STATE_COMPENSATION = "state_compensation", _("State compensation per attended client-day")


class RateQuerySet(models.QuerySet["Rate"]):
    def in_force(self, kind: str, start: datetime.date, end: datetime.date) -> list[Rate]:
        """The rates of ``kind`` in force on some day from ``start`` to ``end``, oldest first.

        The first one is the rate in force on ``start``, if any: a caller that needs a rate
        for every day checks that ``result[0].valid_from <= start``.
        """
        rates = list(self.filter(kind=kind, valid_from__lte=end).order_by("valid_from"))
        before = [rate for rate in rates if rate.valid_from <= start]
        return before[-1:] + [rate for rate in rates if rate.valid_from > start]


class Rate(models.Model):
    """An amount per day, valid from a date until the next row of the same kind.

    Amounts change by law, so they are data, not constants in code. The rows seeded by the
    migration start on 1.1.2002 (the euro rates of Acts 1290/2002 and 1296/2002); that start
    date is an assumption made for the seed, not a verified legal date.
    """

    kind = models.CharField(_("kind"), max_length=30, choices=RateKind.choices)
    valid_from = models.DateField(_("valid from"))
    amount = models.DecimalField(_("amount (€)"), max_digits=6, decimal_places=2)
    source = models.CharField(_("legal source"), max_length=200)

    objects = RateQuerySet.as_manager()

    class Meta:
        verbose_name = _("rate")
        verbose_name_plural = _("rates")
        ordering = ["kind", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "valid_from"], name="rate_once_per_day"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="rate_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} € {self.valid_from:%d.%m.%Y}"


def rate_on(kind: str, day: datetime.date) -> Decimal | None:
    """The amount of ``kind`` in force on ``day``, or None if no rate was in force yet."""
    rate = Rate.objects.filter(kind=kind, valid_from__lte=day).order_by("-valid_from").first()
    return rate.amount if rate is not None else None


# --- report runs ------------------------------------------------------------------------------

REPORT_KINDS = (
    ("outcome", _("Participants and outcomes")),
    ("allowance", _("Expense allowance")),
    ("attendance", _("Attendance")),
    ("state-compensation", _("State compensation claim")),
)
REPORT_FORMATS = (
    ("pdf", "PDF"),
    ("xlsx", _("Spreadsheet (XLSX)")),
    ("csv", "CSV"),
    ("json", "JSON"),
)


class RunStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for the report service")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being built")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class RunScope(models.TextChoices):
    UNIT = "unit", _("Unit")
    ORGANISER = "organiser", _("Organiser")
    PROJECT = "project", _("Project")
    MUNICIPALITY = "municipality", _("Home municipality")
    ALL = "all", _("All units")


def _place_name(kind: RunScope, stored: str) -> str:
    """The place's name of a stored scope; runs made before the name was stored alone carry the
    kind in the language of the day in front of it ("Kotikunta: Lahti")."""
    head, sep, rest = stored.partition(": ")
    if sep:
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                if head == str(kind.label):
                    return rest
    return stored


class ReportRun(models.Model):
    """One report asked for (by a person or by the schedule), built once by a worker.

    A finished run is a frozen copy: its files are what was built then, whatever changes in
    the data afterwards. ``params`` are the raw values given to ``ReportParams.parse``, already
    narrowed to what the requester may see (reporting/access.py); ``units`` are the units the
    scope covered when the run was asked for, and with ``include_personal`` decide who may
    still open it.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("report"), max_length=30, choices=REPORT_KINDS)
    params = models.JSONField(_("parameters"))
    formats = models.JSONField(_("formats"), default=list)
    date_from = models.DateField(_("from"))
    date_to = models.DateField(_("to"))
    scope = models.CharField(_("scope"), max_length=20, choices=RunScope.choices)
    scope_code = models.CharField(_("scope code"), max_length=40, blank=True)
    scope_description = models.CharField(_("scope"), max_length=300)
    units = models.ManyToManyField(Unit, blank=True, related_name="+", verbose_name=_("units"))
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("home municipality"),
    )
    include_personal = models.BooleanField(_("includes personal data"), default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_runs",
        verbose_name=_("requested by"),
    )
    scheduled = models.BooleanField(_("scheduled"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    failure_reason = models.TextField(_("reason for the failure"), blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    data_quality = models.JSONField(_("data quality"), null=True, blank=True)
    created_at = models.DateTimeField(_("asked for"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    # Written every HEARTBEAT_SECONDS while a worker builds the run: a run without one for
    # two minutes has lost its worker (reporting.runs.report_runs_sweep).
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"], name="reportrun_requester"),
            models.Index(fields=["status", "created_at"], name="reportrun_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="reportrun_progress_at_most_100"
            ),
            models.CheckConstraint(
                condition=Q(date_to__gte=F("date_from")), name="reportrun_range"
            ),
            # A person asks, or the schedule does: never both, never neither.
            models.CheckConstraint(
                condition=Q(scheduled=True, requested_by__isnull=True)
                | Q(scheduled=False, requested_by__isnull=False),
                name="reportrun_requested_by_person_or_schedule",
            ),
            models.CheckConstraint(
                condition=~Q(status=RunStatus.FAILED) | ~Q(failure_reason=""),
                name="reportrun_failure_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status=RunStatus.READY) | Q(progress=100, finished_at__isnull=False),
                name="reportrun_ready_is_finished",
            ),
            # The schedule makes each of its reports once, however often beat fires.
            models.UniqueConstraint(
                fields=["kind", "scope", "scope_code", "date_from", "date_to"],
                condition=Q(scheduled=True),
                name="reportrun_scheduled_once",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} {self.date_from:%d.%m.%Y}–{self.date_to:%d.%m.%Y} "
            f"({self.scope_display})"
        )

    @property
    def scope_display(self) -> str:
        """The scope in the reader's language: "Kotikunta: Lahti", "Hemkommun: Lahti"."""
        kind = RunScope(self.scope)
        if kind == RunScope.ALL:
            return str(kind.label)
        return f"{kind.label}: {_place_name(kind, self.scope_description)}"

    @property
    def is_active(self) -> bool:
        return self.status in (RunStatus.WAITING, RunStatus.QUEUED, RunStatus.RUNNING)


def report_file_path(instance: ReportFile, filename: str) -> str:
    """``reports/<yyyy>/<mm>/<run uuid>/<file name>``: the month the file was made."""
    now = timezone.localtime()
    return f"reports/{now:%Y}/{now:%m}/{instance.run.uuid}/{filename}"


class ReportFile(models.Model):
    """One rendered format of a run, with its checksum to show it is the file that was built."""

    run = models.ForeignKey(
        ReportRun, on_delete=models.CASCADE, related_name="files", verbose_name=_("report run")
    )
    format = models.CharField(_("format"), max_length=10, choices=REPORT_FORMATS)
    file = models.FileField(_("file"), upload_to=report_file_path, max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=100)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("report file")
        verbose_name_plural = _("report files")
        ordering = ["run", "format"]
        constraints = [
            models.UniqueConstraint(fields=["run", "format"], name="reportfile_once_per_format"),
        ]

    def __str__(self) -> str:
        return f"{self.run} {self.format}"

    @property
    def split_by_unit(self) -> bool:
        """A PDF that would have been longer than REPORT_PDF_MAX_PAGES: stored as a zip with a
        summary PDF and one PDF per unit (reporting.renderers.pdf.write)."""
        return self.format == "pdf" and self.content_type == "application/zip"


class ReportRunClients(models.Model):
    """The clients a run's files name, by their uuids, stored when the files are built.

    Each download writes one export row per client named in the file
    (:func:`reporting.exports.report_download_log`) without reading the file again. A table of
    its own, so that the run lists never load a 40,000-client list; one row per run (a list in
    JSON: one read at download, a few hundred kilobytes for a large file). The list is empty
    for a file without personal data. A run built before the lists were kept has no row.
    """

    run = models.OneToOneField(
        ReportRun,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="named_clients",
        verbose_name=_("report run"),
    )
    client_uuids = models.JSONField(_("clients named in the files"), default=list)

    class Meta:
        verbose_name = _("clients named by a report run")
        verbose_name_plural = _("clients named by report runs")

    def __str__(self) -> str:
        return f"{self.run_id}: {len(self.client_uuids)}"


class AttendanceMonthTotals(models.Model):
    """A period's attendance records of one month, counted: derived data for the dashboards.

    One row per period and month with records: the day counts of
    :func:`reporting.figures.day_counts` and the state compensation's compensated days (each
    client's first four present days of the ISO week, the week read whole, as the
    state-compensation report ranks them). Never edited by hand: every attendance write
    (``guidance.attendance_services.attendance_records_write``) sends
    ``guidance.signals.attendance_changed`` in its transaction, and
    :mod:`reporting.attendance_totals` counts the affected clients' months again.
    ``manage.py attendance_totals --rebuild`` counts everything again.
    """

    period = models.ForeignKey(
        "clients.Period", on_delete=models.CASCADE, related_name="+", verbose_name=_("period")
    )
    month = models.DateField(_("month"))
    planned_days = models.PositiveIntegerField(default=0)
    present_days = models.PositiveIntegerField(default=0)
    not_organised_days = models.PositiveIntegerField(default=0)
    absent_sick = models.PositiveIntegerField(default=0)
    absent_sick_certified = models.PositiveIntegerField(default=0)
    absent_child_sick = models.PositiveIntegerField(default=0)
    absent_job_interview = models.PositiveIntegerField(default=0)
    absent_office_of_trust = models.PositiveIntegerField(default=0)
    absent_unjustified = models.PositiveIntegerField(default=0)
    compensated_days = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("attendance month totals")
        verbose_name_plural = _("attendance month totals")
        indexes = [models.Index(fields=["month", "period"], name="totals_month_period")]
        constraints = [
            models.UniqueConstraint(fields=["period", "month"], name="totals_once_a_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="totals_month_first_day"),
            models.CheckConstraint(
                condition=Q(compensated_days__lte=F("present_days")),
                name="totals_compensated_at_most_present",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_id} {self.month:%m/%Y}"
