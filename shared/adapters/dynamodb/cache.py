"""Per-container caches of the reads every step repeats (workflow versions, tenant settings, templates).

Module-level, so that every repository of a process shares them and a save through any of them is seen at once
by the others (the local runtime runs every function in one process). Another container sees a change after
the time-to-live at most. ``None`` (not found) is never cached: a tenant registered a moment ago is found.
No lock: a Lambda container serves one invocation at a time (the local runtime, too, runs one handler at a time).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from cachetools import Cache, LRUCache, TTLCache

T = TypeVar("T")


class ReadCache:
    def __init__(self, maxsize: int, ttl_seconds: float | None = None, timer: Callable[[], float] | None = None):
        self._cache: Cache[Hashable, Any]
        if ttl_seconds is None:
            self._cache = LRUCache(maxsize)
        elif timer is None:
            self._cache = TTLCache(maxsize, ttl_seconds)
        else:
            self._cache = TTLCache(maxsize, ttl_seconds, timer=timer)

    def get(self, key: Hashable, load: Callable[[], T | None]) -> T | None:
        if key in self._cache:
            found: T = self._cache[key]
            return found
        value = load()
        if value is not None:
            self._cache[key] = value
        return value

    def forget(self, key: Hashable) -> None:
        self._cache.pop(key, None)

    def clear(self) -> None:
        self._cache.clear()


# Versions never change once written; the rest may, and is re-read after its time-to-live.
WORKFLOW_VERSIONS = ReadCache(maxsize=512)
CURRENT_WORKFLOWS = ReadCache(maxsize=512, ttl_seconds=30)  # a deactivation reaches other containers within 30 s
TENANTS = ReadCache(maxsize=256, ttl_seconds=60)
TEMPLATES = ReadCache(maxsize=1024, ttl_seconds=60)
ALL = (WORKFLOW_VERSIONS, CURRENT_WORKFLOWS, TENANTS, TEMPLATES)


def clear_all() -> None:
    """Forget everything (a test or a local runtime that rebuilds its tables under the same names)."""
    for cache in ALL:
        cache.clear()
