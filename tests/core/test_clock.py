import time
from datetime import UTC, timedelta

from core.clock import utcnow


def test_now_is_timezone_aware_utc():
    now = utcnow()
    assert now.tzinfo is UTC
    assert now.utcoffset() == timedelta(0)


def test_now_is_the_current_time():
    before = time.time()
    now = utcnow().timestamp()
    after = time.time()
    assert before - 1e-3 <= now <= after + 1e-3


def test_now_moves_forward():
    first = utcnow()
    time.sleep(0.01)
    second = utcnow()
    assert second - first >= timedelta(milliseconds=9)
    assert second > first  # comparable: both aware
