"""The organisation structure every view is scoped by (DOMAIN.md §1)."""

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

municipality_code_validator = RegexValidator(
    r"^\d{3}$", _("A municipality code is three digits, for example 638.")
)


class Municipality(models.Model):
    code = models.CharField(
        _("municipality code"),
        max_length=3,
        unique=True,
        validators=[municipality_code_validator],
        help_text=_("Statistics Finland's three-digit code."),
    )
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{3}$"), name="municipality_code_three_digits"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Organiser(models.Model):
    """The body responsible for KUTY: a wellbeing services county, earlier a municipality."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("organiser")
        verbose_name_plural = _("organisers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EmploymentAuthority(models.Model):
    """The TE office until 2024; the municipality or employment area since 1.1.2025."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("employment authority")
        verbose_name_plural = _("employment authorities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """The place where the activity runs: a workshop, a work centre, a day centre."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    organiser = models.ForeignKey(
        Organiser, on_delete=models.PROTECT, related_name="units", verbose_name=_("organiser")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="units",
        verbose_name=_("municipality"),
        help_text=_("Where the unit is."),
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ClosureDay(models.Model):
    """A day the unit is closed (besides public holidays): attendance is not organised."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="closure_days")
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("closure day")
        verbose_name_plural = _("closure days")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "date"], name="closure_day_once_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.date:%d.%m.%Y}"


class Group(models.Model):
    """A standing group inside a unit, e.g. a low-threshold group meeting twice a week."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="groups", verbose_name=_("unit")
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["unit__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="group_name_unique_in_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"


class Project(models.Model):
    """A funder's project grouping units over a period (e.g. an ESF project)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    funder = models.CharField(_("funder"), max_length=200, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    units = models.ManyToManyField(Unit, related_name="projects", verbose_name=_("units"))

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="project_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    COUNSELLOR = "counsellor", _("Counsellor")
    UNIT_MANAGER = "unit_manager", _("Unit manager")
    PROJECT_MANAGER = "project_manager", _("Project manager")
    MUNICIPAL_OFFICIAL = "municipal_official", _("Municipal official")
    ADMINISTRATOR = "administrator", _("Administrator")


class RoleAssignment(models.Model):
    """One role of one user in one place. A user may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="role_assignments",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("unit")
    )
    organiser = models.ForeignKey(
        Organiser, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("organiser")
    )
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("project")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("municipality"),
    )

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            # Each role is tied to exactly the kind of place it is scoped by.
            models.CheckConstraint(
                name="role_assignment_scope_matches_role",
                condition=(
                    Q(
                        role__in=["counsellor", "unit_manager"],
                        unit__isnull=False,
                        organiser__isnull=True,
                        project__isnull=True,
                        municipality__isnull=True,
                    )
                    | Q(
                        role="project_manager",
                        unit__isnull=True,
                        municipality__isnull=True,
                    )
                    & (
                        Q(project__isnull=False, organiser__isnull=True)
                        | Q(project__isnull=True, organiser__isnull=False)
                    )
                    | Q(
                        role="municipal_official",
                        municipality__isnull=False,
                        unit__isnull=True,
                        organiser__isnull=True,
                        project__isnull=True,
                    )
                    | Q(
                        role="administrator",
                        unit__isnull=True,
                        organiser__isnull=True,
                        project__isnull=True,
                        municipality__isnull=True,
                    )
                ),
            ),
            *(
                models.UniqueConstraint(
                    fields=["user", "role", scope],
                    condition=Q(**{f"{scope}__isnull": False}),
                    name=f"role_assignment_unique_{scope}",
                )
                for scope in ("unit", "organiser", "project", "municipality")
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(role="administrator"),
                name="role_assignment_unique_administrator",
            ),
        ]

    def __str__(self) -> str:
        scope = self.unit or self.organiser or self.project or self.municipality
        label = self.get_role_display()
        return f"{self.user}: {label}" + (f" – {scope}" if scope else "")
