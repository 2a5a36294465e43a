"""The per-container read cache: hits skip the load, time-to-live expires, None is never cached."""

from shared.adapters.dynamodb.cache import ReadCache


class Loads:
    def __init__(self, value):
        self.value, self.count = value, 0

    def __call__(self):
        self.count += 1
        return self.value


def test_a_second_read_is_served_from_the_cache():
    # GIVEN a cache and a loader
    cache, load = ReadCache(maxsize=4), Loads("v1")
    # WHEN the same key is read twice THEN it is loaded once
    assert cache.get("k", load) == "v1" and cache.get("k", load) == "v1"
    assert load.count == 1


def test_entries_expire_after_their_time_to_live():
    # GIVEN a 30-second cache on a controllable timer
    now = [0.0]
    cache, load = ReadCache(maxsize=4, ttl_seconds=30, timer=lambda: now[0]), Loads("v1")
    cache.get("k", load)
    # WHEN 29 s pass THEN it is still cached; WHEN 31 s pass THEN it is loaded again
    now[0] = 29
    cache.get("k", load)
    assert load.count == 1
    now[0] = 31
    cache.get("k", load)
    assert load.count == 2


def test_not_found_is_never_cached_and_forget_reloads():
    # GIVEN a record that does not exist yet
    cache, missing = ReadCache(maxsize=4), Loads(None)
    # WHEN it is read twice THEN both reads go to the table
    assert cache.get("k", missing) is None and cache.get("k", missing) is None
    assert missing.count == 2
    # WHEN a cached value is forgotten (a save) THEN the next read loads the new value
    cache.get("j", Loads("old"))
    cache.forget("j")
    assert cache.get("j", Loads("new")) == "new"
