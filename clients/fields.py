"""The two columns of an identity code: its ciphertext and its keyed digest (clients/crypto.py).

``EncryptedHetuField`` reads as the plain code in Python and is stored as a Fernet token. The
database cannot compare tokens, so the field refuses every lookup but ``isnull`` and the
``startswith`` of the shape constraint: a ``filter(hetu=...)`` that would silently find nothing
fails loudly instead. ``HetuDigestField`` fills itself from the code on every save, including
``bulk_create``; compare it with ``crypto.hetu_digest(code)``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldError
from django.db import models

from . import crypto

_ALLOWED_LOOKUPS = {"isnull", "startswith"}


class EncryptedHetuField(models.CharField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 200)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or not crypto.is_token(value):
            return value
        return crypto.open_hetu(value)

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        value = super().get_db_prep_value(value, connection, prepared)
        if value is None or value == "" or crypto.is_token(value):
            return value
        return crypto.seal_hetu(value)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name not in _ALLOWED_LOOKUPS:
            raise FieldError(
                f"An encrypted identity code cannot be compared with '{lookup_name}': "
                "filter on hetu_hmac=crypto.hetu_digest(code) instead."
            )
        return super().get_lookup(lookup_name)


class HetuDigestField(models.CharField):
    """The digest of the instance's ``source`` field, computed at save."""

    def __init__(self, *args: Any, source: str = "hetu", **kwargs: Any) -> None:
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, list[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        if self.source != "hetu":
            kwargs["source"] = self.source
        if kwargs.get("max_length") == 64:
            del kwargs["max_length"]
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        code = getattr(model_instance, self.source)
        value = crypto.hetu_digest(code) if code else getattr(model_instance, self.attname)
        setattr(model_instance, self.attname, value)
        return value
