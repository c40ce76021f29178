"""What a process keeps between requests: the least recently used dropped first beyond a size,
safe to share between threads (cachetools' LRU cache behind a lock)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from cachetools import LRUCache

V = TypeVar("V")


class Kept(Generic[V]):
    """Values by key, at most `maxsize` of them, or of `getsizeof(value)` summed if given."""

    def __init__(self, maxsize: int, getsizeof: Callable[[V], int] | None = None) -> None:
        self._cache: LRUCache[Hashable, V] = LRUCache(maxsize, getsizeof)
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            return self._cache.get(key)

    def keep(self, key: Hashable, value: V) -> None:
        # A value larger than the whole budget on its own is not kept.
        with self._lock, contextlib.suppress(ValueError):
            self._cache[key] = value

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()
