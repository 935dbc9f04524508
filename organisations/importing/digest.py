"""The SHA-256 of an imported file: how an import's access-log rows name the file."""

from __future__ import annotations

import hashlib
from pathlib import Path


def file_digest(data: bytes | str | Path) -> str:
    """The hex SHA-256 of the file's bytes (text as UTF-8)."""
    if isinstance(data, Path):
        data = data.read_bytes()
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()
