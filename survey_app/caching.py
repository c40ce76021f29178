"""The one way a process remembers things between requests: a bounded cache (cachetools) behind
a lock, shared by the process's threads, that drops the least recently used first.

Everything remembered here can be worked out again from the database, so a cache may be
cleared at any time (`forget_everything`, as a new process starts) without changing a result.
"""

from __future__ import annotations

import contextlib
import functools
import threading
import weakref
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from cachetools import Cache, LRUCache, TTLCache

V = TypeVar("V")
F = TypeVar("F", bound=Callable[..., Any])

# Every cache made here, so that a benchmark (or a test) can start from nothing remembered.
_EVERY_CACHE: weakref.WeakSet[SharedCache[Any]] = weakref.WeakSet()


class SharedCache(Generic[V]):
    """Values by key, at most `maxsize` of them (or of `getsizeof(value)` summed, if given),
    each for at most `seconds` if given; safe to share between threads."""

    def __init__(
        self,
        maxsize: int,
        getsizeof: Callable[[V], int] | None = None,
        *,
        seconds: float | None = None,
    ) -> None:
        self._cache: Cache[Hashable, V] = (
            LRUCache(maxsize, getsizeof)
            if seconds is None
            else TTLCache(maxsize, seconds, getsizeof=getsizeof)
        )
        self._lock = threading.Lock()
        _EVERY_CACHE.add(self)

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


def remembered(maxsize: int, key: Callable[..., Hashable]) -> Callable[[F], F]:
    """A pure function's results, remembered in a `SharedCache` by key(arguments).

    `function.forget()` clears them.
    """

    def decorate(function: F) -> F:
        cache: SharedCache[Any] = SharedCache(maxsize)

        @functools.wraps(function)
        def wrapper(*args: Any) -> Any:
            name = key(*args)
            found = cache.get(name)
            if found is None:  # the functions remembered never return None
                found = function(*args)
                cache.keep(name, found)
            return found

        wrapper.forget = cache.clear  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def forget_everything() -> None:
    """Clear every cache of this process (as a new process starts)."""
    for cache in list(_EVERY_CACHE):
        cache.clear()
