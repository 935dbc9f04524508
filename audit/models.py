"""The access log (DOMAIN.md §6, Act 703/2023 11 §): append-only.

No code path updates or deletes a row: the model refuses it, the queryset refuses it, and a
database trigger (migration 0002) refuses it from any other client too.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an access-log row."""


class Action(models.TextChoices):
    VIEW = "view", pgettext_lazy("access log action", "View")
    CREATE = "create", pgettext_lazy("access log action", "Create")
    CHANGE = "change", pgettext_lazy("access log action", "Change")
    DELETE = "delete", pgettext_lazy("access log action", "Delete")
    EXPORT = "export", pgettext_lazy("access log action", "Export")
    PRINT = "print", pgettext_lazy("access log action", "Print")
    LOGIN = "login", pgettext_lazy("access log action", "Sign in")
    FAILED_LOGIN = "failed_login", pgettext_lazy("access log action", "Failed sign-in")
    LOGOUT = "logout", pgettext_lazy("access log action", "Sign out")
    SEARCH = "search", pgettext_lazy("access log action", "Search")
    IMPORT = "import", pgettext_lazy("access log action", "Import")
    REVEAL = "reveal", pgettext_lazy("access log action", "Identity code shown")


class AccessLogQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[override]
        raise AppendOnlyError("The access log is append-only.")

    def delete(self):  # type: ignore[override]
        raise AppendOnlyError("The access log is append-only.")

    def bulk_update(self, *args, **kwargs):  # type: ignore[override]
        raise AppendOnlyError("The access log is append-only.")


class AppendOnlyModel(models.Model):
    """A row is written once: saving it again or deleting it raises AppendOnlyError (the
    database refuses it too: audit migrations 0002 and 0004)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not self._state.adding:
            raise AppendOnlyError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise AppendOnlyError("The access log is append-only.")


class AccessLogEntry(AppendOnlyModel):
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    # The name as it was, so the row stays readable whatever happens to the account.
    username = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    # The client's public UUID (not a foreign key: the log sits below the client registry).
    client_uuid = models.UUIDField(_("client"), null=True, blank=True, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object"), max_length=64, blank=True)
    basis = models.CharField(_("basis"), max_length=200, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log entries")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["client_uuid", "-at"], name="accesslog_client_at"),
            # The administrators' search by user (clients.log_search).
            models.Index(fields=["username", "-at"], name="accesslog_username_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M} {self.username} {self.action} {self.object_type}"


class AccessLogSeal(AppendOnlyModel):
    """One link of the access log's hash chain (see ``audit.chain``): written by the database
    (PostgreSQL) or the log's writer (SQLite), never changed."""

    seq = models.BigAutoField(primary_key=True)
    # Not a foreign key: a removed entry must leave its seal behind for the verifier to see.
    entry_id = models.BigIntegerField(unique=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("access log seal")
        verbose_name_plural = _("access log seals")

    def __str__(self) -> str:
        return f"{self.seq} {self.hash[:12]}"
