"""The shared cache (REDIS_URL): Django's Redis backend, but Redis going away is not
the site going away.

Django's backend raises when Redis cannot be reached. Everything we cache can be
computed again (pages, results, question content) or read from the database
(sessions are `cached_db`), so here an unreachable Redis is an empty cache that
keeps nothing: reads miss, writes are dropped, and the site serves, only slower.

After a failure the cache is not tried again for RETRY_SECONDS, so a Redis that
hangs costs one short timeout per process, not one per cache call. Going down and
coming back are each logged once per process.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
RETRY_SECONDS = 5.0


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._down_until = 0.0  # time.monotonic() before which Redis is not tried
        self._lock = threading.Lock()

    # Each operation, as Django's backend does it, or what an empty cache answers.

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try(super().add, False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._try(super().get, default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._try(super().set, None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._try(super().delete, False, key, version)

    def get_many(self, keys, version=None):
        return self._try(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._try(super().has_key, False, key, version)

    def incr(self, key, delta=1, version=None):
        value = self._try(super().incr, None, key, delta, version)
        if value is None:
            raise ValueError(f"Key '{key}' not found.")  # as for a key an empty cache lacks
        return value

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try(super().set_many, list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        self._try(super().delete_many, None, keys, version)

    def clear(self):
        return self._try(super().clear, False)

    def is_available(self) -> bool:
        """Whether Redis answers now (for /healthz): a PING, past the retry pause."""
        try:
            self._cache.get_client(write=True).ping()
        except UNREACHABLE:
            self._went_down()
            return False
        self._came_back()
        return True

    def _try(self, operation, fallback, *args):
        if time.monotonic() < self._down_until:
            return fallback
        try:
            result = operation(*args)
        except UNREACHABLE:
            self._went_down()
            return fallback
        if self._down_until:
            self._came_back()
        return result

    def _went_down(self) -> None:
        with self._lock:
            was_up = not self._down_until
            self._down_until = time.monotonic() + RETRY_SECONDS
        if was_up:
            logger.warning(
                "Cache unreachable (%s): serving without it, trying again every %s s.",
                self._servers[0].split("@")[-1],
                RETRY_SECONDS,
            )

    def _came_back(self) -> None:
        with self._lock:
            was_down = bool(self._down_until)
            self._down_until = 0.0
        if was_down:
            logger.warning("Cache reachable again.")
