from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivationPlansConfig(AppConfig):
    name = "activation_plans"
    verbose_name = _("Activation plans")
