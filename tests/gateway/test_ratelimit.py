import pytest

from gateway.ratelimit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_passes_then_the_rate_holds():
    clock = Clock()
    limiter = RateLimiter(rate=2.0, burst=3, clock=clock)
    assert [limiter.take("alice") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.take("alice") == pytest.approx(0.5)  # one token back after half a second at 2/s
    clock.now = 0.5
    assert limiter.take("alice") == 0.0
    assert limiter.take("alice") > 0


def test_keys_have_buckets_of_their_own():
    limiter = RateLimiter(rate=1.0, burst=1, clock=Clock())
    assert limiter.take("alice") == 0.0
    assert limiter.take("alice") > 0
    assert limiter.take("bob") == 0.0


def test_an_idle_key_refills_only_up_to_its_burst():
    clock = Clock()
    limiter = RateLimiter(rate=10.0, burst=2, clock=clock)
    clock.now = 3600.0
    assert [limiter.take("alice") > 0 for _ in range(3)] == [False, False, True]


def test_the_least_recent_keys_are_forgotten_first():
    limiter = RateLimiter(rate=1.0, burst=1, clock=Clock(), max_keys=2)
    for key in ("a", "b", "a", "c"):
        limiter.take(key)
    assert list(limiter.buckets) == ["a", "c"]
