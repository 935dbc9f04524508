from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Access log")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from . import signals  # noqa: F401
        from .chain import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="audit_sqlite_seal")
