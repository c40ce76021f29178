"""The one caching tool: bounded, least recently used dropped first, and cleared all at once."""

from __future__ import annotations

from survey_app.caching import SharedCache, forget_everything, remembered


def test_the_least_recently_used_value_is_dropped_first():
    cache: SharedCache[str] = SharedCache(2)
    cache.keep("a", "first")
    cache.keep("b", "second")
    assert cache.get("a") == "first"  # now "b" is the least recently used

    cache.keep("c", "third")

    assert (cache.get("a"), cache.get("b"), cache.get("c")) == ("first", None, "third")


def test_a_value_larger_than_the_whole_budget_is_not_kept():
    cache: SharedCache[bytes] = SharedCache(10, len)
    cache.keep("small", b"12345")

    cache.keep("large", b"x" * 11)

    assert cache.get("large") is None
    assert cache.get("small") == b"12345"


def test_a_remembered_function_works_each_answer_out_once_until_forgotten():
    calls: list[int] = []

    @remembered(8, key=lambda number: number)
    def square(number: int) -> int:
        calls.append(number)
        return number * number

    assert [square(3), square(3), square(4)] == [9, 9, 16]
    assert calls == [3, 4]
    forget_everything()
    assert square(3) == 9
    assert calls == [3, 4, 3]
