"""Understanding a memory request: intent, people, place, time, duration and the words left for semantic search.

Deterministic and explainable: the same text, vocabulary and clock give the same query, and the query says back
what it understood. The user's own vocabulary (their people's names, aliases and relationships, their named
places, the regions and cities they have been to) comes before the gazetteer. Times resolve against ``now``, in
its zone. Each part takes what it understood out of the text, in this order: duration, birthdays, time, own
places, people, other places; what is left, less filler, is searched for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from streams.geo.gazetteer import _WORD, fold
from streams.understanding import durations, numbers, times
from streams.understanding.people import PersonRef, find_people, take_birthday, take_unknown_names
from streams.understanding.places import PlaceRef, take_own_place, take_place
from streams.understanding.words import FILLER

__all__ = ["PersonRef", "PlaceRef", "Query", "Vocabulary", "parse"]
# Punctuation that separates rather than joins: it must not glue words to names ("Lisbon!", "Tom.")
_PUNCTUATION = re.compile(r"[!?;:,()\[\]{}\"“”…—–/]+|(?<!\d)\.|\.(?!\d)|(?<!\w)'|'(?!\w)|(?<=\s)-|-(?=\s)")


@dataclass(frozen=True)
class Vocabulary:
    """What the user's own words may name."""

    people: list[dict[str, Any]] = field(default_factory=list)  # person_id, name, relationship
    places: list[dict[str, Any]] = field(default_factory=list)  # name, lat, lon, radius_m
    regions: list[dict[str, Any]] = field(default_factory=list)  # region, country_code (where the user has been)
    cities: list[str | dict[str, Any]] = field(default_factory=list)  # been to: names, or {name, country_code}


@dataclass(frozen=True)
class Query:
    text: str
    intent: str
    target_seconds: float
    people: tuple[PersonRef, ...]
    place: PlaceRef | None
    start: datetime | None
    end: datetime | None
    time_said: str | None
    search_text: str
    unknown: tuple[str, ...]  # what the user named that nobody in the vocabulary is: feedback, never a guess
    window: times.Window | None = field(default=None, compare=False, repr=False)
    years_back_chosen: int = 0  # how many years before the latest one planning chose, for want of clips

    @property
    def yearless(self) -> bool:
        """The time named no year: planning may choose an earlier year with the user's clips."""
        return self.window is not None and self.window.yearless

    def years_back(self, years: int) -> Query:
        """The same request of ``years`` earlier: "spring" as the spring of that year."""
        if self.window is None:
            return self
        earlier = self.window.years_back(years)
        return replace(self, start=earlier.start, end=earlier.end, window=earlier, years_back_chosen=years)

    @property
    def feedback(self) -> str | None:
        if not self.unknown:
            return None
        return " ".join(self.unknown)

    def explain(self) -> str:
        parts = [f"a {self.target_seconds:.0f} s memory video"]
        if self.people:
            parts.append("with " + " and ".join(p.name or p.said for p in self.people))
        if self.place is not None:
            parts.append(f"in {self.place.name}" + (f" ({self.place.country_code})" if self.place.country_code else ""))
        if self.start is not None and self.end is not None:
            parts.append(f"from {self.start:%Y-%m-%d} to before {self.end:%Y-%m-%d}")
            if self.years_back_chosen:
                parts.append(f"the latest {self.time_said} with clips that match the rest ({self.start:%Y})")
        if self.search_text:
            parts.append(f"showing “{self.search_text}”")
        return ", ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        """What goes back to the device: everything understood, nothing hidden."""
        return {
            "intent": self.intent,
            "target_seconds": self.target_seconds,
            "people": [p.__dict__ for p in self.people],
            "place": self.place.__dict__ if self.place else None,
            "time": None
            if self.start is None or self.end is None
            else {
                "said": self.time_said,
                "start": self.start.isoformat(),
                "end": self.end.isoformat(),
                "year_chosen": self.start.year if self.years_back_chosen else None,
            },
            "search_text": self.search_text,
            "unknown": list(self.unknown),
            "explanation": self.explain(),
        }

    def normalised(self) -> str:
        """The parts that decide which video comes out (for the cache key), not the wording."""
        people = ",".join(sorted(p.person_id for p in self.people))
        place = f"{self.place.kind}:{self.place.name}:{self.place.country_code}" if self.place else ""
        when = f"{self.start.isoformat()}/{self.end.isoformat()}" if self.start and self.end else ""
        return f"{self.target_seconds:.1f}|{people}|{place}|{when}|{fold(self.search_text)}"


def parse(
    text: str,
    now: datetime,
    vocabulary: Vocabulary,
    default_seconds: float = 120.0,
    target_seconds: float | None = None,
) -> Query:
    """An explicit ``target_seconds`` wins over a duration said in the text, which wins over the default."""
    now = now if now.tzinfo else now.replace(tzinfo=UTC)
    rest = " " + " ".join(_PUNCTUATION.sub(" ", text.replace("’", "'")).split()) + " "
    rest = numbers.spoken_dates(rest)
    said_seconds, rest = durations.take_duration(rest)
    rest, birthday = take_birthday(rest, vocabulary.people, now)
    window, rest = times.take_time(rest, now)
    if birthday is not None:
        window = times.Window(*birthday)
    place, rest = take_own_place(rest, vocabulary.places)
    found = find_people(rest, vocabulary.people)
    rest = found.rest
    if place is None:
        place, rest = take_place(rest, vocabulary.regions, vocabulary.cities)
    strangers, rest = take_unknown_names(rest, vocabulary.people)
    unknown = [*found.unknown, *(f"I don't know who {name} is: name them in People first." for name in strangers)]
    words = [w for w in _WORD.findall(rest) if fold(w) not in FILLER and not times.is_time_word(w)]
    return Query(
        text=text,
        intent="create_memory",
        target_seconds=float(target_seconds or said_seconds or default_seconds),
        people=tuple(found.people),
        place=place,
        start=window.start if window else None,
        end=window.end if window else None,
        time_said=window.said if window else None,
        search_text=" ".join(w.lower() for w in words),
        unknown=tuple(unknown),
        window=window,
    )
