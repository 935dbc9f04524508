"""JSON: the report as built, indented, UTF-8 with the letters as they are (ä, not \\u00e4)."""

from __future__ import annotations

import json
from typing import Any

CONTENT_TYPE = "application/json"
EXTENSION = "json"


def render(report: dict[str, Any]) -> bytes:
    return (json.dumps(report, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
