"""Guidance sessions, daily attendance and month locks (DOMAIN.md §3, §4)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from activation_plans.models import ClientGoal
from clients.models import Client, Period
from organisations.models import Group, Unit


class SessionKind(models.TextChoices):
    OFFICE = "office", _("Office meeting")
    HOME_VISIT = "home_visit", _("Home visit")
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video")
    OUTREACH = "outreach", _("Outreach")


class IndividualSession(models.Model):
    """Individual guidance (yksilöohjaus), including home visits. Notes are confidential."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="individual_sessions")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    counsellors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("counsellors")
    )
    starts_at = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(5), MaxValueValidator(600)]
    )
    kind = models.CharField(_("kind"), max_length=20, choices=SessionKind.choices)
    topic = models.CharField(_("topic"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    goals = models.ManyToManyField(
        ClientGoal, blank=True, related_name="sessions", verbose_name=_("goals worked on")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("individual session")
        verbose_name_plural = _("individual sessions")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["client", "-starts_at"], name="indsession_client")]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=600),
                name="indsession_duration_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.starts_at:%d.%m.%Y} {self.topic}"


class GroupMembership(models.Model):
    """A client's membership in a standing group: the group session's roster."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="group_memberships")
    start_date = models.DateField(_("member from"))
    end_date = models.DateField(_("member until"), null=True, blank=True)

    class Meta:
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")
        ordering = ["client__last_name", "client__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "client", "start_date"], name="membership_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="membership_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} – {self.group}"


class GroupSession(models.Model):
    """Group guidance (ryhmätoiminta): one meeting of a group."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(5), MaxValueValidator(600)]
    )
    topic = models.CharField(_("topic"), max_length=200)
    counsellors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("counsellors")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("group session")
        verbose_name_plural = _("group sessions")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["group", "-starts_at"], name="groupsession_group")]

    def __str__(self) -> str:
        return f"{self.group} {self.starts_at:%d.%m.%Y} {self.topic}"


class GroupSessionParticipant(models.Model):
    """A roster line: whether the member took part, and a private note that appears in that
    client's own record only."""

    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="roster")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="group_sessions")
    took_part = models.BooleanField(_("took part"), default=False)
    note = models.CharField(_("private note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("group session participant")
        verbose_name_plural = _("group session participants")
        constraints = [
            models.UniqueConstraint(fields=["session", "client"], name="roster_once"),
        ]

    def __str__(self) -> str:
        return f"{self.session}: {self.client}"


class AttendanceStatus(models.TextChoices):
    """Canonical codes (DOMAIN.md §3); the names are used in code, imports and reports."""

    PRESENT = "present", _("Present")
    SICK = "sick", _("Sick (own notice)")
    SICK_CERTIFIED = "sick_certified", _("Sick with a certificate")
    CHILD_SICK = "child_sick", _("Child sick")
    JOB_INTERVIEW = "job_interview", _("Job interview")
    OFFICE_OF_TRUST = "office_of_trust", _("Office of trust")
    UNJUSTIFIED = "unjustified", _("Unjustified absence")
    NOT_ORGANISED = "not_organised", _("Not organised")


ABSENCE_STATUSES = (
    AttendanceStatus.SICK,
    AttendanceStatus.SICK_CERTIFIED,
    AttendanceStatus.CHILD_SICK,
    AttendanceStatus.JOB_INTERVIEW,
    AttendanceStatus.OFFICE_OF_TRUST,
    AttendanceStatus.UNJUSTIFIED,
)


class AttendanceRecord(models.Model):
    """One record per client, period and planned day."""

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="attendance")
    date = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=20, choices=AttendanceStatus.choices)
    hours = models.DecimalField(
        _("hours"),
        max_digits=3,
        decimal_places=1,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(12))],
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("attendance record")
        verbose_name_plural = _("attendance records")
        ordering = ["date"]
        indexes = [
            models.Index(fields=["date", "status"], name="attendance_date_status"),
            # The absences of a few statuses over some weeks (the dashboards' warnings).
            models.Index(fields=["status", "date"], name="attendance_status_date"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["period", "date"], name="attendance_once_a_day"),
            models.CheckConstraint(
                condition=Q(hours__gte=0, hours__lte=12), name="attendance_hours_range"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in AttendanceStatus]),
                name="attendance_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_id} {self.date:%d.%m.%Y} {self.status}"


# The smallest weekly limit there has been (4 days from 1.7.2015, DOMAIN.md §2): a week with
# more present dates than this may be over the person's limit in force that week.
MIN_WEEKLY_LIMIT = 4


class AttendanceBusyWeek(models.Model):
    """A client's ISO week with more present dates than :data:`MIN_WEEKLY_LIMIT`, all units
    together (periods that are not drafts): derived data, the candidates of the
    ``over_weekly_days`` warning, so that it is read for a year of the whole organisation
    without counting millions of records.

    Never edited by hand: every attendance write counts the written clients' weeks again in
    its transaction (:func:`guidance.busy_weeks.refresh`), and
    ``manage.py attendance_totals`` counts everything again after a load past the
    application. Weeks at or under the smallest limit are not kept.
    """

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="+", verbose_name=_("client")
    )
    week = models.DateField(_("week (its Monday)"))
    present_dates = models.PositiveSmallIntegerField(_("present dates"))

    class Meta:
        verbose_name = _("busy attendance week")
        verbose_name_plural = _("busy attendance weeks")
        indexes = [models.Index(fields=["week", "client"], name="busy_week_week_client")]
        constraints = [
            models.UniqueConstraint(fields=["client", "week"], name="busy_week_once"),
            models.CheckConstraint(
                condition=Q(present_dates__gt=MIN_WEEKLY_LIMIT, present_dates__lte=7),
                name="busy_week_over_smallest_limit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client_id} {self.week:%d.%m.%Y}: {self.present_dates}"


class AttendanceMonthLock(models.Model):
    """A unit's month locked by a unit manager once its allowance report has gone out."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="attendance_locks")
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    locked_at = models.DateTimeField(_("locked"), auto_now_add=True)

    class Meta:
        verbose_name = _("attendance month lock")
        verbose_name_plural = _("attendance month locks")
        constraints = [
            models.UniqueConstraint(fields=["unit", "month"], name="month_lock_once"),
            models.CheckConstraint(condition=Q(month__day=1), name="month_lock_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.month:%m/%Y}"


class AttendanceCorrection(models.Model):
    """A change to attendance in a locked month: a late correction, kept with its reason."""

    record = models.ForeignKey(
        AttendanceRecord, on_delete=models.PROTECT, related_name="corrections"
    )
    old_status = models.CharField(
        _("old status"), max_length=20, choices=AttendanceStatus.choices, blank=True
    )
    new_status = models.CharField(_("new status"), max_length=20, choices=AttendanceStatus.choices)
    old_hours = models.DecimalField(
        _("old hours"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    new_hours = models.DecimalField(_("new hours"), max_digits=3, decimal_places=1)
    reason = models.CharField(_("reason"), max_length=300)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    corrected_at = models.DateTimeField(_("corrected"), auto_now_add=True)

    class Meta:
        verbose_name = _("late correction")
        verbose_name_plural = _("late corrections")
        ordering = ["-corrected_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="correction_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.record} {self.old_status}→{self.new_status}"
