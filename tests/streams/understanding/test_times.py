"""Time phrases as windows in the zone of the clock (pure logic)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from streams.understanding.times import take_time

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 6, 17, 15, 0, tzinfo=BERLIN)  # a Wednesday


def days(first: date, last_exclusive: date) -> tuple[datetime, datetime]:
    return datetime.combine(first, datetime.min.time(), BERLIN), datetime.combine(
        last_exclusive, datetime.min.time(), BERLIN
    )


@pytest.mark.parametrize(
    ("said", "window", "yearless"),
    [
        ("last Christmas", days(date(2025, 12, 24), date(2025, 12, 27)), False),
        ("Christmas", days(date(2025, 12, 24), date(2025, 12, 27)), True),
        ("Easter", days(date(2026, 4, 3), date(2026, 4, 7)), True),
        ("between May and July 2024", days(date(2024, 5, 1), date(2024, 8, 1)), False),
        ("the first week of June", days(date(2026, 6, 1), date(2026, 6, 8)), True),
        ("two weeks ago", days(date(2026, 6, 1), date(2026, 6, 8)), False),
        ("the summer before last", days(date(2024, 6, 1), date(2024, 9, 1)), False),
        ("from Monday to Wednesday", days(date(2026, 6, 15), date(2026, 6, 18)), False),
    ],
)
def test_windows(said: str, window: tuple[datetime, datetime], yearless: bool):
    found, rest = take_time(f" {said} ", NOW)
    assert found is not None and (found.start, found.end) == window and found.yearless == yearless
    assert rest.strip() == ""


def test_this_morning_is_the_users_morning_in_their_zone():
    found, _ = take_time(" this morning ", NOW)
    assert found is not None and (found.start.hour, found.end.hour, found.start.utcoffset().seconds) == (5, 12, 7200)


def test_since_runs_until_now():
    found, _ = take_time(" since March ", NOW)
    assert found is not None and found.start == days(date(2026, 3, 1), date(2026, 3, 2))[0] and found.end == NOW


def test_a_yearless_window_said_of_an_earlier_year_is_recomputed_not_shifted():
    easter, _ = take_time(" Easter ", NOW)
    assert easter is not None
    earlier = easter.years_back(1)  # Easter 2025 was 20 April, not 5 April
    assert (earlier.start.date(), earlier.end.date()) == (date(2025, 4, 18), date(2025, 4, 22))


def test_a_verb_is_not_a_month():
    assert take_time(" may I see the dog ", NOW) == (None, " may I see the dog ")
