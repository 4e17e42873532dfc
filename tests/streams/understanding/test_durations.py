"""How long a memory should be, from whole words only (pure logic)."""

import pytest

from streams.understanding.durations import LONG_S, SHORT_S, take_duration


@pytest.mark.parametrize(
    ("said", "seconds"),
    [
        ("a 3 minute video", 180.0),
        ("a two-minute video", 120.0),
        ("twenty five seconds", 25.0),
        ("a 1.5 minute video", 90.0),
        ("one and a half minutes", 90.0),
        ("a minute and a half", 90.0),
        ("half a minute of Kyoto", 30.0),
        ("a two and a half minute video", 150.0),
        ("roughly ninety seconds of Boston", 90.0),
        ("make it under a minute", 60.0),
        ("a minute or so of Ellie skating", 60.0),
        ("90s", 90.0),
        ("2 m", 120.0),
        ("a short clip of the dog", SHORT_S),
        ("a quick video", SHORT_S),
        ("a long video of our trip", LONG_S),
        ("Kyoto in April, short", SHORT_S),
    ],
)
def test_durations_said_in_words_and_numbers(said: str, seconds: float):
    found, rest = take_duration(f" {said} ")
    assert found == pytest.approx(seconds)
    assert not any(w in rest.split() for w in ("minute", "minutes", "seconds", "short", "quick"))


@pytest.mark.parametrize(
    "said", ["Christmas with my wife", "a video of Maine", "Amsterdam", "Thomas at the beach", "Sam's graduation",
             "the 90s music", "Mississippi", "a video of us"],
)  # fmt: skip
def test_ordinary_words_are_no_duration(said: str):
    assert take_duration(f" {said} ") == (None, f" {said} ")
