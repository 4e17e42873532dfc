"""Times and durations in requests: "a 3 minute video", "last summer", "in March 2024", "yesterday", "2024".

Each ``take_*`` finds the first expression it knows, returns what it means and the text without it, so that
what is left can be read for people, places and search words. Relative times resolve against ``now`` (UTC);
seasons are the northern meteorological ones (summer = June to August; winter 2024 = December 2024 to February).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

MONTHS = {
    m: i
    for i, m in enumerate(
        "january february march april may june july august september october november december".split(), 1
    )
}
MONTH_ABBREVIATIONS = {m[:3]: i for m, i in MONTHS.items()}
SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}  # first month
NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "ten": 10, "a": 1, "half a": 0.5}
TIME_WORDS = {*MONTHS, *SEASONS, "today", "yesterday", "week", "weekend", "month", "year", "last", "this", "past"}
TIME_WORDS |= {d for d in "monday tuesday wednesday thursday friday saturday sunday christmas easter".split()}

_NUMBER = r"(\d+(?:\.\d+)?|" + "|".join(sorted(NUMBERS, key=len, reverse=True)) + r")"
_DURATION = re.compile(_NUMBER + r"\s*[- ]?\s*(seconds?|secs?|s|minutes?|mins?|m)\b", re.IGNORECASE)
_YEAR = r"(19[7-9]\d|20\d\d)"
Range = tuple[datetime | None, datetime | None, str | None]


def is_time_word(word: str) -> bool:
    return word.lower() in TIME_WORDS


def take_duration(text: str) -> tuple[float | None, str]:
    match = _DURATION.search(text)
    if match is None:
        return None, text
    raw = match[1].lower()
    value = float(NUMBERS.get(raw, 0) or raw)
    seconds = value * 60.0 if match[2].lower().startswith("m") else value
    return seconds, text[: match.start()] + " " + text[match.end() :]


def _day(year: int, month: int, day: int = 1) -> datetime:
    # month may run past December: 13 is January of the next year
    return datetime(year + (month - 1) // 12, (month - 1) % 12 + 1, day, tzinfo=UTC)


def _month(year: int, month: int) -> tuple[datetime, datetime]:
    return _day(year, month), _day(year, month + 1)


def _season(year: int, season: str) -> tuple[datetime, datetime]:
    first = SEASONS[season]
    return _day(year, first), _day(year, first + 3)


def _last_season(now: datetime, season: str, this: bool) -> tuple[datetime, datetime]:
    """'this summer': the latest that has begun; 'last summer' (or just 'summer'): the latest that has ended."""
    year = now.year
    start, end = _season(year, season)
    while (start > now) if this else (end > now):
        year -= 1
        start, end = _season(year, season)
    return start, end


def _rules(now: datetime) -> list[tuple[re.Pattern[str], object]]:
    today = datetime(now.year, now.month, now.day, tzinfo=UTC)
    monday = today - timedelta(days=today.weekday())
    return [
        (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), lambda m: (_day(int(m[1]), int(m[2]), int(m[3])),)),
        (
            re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(" + "|".join(MONTHS) + r")\s+" + _YEAR + r"\b", re.I),
            lambda m: (_day(int(m[3]), MONTHS[m[2].lower()], int(m[1])),),
        ),
        (
            re.compile(r"\b(" + "|".join(SEASONS) + r")\s+(?:of\s+)?" + _YEAR + r"\b", re.I),
            lambda m: _season(int(m[2]), m[1].lower()),
        ),
        (
            re.compile(r"\b(last|this|past)\s+(" + "|".join(SEASONS) + r")\b", re.I),
            lambda m: _last_season(now, m[2].lower(), this=m[1].lower() == "this"),
        ),
        (
            re.compile(r"\b(" + "|".join(MONTHS) + r")\s+(?:of\s+)?" + _YEAR + r"\b", re.I),
            lambda m: _month(int(m[2]), MONTHS[m[1].lower()]),
        ),
        (re.compile(r"\btoday\b", re.I), lambda m: (today, today + timedelta(days=1))),
        (re.compile(r"\byesterday\b", re.I), lambda m: (today - timedelta(days=1), today)),
        (re.compile(r"\bthis\s+week\b", re.I), lambda m: (monday, monday + timedelta(days=7))),
        (re.compile(r"\blast\s+week\b", re.I), lambda m: (monday - timedelta(days=7), monday)),
        (re.compile(r"\blast\s+weekend\b", re.I), lambda m: (monday - timedelta(days=2), monday)),
        (re.compile(r"\bthis\s+month\b", re.I), lambda m: _month(now.year, now.month)),
        (
            re.compile(r"\blast\s+month\b", re.I),
            lambda m: _month(now.year - (now.month == 1), (now.month - 2) % 12 + 1),
        ),
        (re.compile(r"\bthis\s+year\b", re.I), lambda m: (_day(now.year, 1), _day(now.year + 1, 1))),
        (re.compile(r"\blast\s+year\b", re.I), lambda m: (_day(now.year - 1, 1), _day(now.year, 1))),
        (
            re.compile(r"\b(?:last|past)\s+" + _NUMBER + r"\s+(days?|weeks?|months?)\b", re.I),
            lambda m: (_ago(now, m[1], m[2]), today + timedelta(days=1)),
        ),
        (re.compile(r"\b(" + "|".join(MONTHS) + r")\b", re.I), lambda m: _latest_month(now, MONTHS[m[1].lower()])),
        (re.compile(r"\b(" + "|".join(SEASONS) + r")\b", re.I), lambda m: _last_season(now, m[1].lower(), this=False)),
        (re.compile(r"\b" + _YEAR + r"\b"), lambda m: (_day(int(m[1]), 1), _day(int(m[1]) + 1, 1))),
    ]


def _ago(now: datetime, amount: str, unit: str) -> datetime:
    n = float(NUMBERS.get(amount.lower(), 0) or amount)
    today = datetime(now.year, now.month, now.day, tzinfo=UTC)
    days = {"d": 1, "w": 7, "m": 30}[unit.lower()[0]]
    return today - timedelta(days=round(n * days) - 1)


def _latest_month(now: datetime, month: int) -> tuple[datetime, datetime]:
    """'in March': the latest March that has begun."""
    year = now.year if month <= now.month else now.year - 1
    return _month(year, month)


def take_time(text: str, now: datetime) -> tuple[Range, str]:
    """The first time expression (most specific rules first) as [start, end), and the text without it."""
    for pattern, meaning in _rules(now):
        match = pattern.search(text)
        if match is None:
            continue
        found = meaning(match)  # type: ignore[operator]
        start, end = (found[0], found[0] + timedelta(days=1)) if len(found) == 1 else found
        rest = text[: match.start()] + " " + text[match.end() :]
        rest = re.sub(r"\b(?:in|on|from|during|of)\s+(?=\s*$)", " ", rest)
        return (start, end, match[0]), rest
    return (None, None, None), text
