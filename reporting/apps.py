from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from guidance.signals import attendance_changed

        from .attendance_totals import on_attendance_changed

        attendance_changed.connect(on_attendance_changed, dispatch_uid="reporting.totals")
