from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidanceConfig(AppConfig):
    name = "guidance"
    verbose_name = _("Guidance, attendance and transitions")

    def ready(self) -> None:
        from . import client_page

        client_page.register()
