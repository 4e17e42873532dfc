"""Reading a memory request: which place, which time, how long. Deterministic, so it can be explained back."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from streams.places import City, find_city

MONTHS = {
    m: i
    for i, m in enumerate(
        "january february march april may june july august september october november december".split(), 1
    )
}
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*[- ]?\s*(seconds?|secs?|s|minutes?|mins?|m)\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(19[7-9]\d|20\d\d)\b")
_MONTH_YEAR = re.compile(r"\b(" + "|".join(MONTHS) + r")\s+(19[7-9]\d|20\d\d)\b", re.IGNORECASE)


@dataclass(frozen=True)
class MemoryQuery:
    text: str
    target_seconds: float
    city: City | None
    start: datetime | None
    end: datetime | None

    def explain(self) -> str:
        parts = [f"{self.target_seconds:.0f} s"]
        if self.city is not None:
            parts.append(f"in {self.city.name}, {self.city.country}")
        if self.start is not None and self.end is not None:
            parts.append(f"from {self.start:%Y-%m-%d} to before {self.end:%Y-%m-%d}")
        return ", ".join(parts)


def _duration(text: str) -> float | None:
    match = _DURATION.search(text)
    if match is None:
        return None
    value, unit = float(match[1]), match[2].lower()
    return value * 60.0 if unit.startswith("m") else value


def _time_range(text: str) -> tuple[datetime | None, datetime | None]:
    month_year = _MONTH_YEAR.search(text)
    if month_year is not None:
        month, year = MONTHS[month_year[1].lower()], int(month_year[2])
        start = datetime(year, month, 1, tzinfo=UTC)
        end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=UTC)
        return start, end
    year_match = _YEAR.search(_DURATION.sub(" ", text))
    if year_match is not None:
        year = int(year_match[1])
        return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    return None, None


def parse(text: str, default_seconds: float, target_seconds: float | None = None) -> MemoryQuery:
    """An explicit ``target_seconds`` wins over a duration said in the text, which wins over the default."""
    start, end = _time_range(text)
    target = target_seconds or _duration(text) or default_seconds
    return MemoryQuery(
        text=text, target_seconds=float(target), city=find_city(_strip_numbers(text)), start=start, end=end
    )


def _strip_numbers(text: str) -> str:
    return _DURATION.sub(" ", text)
