"""Identity codes at rest: encrypted, and found by a keyed digest (docs/security.md).

The ``hetu`` column holds a Fernet token (AES-128-CBC with HMAC-SHA256, a fresh IV each time),
made with the newest of ``HETU_KEYS``; any of the keys opens it, so a key is rotated by putting a
new one first and running ``manage.py rotate_hetu_keys``. Because the token differs every time,
the database cannot compare it: exact search, uniqueness and the imports' matching use
``hetu_hmac``, an HMAC-SHA256 of the cleaned code under ``HETU_HMAC_KEY``. The birth date has its
own column for age and the search by birth date.

A copy of the database without the keys shows neither codes nor anything to guess them from: a
digest cannot be reversed without the HMAC key, and the code space (about 36 million codes a
century) would be easy to walk with it, so the HMAC key is as secret as the encryption keys.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Every Fernet token starts with its version byte 0x80, which is "gAAAAA" in base64: a value of
# the column that does not is clear text, and the database refuses it (Client.Meta).
TOKEN_PREFIX = "gAAAAA"  # noqa: S105 (a format marker, not a secret)


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("HETU_KEYS must name at least one key (newest first).")
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "Each key in HETU_KEYS must be 32 url-safe base64-encoded bytes "
            "(make one with: manage.py rotate_hetu_keys --new-key)."
        ) from exc


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.HETU_KEYS))


def is_token(value: str) -> bool:
    return value.startswith(TOKEN_PREFIX) and len(value) > 20


def seal_hetu(code: str) -> str:
    """The token stored for ``code`` (already cleaned and validated)."""
    return fernet().encrypt(code.encode()).decode()


def open_hetu(token: str) -> str:
    """The code inside ``token``; ImproperlyConfigured when no key in HETU_KEYS opens it."""
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            "An identity code cannot be opened with any key in HETU_KEYS: "
            "a key that is still in use has been removed."
        ) from None


def reseal_hetu(token: str) -> str:
    """``token`` made again with the newest key (the same token if it already is)."""
    return fernet().rotate(token.encode()).decode()


@lru_cache(maxsize=4)
def _hmac_key(secret: str) -> bytes:
    if not secret:
        raise ImproperlyConfigured("HETU_HMAC_KEY must be set.")
    return secret.encode()


def hetu_digest(code: str) -> str:
    """The keyed digest of a cleaned code: what exact search and the imports compare."""
    key = _hmac_key(settings.HETU_HMAC_KEY)
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()
