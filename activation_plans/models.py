"""Activation plans: made jointly by the client, the organiser and the employment authority
(DOMAIN.md §2). The placement a plan defines is its ``clients.Period``."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clients.models import Period
from organisations.models import EmploymentAuthority, Organiser


class PlanType(models.Model):
    """Kinds of plan, kept as data: the multi-sectoral employment plan replaces the activation
    plan for clients on unemployment benefit (Act 381/2023, HE 109/2025)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name_fi = models.CharField(_("name in Finnish"), max_length=200)
    name_sv = models.CharField(_("name in Swedish"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan type")
        verbose_name_plural = _("plan types")
        ordering = ["code"]

    def __str__(self) -> str:
        from django.utils.translation import get_language

        language = (get_language() or "fi")[:2]
        return getattr(self, f"name_{language}", None) or self.name_fi


class ReferralBasis(models.TextChoices):
    """Why the client is referred to KUTY (DOMAIN.md §2, eligibility before HE 109/2025)."""

    SUBSIDY_DAYS = "subsidy_days", _("Days on labour market subsidy")
    ALLOWANCE_USED_UP = "allowance_used_up", _("Unemployment allowance used up")
    SOCIAL_ASSISTANCE = "social_assistance", _("Social assistance mainly due to unemployment")
    OTHER = "other", _("Other grounds")


class ActivationPlan(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    period = models.OneToOneField(
        Period, on_delete=models.PROTECT, related_name="plan", verbose_name=_("period")
    )
    plan_type = models.ForeignKey(
        PlanType, on_delete=models.PROTECT, related_name="+", verbose_name=_("plan type")
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    organiser = models.ForeignKey(
        Organiser, on_delete=models.PROTECT, related_name="+", verbose_name=_("organiser")
    )
    employment_authority = models.ForeignKey(
        EmploymentAuthority,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("employment authority"),
    )
    # The three parties' agreement (DOMAIN.md §2): the date each agreed, and who represented
    # the organiser and the employment authority.
    client_agreed_on = models.DateField(_("client agreed on"), null=True, blank=True)
    organiser_representative = models.CharField(
        _("organiser's representative"), max_length=200, blank=True
    )
    organiser_agreed_on = models.DateField(_("organiser agreed on"), null=True, blank=True)
    employment_authority_representative = models.CharField(
        _("employment authority's representative"), max_length=200, blank=True
    )
    employment_authority_agreed_on = models.DateField(
        _("employment authority agreed on"), null=True, blank=True
    )
    support_person = models.CharField(_("support person"), max_length=200, blank=True)
    education_history = models.TextField(_("education"), blank=True)
    work_history = models.TextField(_("work history"), blank=True)
    earlier_services = models.TextField(_("earlier services and their effect"), blank=True)
    activity_goal = models.TextField(_("goal of the activity"))
    support_and_guidance = models.TextField(_("support and guidance given"))
    next_follow_up = models.DateField(_("next follow-up meeting"), null=True, blank=True)
    referral_basis = models.CharField(
        _("referral basis"), max_length=20, choices=ReferralBasis.choices, blank=True
    )
    referral_amount = models.PositiveSmallIntegerField(
        _("days or months behind the referral"),
        null=True,
        blank=True,
        help_text=_(
            "Days on labour market subsidy (for an allowance used up: subsidy days after it), "
            "or months on social assistance."
        ),
    )
    eligibility_confirmed = models.BooleanField(
        _("eligibility checked by a person"),
        default=False,
        help_text=_("Tick when the referral basis does not meet the rule but the plan is right."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("activation plan")
        verbose_name_plural = _("activation plans")
        ordering = ["-period__start_date"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(activity_goal="") & ~Q(support_and_guidance=""),
                name="plan_has_goal_and_support",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_type} {self.period}"

    @property
    def all_parties_agreed(self) -> bool:
        return bool(
            self.client_agreed_on
            and self.organiser_agreed_on
            and self.employment_authority_agreed_on
            and self.organiser_representative
            and self.employment_authority_representative
        )


class PlanVersion(models.Model):
    """A frozen copy of an agreed plan as it was before a change, with who changed what."""

    plan = models.ForeignKey(ActivationPlan, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("content"))
    changes = models.JSONField(_("changes"), default=list)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "version"], name="plan_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.version}"


GAS_SCORE_VALIDATORS = [MinValueValidator(-2), MaxValueValidator(2)]


class ClientGoal(models.Model):
    """The client's own goal, optionally with a Goal Attainment Scaling ladder −2…+2."""

    plan = models.ForeignKey(ActivationPlan, on_delete=models.CASCADE, related_name="goals")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.TextField(_("goal"))
    gas_minus_2 = models.CharField(_("−2: much less than expected"), max_length=300, blank=True)
    gas_minus_1 = models.CharField(_("−1: somewhat less than expected"), max_length=300, blank=True)
    gas_0 = models.CharField(_("0: the expected outcome"), max_length=300, blank=True)
    gas_plus_1 = models.CharField(_("+1: somewhat more than expected"), max_length=300, blank=True)
    gas_plus_2 = models.CharField(_("+2: much more than expected"), max_length=300, blank=True)
    attainment = models.SmallIntegerField(
        _("attainment"), null=True, blank=True, validators=GAS_SCORE_VALIDATORS
    )

    class Meta:
        verbose_name = _("client's goal")
        verbose_name_plural = _("client's goals")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(attainment__isnull=True) | Q(attainment__gte=-2, attainment__lte=2),
                name="goal_attainment_gas_range",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def has_gas_ladder(self) -> bool:
        return bool(self.gas_0)


class FollowUpMeeting(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(ActivationPlan, on_delete=models.CASCADE, related_name="follow_ups")
    date = models.DateField(_("date"))
    participants = models.CharField(_("participants"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_24_month_review = models.BooleanField(_("24-month review"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up meeting")
        verbose_name_plural = _("follow-up meetings")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.plan} {self.date:%d.%m.%Y}"


class GoalAttainment(models.Model):
    """The attainment score a follow-up meeting gave one goal."""

    meeting = models.ForeignKey(
        FollowUpMeeting, on_delete=models.CASCADE, related_name="attainments"
    )
    goal = models.ForeignKey(ClientGoal, on_delete=models.CASCADE, related_name="attainments")
    score = models.SmallIntegerField(_("score"), validators=GAS_SCORE_VALIDATORS)

    class Meta:
        verbose_name = _("goal attainment")
        verbose_name_plural = _("goal attainments")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "goal"], name="attainment_once"),
            models.CheckConstraint(
                condition=Q(score__gte=-2, score__lte=2), name="attainment_gas_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.goal} {self.score:+d}"
