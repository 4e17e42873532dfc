"""Numbers as people say them, and spoken dates turned into digits (pure logic)."""

import pytest

from streams.understanding.numbers import number, spoken_dates


@pytest.mark.parametrize(
    ("said", "value"),
    [("3", 3.0), ("2.5", 2.5), ("two", 2.0), ("twenty five", 25.0), ("twenty-five", 25.0), ("a", 1.0),
     ("a couple of", 2.0), ("a few", 3.0), ("half a", 0.5), ("two and a half", 2.5), ("ninety", 90.0)],
)  # fmt: skip
def test_numbers(said: str, value: float):
    assert number(said) == value


def test_what_is_no_number():
    assert number("many") is None and number("twenty bananas") is None


@pytest.mark.parametrize(
    ("said", "digits"),
    [
        ("twenty twenty five in Denver", "2025 in Denver"),
        ("the summer of twenty twenty four", "the summer of 2024"),
        ("nineteen ninety nine", "1999"),
        ("two thousand and nine", "2009"),
        ("the fourteenth of September", "the 14th of September"),
        ("September the twenty-first", "September the 21st"),
        ("the first time", "the first time"),
        ("the first week of June", "the first week of June"),
        ("twenty five seconds", "twenty five seconds"),
    ],
)
def test_spoken_years_and_days_become_digits_only_as_dates(said: str, digits: str):
    assert spoken_dates(said) == digits
