"""Memos and fragments keep a process-local copy in front of the shared cache (issue 15):
a signed-in reader's render no longer makes one cache round trip per piece, and a copy
never outlives a purge, a flush of the shared cache or its timeout."""

from unittest import mock

from django.core.cache import cache

from cms import caching
from core.local_copies import LocalCopies


def _counting_compute(value):
    calls = []

    def compute():
        calls.append(1)
        return list(value)

    return compute, calls


def test_a_second_read_is_served_by_the_local_copy_without_the_shared_cache():
    compute, calls = _counting_compute(["menu"])
    assert caching.memoize("piece", 1, compute=compute) == ["menu"]
    read = []
    real_get = cache.get
    with mock.patch.object(cache, "get", side_effect=lambda key, *a, **k: read.append(key) or real_get(key, *a, **k)):
        assert caching.memoize("piece", 1, compute=compute) == ["menu"]
    assert read == [caching.GENERATION_KEY], "only the generation is read (once per request)"
    assert len(calls) == 1


def test_another_process_finds_the_piece_in_the_shared_cache():
    compute, calls = _counting_compute(["menu"])
    caching.memoize("piece", 1, compute=compute)
    caching.local_copies.clear()  # as a second gunicorn worker would start
    assert caching.memoize("piece", 1, compute=compute) == ["menu"]
    assert len(calls) == 1


def test_a_purge_makes_every_local_copy_unreachable():
    first, _ = _counting_compute(["before"])
    caching.memoize("piece", 1, compute=first)
    caching.purge()
    second, calls = _counting_compute(["after"])
    assert caching.memoize("piece", 1, compute=second) == ["after"]
    assert len(calls) == 1


def test_a_flushed_shared_cache_does_not_bring_old_copies_back():
    """The generation restarts at the clock, never at a number it had before."""
    first, _ = _counting_compute(["before"])
    caching.memoize("piece", 1, compute=first)
    before = caching.generation()
    cache.clear()
    assert caching.generation() != before
    second, calls = _counting_compute(["after"])
    assert caching.memoize("piece", 1, compute=second) == ["after"]
    assert len(calls) == 1


def test_a_local_copy_expires_with_the_shared_entrys_timeout():
    copies = LocalCopies()
    with mock.patch.object(caching.time, "monotonic", return_value=1000.0):
        copies.set("key", "value", 60)
        assert copies.get("key") == "value"
    with mock.patch.object(caching.time, "monotonic", return_value=1061.0):
        assert copies.get("key") is None


def test_each_reader_gets_its_own_copy_to_change():
    compute, _ = _counting_compute(["a"])
    caching.memoize("piece", 1, compute=compute).append("changed by one reader")
    assert caching.memoize("piece", 1, compute=compute) == ["a"]


def test_the_local_copies_are_bounded():
    copies = LocalCopies(size=3)
    for number in range(5):
        copies.set(f"key{number}", number, 60)
    assert copies.get("key0") is None and copies.get("key1") is None
    assert [copies.get(f"key{n}") for n in (2, 3, 4)] == [2, 3, 4]
