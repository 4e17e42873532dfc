"""Offline reverse geocoding on the real GeoNames data that ships in packages."""

import pytest

from streams.geo.geocode import gazetteer, reach_km


@pytest.mark.parametrize(
    "lat,lon,city,country",
    [
        (48.8584, 2.2945, "Paris", "France"),  # the Eiffel Tower: nearer Neuilly's centre, but in Paris
        (48.8867, 2.3431, "Paris", "France"),  # Montmartre: Paris, not its 18th arrondissement
        (48.8049, 2.1204, "Versailles", "France"),  # outside Paris's reach: the nearest town
        (35.7148, 139.7967, "Tokyo", "Japan"),
        (40.7061, -73.9969, "New York City", "United States"),
        (-33.8688, 151.2093, "Sydney", "Australia"),
    ],
)
def test_places_people_would_name(lat, lon, city, country):
    place = gazetteer().nearest(lat, lon)
    assert (place.city, place.country) == (city, country)


def test_regions_and_far_away_points():
    paris = gazetteer().nearest(48.8584, 2.2945)
    assert paris.region == "Ile-de-France" and paris.country_code == "FR"
    ocean = gazetteer().nearest(0.0, -160.0)
    assert ocean.distance_km > 100  # the nearest place is far, and says so


def test_reach_grows_with_population_within_bounds():
    assert reach_km(1_000) == 1.5
    assert 1.9 < reach_km(50_000) < 2.1
    assert reach_km(20_000_000) == 25.0
