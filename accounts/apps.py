from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Users")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .middleware import remember_state_at_sign_in

        user_logged_in.connect(remember_state_at_sign_in, dispatch_uid="kuty_mfa_state")
