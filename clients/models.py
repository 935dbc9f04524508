"""The client registry and KUTY periods (DOMAIN.md §1, §2, §5, §6)."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from organisations.models import Municipality, Unit

from .crypto import TOKEN_PREFIX, hetu_digest
from .fields import EncryptedHetuField, HetuDigestField
from .hetu import clean_hetu, mask_hetu


class Sex(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    NON_BINARY = "non_binary", _("Non-binary")
    UNKNOWN = "unknown", _("Unknown")


class Language(models.TextChoices):
    FINNISH = "fi", _("Finnish")
    SWEDISH = "sv", _("Swedish")
    OTHER = "other", _("Other")


class Benefit(models.TextChoices):
    LABOUR_MARKET_SUBSIDY = "labour_market_subsidy", _("Labour market subsidy")
    BASIC_ALLOWANCE = "basic_allowance", _("Basic unemployment allowance")
    EARNINGS_RELATED = "earnings_related", _("Earnings-related allowance")
    SOCIAL_ASSISTANCE = "social_assistance", _("Social assistance")
    NONE = "none", _("None")
    UNKNOWN = "", _("Unknown")


class LabourMarketStatus(models.TextChoices):
    UNEMPLOYED = "unemployed", _("Unemployed")
    LONG_TERM_UNEMPLOYED = "long_term_unemployed", _("Long-term unemployed")
    INACTIVE = "inactive", _("Inactive")
    EMPLOYED = "employed", _("Employed")
    UNKNOWN = "", _("Unknown")


class Education(models.TextChoices):
    ISCED_0_2 = "isced_0_2", _("Basic education at most (ISCED 0–2)")
    ISCED_3_4 = "isced_3_4", _("Upper secondary (ISCED 3–4)")
    ISCED_5_8 = "isced_5_8", _("Tertiary (ISCED 5–8)")
    UNKNOWN = "", _("Unknown")


class YesNoDeclined(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    DECLINED = "declined", _("Declined to say")
    UNKNOWN = "", _("Unknown")


# Entry data asked of each participant for funders (DOMAIN.md §5). Stored on the client as
# the current answers and copied to each period when it is agreed or imported.
DISADVANTAGE_FIELDS = (
    "foreign_background",
    "third_country_national",
    "inactive_not_in_education",
    "minority",
    "disability",
    "other_disadvantaged",
    "homeless",
    "rural",
)
ENTRY_FIELDS = ("benefit", "labour_market_status", "education", *DISADVANTAGE_FIELDS)


class EntryData(models.Model):
    benefit = models.CharField(_("benefit"), max_length=30, choices=Benefit.choices, blank=True)
    labour_market_status = models.CharField(
        _("labour-market status"), max_length=30, choices=LabourMarketStatus.choices, blank=True
    )
    education = models.CharField(
        _("highest education"), max_length=20, choices=Education.choices, blank=True
    )
    foreign_background = models.CharField(
        _("foreign background"), max_length=10, choices=YesNoDeclined.choices, blank=True
    )
    # ESF+ (Reg. 2021/1057) asks these apart from foreign background and inactivity.
    third_country_national = models.CharField(
        _("third-country national"), max_length=10, choices=YesNoDeclined.choices, blank=True
    )
    inactive_not_in_education = models.CharField(
        _("inactive, not in education or training"),
        max_length=10,
        choices=YesNoDeclined.choices,
        blank=True,
    )
    minority = models.CharField(
        _("belongs to a minority"), max_length=10, choices=YesNoDeclined.choices, blank=True
    )
    disability = models.CharField(
        _("disability"), max_length=10, choices=YesNoDeclined.choices, blank=True
    )
    other_disadvantaged = models.CharField(
        _("otherwise disadvantaged"), max_length=10, choices=YesNoDeclined.choices, blank=True
    )
    homeless = models.CharField(
        _("homeless"), max_length=10, choices=YesNoDeclined.choices, blank=True
    )
    rural = models.CharField(
        _("lives in a rural area"), max_length=10, choices=YesNoDeclined.choices, blank=True
    )

    class Meta:
        abstract = True


class ClientQuerySet(models.QuerySet["Client"]):
    def with_hetu(self, code: str) -> ClientQuerySet:
        """The client with identity code ``code`` (as typed: spaces and case do not matter)."""
        return self.filter(hetu_hmac=hetu_digest(clean_hetu(code)))

    def with_hetus(self, codes: Iterable[str]) -> ClientQuerySet:
        return self.filter(hetu_hmac__in={hetu_digest(clean_hetu(code)) for code in codes})

    def in_bulk_by_hetu(self, codes: Iterable[str]) -> dict[str, Client]:
        """The clients with these (cleaned) codes, by code; one query, no decryption to match."""
        code_of = {hetu_digest(code): code for code in codes}
        found = self.in_bulk(list(code_of), field_name="hetu_hmac")
        return {code_of[digest]: client for digest, client in found.items()}


class Client(EntryData):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Stored encrypted; exact search and uniqueness by the keyed digest (clients/crypto.py).
    hetu = EncryptedHetuField(_("personal identity code"))
    hetu_hmac = HetuDigestField(_("identity code digest"), unique=True)
    temporary_hetu = models.BooleanField(
        _("temporary identity code"),
        default=False,
        help_text=_("The code's individual number is 900–999 and this was allowed on purpose."),
    )
    first_name = models.CharField(_("first names"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=12, choices=Sex.choices, default=Sex.UNKNOWN)
    home_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="residents",
        verbose_name=_("home municipality"),
    )
    mother_tongue = models.CharField(
        _("mother tongue"), max_length=5, choices=Language.choices, default=Language.FINNISH
    )
    service_language = models.CharField(
        _("language of service"), max_length=5, choices=Language.choices, default=Language.FINNISH
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    post_office = models.CharField(_("post office"), max_length=100, blank=True)
    non_disclosure = models.BooleanField(
        _("non-disclosure for personal safety (turvakielto)"),
        default=False,
        help_text=_("Address and phone are shown only to the responsible counsellor."),
    )
    registered_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="registered_clients",
        verbose_name=_("registering unit"),
        help_text=_(
            "The unit that registered the client; its staff see the client before "
            "any period starts."
        ),
    )
    responsible_counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsible_for",
        verbose_name=_("responsible counsellor"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["last_name", "first_name"], name="client_name")]
        constraints = [
            # Only ciphertext: a clear-text code written past the model is refused.
            models.CheckConstraint(
                condition=Q(hetu__startswith=TOKEN_PREFIX), name="client_hetu_encrypted"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.last_name} {self.first_name}".strip()

    @property
    def masked_hetu(self) -> str:
        return mask_hetu(self.hetu)

    def age_on(self, day: datetime.date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class PeriodStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AGREED = "agreed", _("Agreed")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


class ExitReason(models.TextChoices):
    COMPLETED = "completed", _("Completed as planned")
    INTERRUPTED = "interrupted", _("Interrupted by the client")
    INTERRUPTED_BY_ORGANISER = "interrupted_by_organiser", _("Interrupted by the organiser")
    MOVED = "moved", _("Moved away")
    DECEASED = "deceased", _("Deceased")


class Destination(models.TextChoices):
    OPEN_LABOUR_MARKET = "open_labour_market", _("Open labour market")
    SUBSIDISED_WORK = "subsidised_work", _("Subsidised work")
    EDUCATION = "education", _("Education")
    OTHER_EMPLOYMENT_SERVICE = "other_employment_service", _("Other employment service")
    NEW_KUTY_PERIOD = "new_kuty_period", _("New rehabilitative work activity period")
    SOCIAL_REHABILITATION = "social_rehabilitation", _("Social rehabilitation")
    HEALTH_OR_REHABILITATION = "health_or_rehabilitation", _("Health care or rehabilitation")
    PENSION = "pension", _("Pension")
    UNEMPLOYED = "unemployed", _("Unemployed")
    OUTSIDE_LABOUR_FORCE = "outside_labour_force", _("Outside the labour force")
    UNKNOWN = "unknown", _("Unknown")


INTO_WORKING_LIFE = (Destination.OPEN_LABOUR_MARKET, Destination.SUBSIDISED_WORK)


class PeriodLimitKind(models.TextChoices):
    MIN_MONTHS = "min_months", _("shortest period in months")
    MAX_MONTHS = "max_months", _("longest period in months")
    MIN_DAYS_PER_WEEK = "min_days_per_week", _("fewest days a week")
    MAX_DAYS_PER_WEEK = "max_days_per_week", _("most days a week (the person's, all units)")
    MIN_HOURS_PER_DAY = "min_hours_per_day", _("fewest hours a day")
    MAX_HOURS_PER_DAY = "max_hours_per_day", _("most hours a day")
    MAX_HOURS_PER_WEEK = "max_hours_per_week", _("most hours a week")
    COMPENSATED_DAYS_PER_WEEK = (
        "compensated_days_per_week",
        _("state compensation: most days a calendar week"),
    )
    # Eligibility (referral basis) before HE 109/2025: checked as a warning a person confirms.
    SUBSIDY_DAYS_UNDER_25 = "subsidy_days_under_25", _("eligibility: subsidy days, under 25")
    SUBSIDY_DAYS_25 = "subsidy_days_25", _("eligibility: subsidy days, 25 and over")
    SUBSIDY_AFTER_ALLOWANCE_25 = (
        "subsidy_after_allowance_25",
        _("eligibility: subsidy days after the allowance, 25 and over"),
    )
    ASSISTANCE_MONTHS_UNDER_25 = (
        "assistance_months_under_25",
        _("eligibility: months on social assistance, under 25"),
    )
    ASSISTANCE_MONTHS_25 = (
        "assistance_months_25",
        _("eligibility: months on social assistance, 25 and over"),
    )


class PeriodLimit(models.Model):
    """One limit of the law, as data with the day it applies from (DOMAIN.md §2–§3).

    Each limit is its own row, so a source that moves one limit's first day changes one row,
    not code. ``verified`` says whether ``source`` has been checked to give that first day.
    The row in force on a period's start date applies to the whole period.
    """

    kind = models.CharField(_("limit"), max_length=30, choices=PeriodLimitKind.choices)
    valid_from = models.DateField(_("valid from"))
    value = models.DecimalField(_("value"), max_digits=4, decimal_places=1)
    source = models.CharField(_("legal source"), max_length=200)
    verified = models.BooleanField(_("first day verified from the source"), default=False)

    class Meta:
        verbose_name = _("limit of the law")
        verbose_name_plural = _("limits of the law")
        ordering = ["kind", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "valid_from"], name="period_limit_unique"),
            models.CheckConstraint(condition=Q(value__gt=0), name="period_limit_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value} ({self.valid_from:%d.%m.%Y})"


class Period(EntryData):
    """One KUTY period (jakso): the placement a plan defines, and how it ended.

    The entry data fields are the participant's answers at entry (copied from the client
    when the period is agreed or imported); reports count them from here.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="periods", verbose_name=_("client")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="periods", verbose_name=_("unit")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PeriodStatus.choices, default=PeriodStatus.DRAFT
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("planned end date"))
    days_per_week = models.PositiveSmallIntegerField(
        _("days a week"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    hours_per_day = models.DecimalField(
        _("hours a day"),
        max_digits=3,
        decimal_places=1,
        validators=[MinValueValidator(Decimal(4)), MaxValueValidator(Decimal(8))],
    )
    # ISO weekday numbers as digits, Monday = 1: "135" is Monday, Wednesday and Friday.
    weekdays = models.CharField(_("weekdays"), max_length=7, blank=True)
    overlap_confirmed = models.BooleanField(
        _("overlap with another period confirmed"), default=False
    )
    imported = models.BooleanField(
        _("imported"),
        default=False,
        help_text=_("Imported from an earlier system: the parties' agreement is not on record."),
    )
    exit_date = models.DateField(_("exit date"), null=True, blank=True)
    exit_reason = models.CharField(
        _("exit reason"), max_length=30, choices=ExitReason.choices, blank=True
    )
    destination = models.CharField(
        _("destination at exit"), max_length=30, choices=Destination.choices, blank=True
    )
    follow_up_consent = models.BooleanField(_("consents to follow-up"), default=False)
    destination_3m = models.CharField(
        _("destination at 3 months"), max_length=30, choices=Destination.choices, blank=True
    )
    destination_6m = models.CharField(
        _("destination at 6 months"), max_length=30, choices=Destination.choices, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["-start_date"]
        indexes = [
            models.Index(fields=["unit", "start_date", "end_date"], name="period_unit_dates"),
            models.Index(fields=["client", "start_date"], name="period_client_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=F("start_date")), name="period_ends_after_start"
            ),
            # The widest envelope of every rule set; the dated rules are checked by services.
            models.CheckConstraint(
                condition=Q(days_per_week__gte=1, days_per_week__lte=5),
                name="period_days_per_week_1_5",
            ),
            models.CheckConstraint(
                condition=Q(start_date__lt=datetime.date(2015, 7, 1)) | Q(days_per_week__lte=4),
                name="period_days_per_week_4_from_2015",
            ),
            models.CheckConstraint(
                condition=Q(hours_per_day__gte=4, hours_per_day__lte=8),
                name="period_hours_per_day_4_8",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(F("days_per_week") * F("hours_per_day"), 32),
                name="period_at_most_32_hours_a_week",
            ),
            models.CheckConstraint(
                condition=Q(exit_date__isnull=True) | Q(exit_date__gte=F("start_date")),
                name="period_exit_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(exit_date__isnull=True, exit_reason="", destination="")
                | Q(exit_date__isnull=False) & ~Q(exit_reason="") & ~Q(destination=""),
                name="period_exit_has_reason_and_destination",
            ),
            models.CheckConstraint(
                condition=~Q(status="ended") | Q(exit_date__isnull=False),
                name="period_ended_has_exit_date",
            ),
            models.UniqueConstraint(
                fields=["client", "unit", "start_date"], name="period_unique_client_unit_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.unit} {self.start_date:%d.%m.%Y}–{self.end_date:%d.%m.%Y}"

    @property
    def weekday_numbers(self) -> list[int]:
        return [int(d) for d in self.weekdays]

    @property
    def last_day(self) -> datetime.date:
        """The last day of the period: the exit date if it ended, else the planned end."""
        return self.exit_date or self.end_date

    @property
    def hours_per_week(self) -> Decimal:
        return self.hours_per_day * self.days_per_week
