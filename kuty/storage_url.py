"""Where uploaded and generated files (the report files) are kept: ``MEDIA_STORAGE_URL``.

Unset or ``file:`` — the local directory MEDIA_ROOT (``file:///data/media`` names another one).
``s3://bucket/prefix?endpoint_url=…&region=…`` — an S3-compatible object store through
django-storages, for several web and worker machines that share the files. The credentials are
never in the URL: boto3 reads the standard ``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` (or
``AWS_PROFILE``, an instance role) from the environment.

Query parameters of an ``s3://`` URL: ``endpoint_url`` (MinIO, Ceph, a Finnish cloud's S3;
without it AWS), ``region``, ``addressing_style`` (``path`` for most self-hosted stores),
``sse`` (server-side encryption, e.g. ``AES256`` or ``aws:kms``), ``expire`` (seconds a signed
download link is valid, 300 by default). The objects are private: a file is only ever served
through the application, which checks the user and logs the download.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

FILESYSTEM = "django.core.files.storage.FileSystemStorage"
S3 = "storages.backends.s3.S3Storage"


class StorageUrlError(ValueError):
    """A MEDIA_STORAGE_URL this module cannot read."""


def media_storage(url: str) -> dict[str, Any]:
    """The ``STORAGES["default"]`` entry for ``url``."""
    if not url:
        return {"BACKEND": FILESYSTEM}
    parts = urlsplit(url)
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    if parts.scheme == "file":
        options = {"location": unquote(parts.path)} if parts.path not in ("", "/") else {}
        return {"BACKEND": FILESYSTEM, "OPTIONS": options}
    if parts.scheme != "s3":
        raise StorageUrlError(f"MEDIA_STORAGE_URL: unknown scheme {parts.scheme!r} (s3 or file)")
    if not parts.hostname:
        raise StorageUrlError("MEDIA_STORAGE_URL: s3://bucket/prefix needs a bucket")
    if parts.username or parts.password:
        raise StorageUrlError(
            "MEDIA_STORAGE_URL: no credentials in the URL; set AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY in the environment"
        )
    unknown = set(query) - {"endpoint_url", "region", "addressing_style", "sse", "expire"}
    if unknown:
        raise StorageUrlError(f"MEDIA_STORAGE_URL: unknown parameters {sorted(unknown)}")
    options: dict[str, Any] = {
        "bucket_name": parts.hostname,
        "location": unquote(parts.path).strip("/"),
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": int(query.get("expire", 300)),
        # Two reports never share a name (the run's uuid is in the path); never overwrite.
        "file_overwrite": False,
        "signature_version": "s3v4",
    }
    if "endpoint_url" in query:
        options["endpoint_url"] = query["endpoint_url"]
    if "region" in query:
        options["region_name"] = query["region"]
    if "addressing_style" in query:
        options["addressing_style"] = query["addressing_style"]
    if "sse" in query:
        options["object_parameters"] = {"ServerSideEncryption": query["sse"]}
    return {"BACKEND": S3, "OPTIONS": options}
