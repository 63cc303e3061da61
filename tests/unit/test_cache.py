"""The completion cache: exact hits, typing through, LRU bounds."""

from ds_lsp.completion.cache import CompletionCache

P = ("model", 1)


def test_exact_hit_and_miss():
    cache = CompletionCache(8)
    cache.put(P, "def f():\n    ", "\n", "return 1")
    assert cache.get(P, "def f():\n    ", "\n") == "return 1"
    assert cache.get(("other",), "def f():\n    ", "\n") is None
    assert cache.get(P, "def f():\n    ", "\nx") is None


def test_typing_through_serves_the_rest():
    cache = CompletionCache(8)
    cache.put(P, "x = ", "\n", "compute(1)\nprint(x)")
    assert cache.get(P, "x = c", "\n") == "ompute(1)\nprint(x)"
    assert cache.get(P, "x = compute(1)\n", "\n") == "print(x)"
    assert cache.get(P, "x = compute(1)\nprint(x)", "\n") is None  # fully typed
    assert cache.get(P, "x = d", "\n") is None  # diverged


def test_empty_results_are_cached_but_never_typed_through():
    cache = CompletionCache(8)
    cache.put(P, "a", "", "")
    assert cache.get(P, "a", "") == ""
    assert cache.get(P, "ab", "") is None


def test_lru_is_bounded_and_zero_disables():
    cache = CompletionCache(2)
    for i in range(5):
        cache.put(P, f"p{i}", "", f"t{i}")
    assert len(cache) == 2
    off = CompletionCache(0)
    off.put(P, "a", "", "b")
    assert off.get(P, "a", "") is None


def test_the_replaced_closers_travel_with_the_text_and_its_typed_through_rest():
    cache = CompletionCache(8)
    cache.put(P, "print(len(", ")", "items)", 0)
    cache.put(P, "f(", ")", "a, b)", 1)
    assert cache.lookup(P, "print(len(", ")").replace == 0
    hit = cache.lookup(P, "f(a", ")")  # typed into the suggestion: the `)` is still ahead
    assert (hit.text, hit.replace) == (", b)", 1)


def test_the_cache_is_bounded_by_bytes_too() -> None:
    """A megabyte prompt per entry cannot make the cache hold entries times a megabyte."""
    cache = CompletionCache(1_000_000, max_bytes=4 << 20)
    for i in range(300):
        cache.put(P, f"{i}" + "x" * 1_000_000, "", f"t{i}")
    assert cache.bytes <= 4 << 20 and len(cache) == 4
    assert cache.get(P, "299" + "x" * 1_000_000, "") == "t299"  # the newest stay
    assert cache.get(P, "0" + "x" * 1_000_000, "") is None


def test_an_evicted_entry_serves_no_typing_through() -> None:
    cache = CompletionCache(1)
    cache.put(P, "a = ", "", "compute()")
    cache.put(P, "b = ", "", "other()")
    assert cache.get(P, "a = c", "") is None
    assert cache.get(P, "b = o", "") == "ther()"


def test_a_hit_makes_an_entry_recent() -> None:
    cache = CompletionCache(2)
    cache.put(P, "one", "", "1")
    cache.put(P, "two", "", "2")
    assert cache.get(P, "one", "") == "1"
    cache.put(P, "three", "", "3")
    assert (cache.get(P, "one", ""), cache.get(P, "two", "")) == ("1", None)
