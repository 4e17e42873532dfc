"""Understanding requests against a fixed clock and a user's own vocabulary (pure logic: no services)."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from streams.understanding.request import Vocabulary, parse

NOW = datetime(2026, 11, 23, 15, 30, tzinfo=UTC)  # a Monday
PEOPLE = [
    {"person_id": "p-anna", "name": "Anna", "relationship": "wife"},
    {"person_id": "p-me", "name": "me", "relationship": "me"},
    {"person_id": "p-leo", "name": "Leo", "relationship": "son"},
    {"person_id": "p-mia", "name": "Mia", "relationship": "daughter"},
    {"person_id": "p-x", "name": "", "relationship": None},
]
MINE = Vocabulary(
    people=PEOPLE,
    places=[{"name": "our hotel", "lat": 35.67, "lon": 139.65, "radius_m": 300.0}],
    regions=[{"region": "Provence-Alpes-Côte d'Azur", "country_code": "FR"}],
)


def day(y: int, m: int, d: int = 1) -> datetime:
    return datetime(y, m, d, tzinfo=UTC)


def test_my_wife_and_me_in_paris():
    q = parse("Create a memory video of my wife and me in Paris", NOW, MINE)
    assert [p.person_id for p in q.people] == ["p-anna", "p-me"]
    assert q.place is not None and (q.place.kind, q.place.name, q.place.country_code) == ("city", "Paris", "FR")
    assert q.target_seconds == 120 and q.start is None and q.search_text == "" and q.unknown == ()
    assert q.explain() == "a 120 s memory video, with Anna and me, in Paris (FR)"


def test_highlights_from_last_summer_at_the_beach():
    q = parse("highlights from last summer at the beach", NOW, MINE)
    assert (q.start, q.end, q.time_said) == (day(2026, 6), day(2026, 9), "last summer")
    assert q.search_text == "beach" and q.people == () and q.place is None


def test_last_summer_before_it_has_ended_is_the_year_before():
    q = parse("last summer", datetime(2026, 7, 10, tzinfo=UTC), MINE)
    assert (q.start, q.end) == (day(2025, 6), day(2025, 9))
    assert parse("this summer", datetime(2026, 7, 10, tzinfo=UTC), MINE).start == day(2026, 6)
    winter = parse("this winter", datetime(2026, 1, 15, tzinfo=UTC), MINE)
    assert (winter.start, winter.end) == (day(2025, 12), day(2026, 3))


def test_the_kids_birthday_party_in_2024():
    q = parse("the kids' birthday party in 2024", NOW, MINE)
    assert {p.person_id for p in q.people} == {"p-leo", "p-mia"}
    assert (q.start, q.end) == (day(2024, 1), day(2025, 1))
    assert q.search_text == "birthday party"


def test_a_3_minute_video_of_anna():
    q = parse("a 3 minute video of Anna", NOW, MINE)
    assert q.target_seconds == 180 and [p.name for p in q.people] == ["Anna"]
    assert parse("a two minute video of anna", NOW, MINE).target_seconds == 120
    assert parse("a 30 second video", NOW, MINE, target_seconds=45).target_seconds == 45


def test_relative_and_absolute_times():
    cases = {
        "yesterday": (day(2026, 11, 22), day(2026, 11, 23)),
        "today": (day(2026, 11, 23), day(2026, 11, 24)),
        "last week": (day(2026, 11, 16), day(2026, 11, 23)),
        "last weekend": (day(2026, 11, 21), day(2026, 11, 23)),
        "last month": (day(2026, 10), day(2026, 11)),
        "this year": (day(2026, 1), day(2027, 1)),
        "last year": (day(2025, 1), day(2026, 1)),
        "in March": (day(2026, 3), day(2026, 4)),
        "in December": (day(2025, 12), day(2026, 1)),
        "December 2025": (day(2025, 12), day(2026, 1)),
        "14 July 2025": (day(2025, 7, 14), day(2025, 7, 15)),
        "on 2025-07-14": (day(2025, 7, 14), day(2025, 7, 15)),
        "summer 2024": (day(2024, 6), day(2024, 9)),
        "the last 10 days": (day(2026, 11, 14), day(2026, 11, 24)),
    }
    for said, expected in cases.items():
        q = parse(f"Tokyo {said}", NOW, MINE)
        assert (q.start, q.end) == expected, said
        assert q.place is not None and q.place.name == "Tokyo"
    assert parse("January", datetime(2026, 1, 5, tzinfo=UTC), MINE).start == day(2026, 1)


def test_own_places_regions_and_countries():
    q = parse("dinner at our hotel", NOW, MINE)
    assert q.place is not None and (q.place.kind, q.place.radius_km) == ("own", 0.3) and q.search_text == "dinner"
    q = parse("our week in Provence-Alpes-Côte d'Azur", NOW, MINE)
    assert q.place is not None and (q.place.kind, q.place.country_code) == ("region", "FR")
    q = parse("skiing in Switzerland", NOW, MINE)
    assert q.place is not None and (q.place.kind, q.place.name, q.place.country_code) == (
        "country",
        "Switzerland",
        "CH",
    )
    assert q.search_text == "skiing"


def test_unknown_people_get_feedback_not_a_guess():
    q = parse("a video of Tom in Paris", NOW, MINE)
    assert q.unknown == ("I don't know who Tom is: name them in People first.",)
    assert q.place is not None and q.place.name == "Paris"
    q = parse("my husband at the beach", NOW, MINE)
    assert q.unknown == ("I don't know who your husband is: name them in People first.",)
    nobody = Vocabulary()
    assert "enrolment photo" in parse("me in Paris", NOW, nobody).unknown[0]
    assert parse("a video of Anna", NOW, nobody).unknown == ("I don't know who Anna is: name them in People first.",)
    assert parse("memories of March", NOW, nobody).unknown == ()


def test_the_query_goes_back_whole_and_normalises_wording_away():
    a = parse("Create a memory video of my wife and me in Paris", NOW, MINE)
    b = parse("make a video of me and Anna in paris", NOW, MINE)
    assert a.normalised() == b.normalised()
    assert a.normalised() != parse("Anna and me in Paris last year", NOW, MINE).normalised()
    sent = a.as_dict()
    assert sent["place"]["name"] == "Paris" and sent["people"][0]["said"] == "my wife"
    assert sent["explanation"] == a.explain() and sent["time"] is None


@given(st.text(max_size=200))
def test_any_text_parses_deterministically(text: str):
    assert parse(text, NOW, MINE) == parse(text, NOW, MINE)
