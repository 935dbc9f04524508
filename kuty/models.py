"""Project-level records: the heartbeat that proves workers and beat run (``/readyz``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """The last time a background part was seen alive, one row per part."""

    name = models.CharField(_("part"), max_length=40, unique=True)
    at = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} {self.at:%d.%m.%Y %H:%M:%S}"
