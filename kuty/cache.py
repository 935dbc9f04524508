"""The cache is an optimisation: when it fails (Redis down, a timeout), the caller counts the
figures itself and the page still answers. Each failure is logged as a warning, once per call."""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache import cache

logger = logging.getLogger("kuty.cache")


def cache_get(key: str) -> Any:
    """The kept value, or None when there is none or the cache cannot be reached."""
    try:
        return cache.get(key)
    except Exception as error:
        logger.warning("cache unavailable, counting instead: %s", type(error).__name__)
        return None


def cache_set(key: str, value: Any, seconds: int) -> None:
    """Keep ``value``; a cache that cannot be reached keeps nothing."""
    try:
        cache.set(key, value, seconds)
    except Exception as error:
        logger.warning("cache unavailable, value not kept: %s", type(error).__name__)
