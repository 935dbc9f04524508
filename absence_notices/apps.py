from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AbsenceNoticesConfig(AppConfig):
    name = "absence_notices"
    verbose_name = _("Absence notices to the benefit payer")
