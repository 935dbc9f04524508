"""Absence notices sent to the benefit payer (Kela form TT3, DOMAIN.md §3).

A notice is prepared from the month sheet for each client and each half of a month
(:mod:`absence_notices.selectors`); only a notice **marked sent** is stored, with the figures
as they were sent, so that it prints again exactly as it went out. A later change to the
attendance of that half makes a new notice due, sent as a correction of the last one.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clients.models import Client
from organisations.models import Unit


class Payer(models.TextChoices):
    """Who is told about the absences: the payer of the client's benefit. A client on
    social assistance (toimintaraha, paid by the organiser) or without a known benefit gets no
    notice."""

    KELA = "kela", pgettext_lazy("absence notice", "Kela")
    FUND = "fund", pgettext_lazy("absence notice", "Unemployment fund")


class AbsenceNotice(models.Model):
    """A notice as sent: who sent it and when, and its figures frozen (``figures``: the
    client's name, the unit, the payer, the counsellor's contact, the status of each recorded
    day and the planned days; never the identity code, which the PDF reads from the client)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="absence_notices", verbose_name=_("unit")
    )
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="absence_notices", verbose_name=_("client")
    )
    first = models.DateField(_("first day"))
    last = models.DateField(_("last day"))
    payer = models.CharField(_("payer"), max_length=10, choices=Payer.choices)
    correction_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects the notice"),
    )
    figures = models.JSONField(_("figures as sent"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("marked sent by"),
    )
    sent_at = models.DateTimeField(_("sent"))

    class Meta:
        verbose_name = _("absence notice")
        verbose_name_plural = _("absence notices")
        ordering = ["first", "client_id", "sent_at", "pk"]
        indexes = [models.Index(fields=["unit", "first"], name="absence_notice_unit_first")]
        constraints = [
            models.CheckConstraint(
                condition=Q(last__gte=F("first")), name="absence_notice_last_after_first"
            ),
            models.CheckConstraint(
                condition=Q(payer__in=["kela", "fund"]), name="absence_notice_payer_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.first:%d.%m.%Y}–{self.last:%d.%m.%Y}"

    @property
    def is_correction(self) -> bool:
        return self.correction_of_id is not None
