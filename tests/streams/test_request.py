from datetime import UTC, datetime

from streams.request import parse


def test_default_duration_and_place():
    q = parse("a memory video of our days in Paris", 120.0)
    assert q.target_seconds == 120.0
    assert q.city is not None and q.city.name == "Paris"
    assert q.start is None and q.end is None


def test_durations_in_words():
    assert parse("a 30 second video of Paris", 120).target_seconds == 30
    assert parse("a 3 minute video of Anna", 120).target_seconds == 180
    assert parse("90s of Tokyo", 120).target_seconds == 90


def test_explicit_target_wins_over_the_text():
    assert parse("a 30 second video", 120, target_seconds=45).target_seconds == 45


def test_year_and_month_ranges():
    q = parse("Tokyo in 2025", 120)
    assert (q.start, q.end) == (datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC))
    q = parse("New York in December 2025", 120)
    assert (q.start, q.end) == (datetime(2025, 12, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC))


def test_a_duration_is_not_a_year():
    assert parse("a 2025 second video", 120).start is None


def test_explain_says_what_was_understood():
    text = parse("a 30 second video of Paris in June 2025", 120).explain()
    assert "30 s" in text and "Paris, FR" in text and "2025-06-01" in text
