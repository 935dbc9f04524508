"""A cache backend that fails every call, as a stopped Redis does."""

from typing import Any

from django.core.cache.backends.base import BaseCache


class BrokenCache(BaseCache):
    def __init__(self, location: str, params: dict[str, Any]) -> None:
        super().__init__(params)

    def _fail(self, *args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6399. Connection refused.")

    get = set = add = delete = get_many = set_many = clear = touch = incr = has_key = _fail
