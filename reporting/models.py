"""Reporting data: the dated rate table the money reports are computed with (DOMAIN.md §3)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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
