from hypothesis import given
from hypothesis import strategies as st

from streams.geo.gazetteer import find_city, fold, format_iso6709, haversine_km, parse_iso6709


def test_iso6709_as_phones_write_it():
    assert parse_iso6709("+48.8584+002.2945/") == (48.8584, 2.2945)
    assert parse_iso6709("+35.6762+139.6503+040.000/") == (35.6762, 139.6503)
    assert parse_iso6709("-33.8688+151.2093") == (-33.8688, 151.2093)


def test_iso6709_rejects_what_is_not_a_place():
    for text in ["", "garbage", "+48.8584/", "+95.0000+002.0000/", "+48.85+190.000/"]:
        assert parse_iso6709(text) is None


@given(st.floats(-90, 90), st.floats(-180, 180))
def test_iso6709_format_parse_round_trip(lat, lon):
    parsed = parse_iso6709(format_iso6709(lat, lon))
    assert parsed is not None
    assert abs(parsed[0] - lat) < 1e-4 and abs(parsed[1] - lon) < 1e-4


def test_haversine_paris_to_tokyo():
    assert 9650 < haversine_km(48.8566, 2.3522, 35.6762, 139.6503) < 9760


def test_bare_city_names_mean_the_best_known_place():
    paris = find_city("a memory video of our days in Paris")
    assert paris is not None and paris.country == "FR"
    assert find_city("highlights from New York").name == "New York City"
    assert find_city("our trip to São Paulo").country == "BR"
    assert find_city("our trip to sao paulo").country == "BR"


def test_everyday_words_are_not_places():
    assert find_city("me and my wife at the beach") is None
    assert find_city("a video of the best moments") is None


def test_fold_ignores_case_and_accents():
    assert fold("París") == fold("PARIS") == "paris"
