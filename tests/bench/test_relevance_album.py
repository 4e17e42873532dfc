"""The relevance bench's scoring and bookkeeping (bench/relevance_album.py): pure logic, no services."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from bench import relevance_album as bench
from bench.understanding import vocabulary

NOW = datetime.fromisoformat("2026-06-17T15:00:00+02:00")


def test_only_an_item_with_exactly_one_detected_person_names_its_person():
    people = [
        {"person_id": "me", "name": "Daniel", "relationship": "me"},
        {"person_id": "tom", "name": "Tom", "face": {"item": "portrait", "where": "the only face"}},
        {"person_id": "anna", "name": "Anna", "face": {"item": "group", "where": "left"}},
        {"person_id": "ben", "name": "Ben", "face": {"item": "nobody", "where": "left"}},
    ]
    named, unnamed = bench.people_to_name(people, {"portrait": ["p1", "p1"], "group": ["p2", "p3"]})
    assert named == {"tom": "p1"}
    assert set(unnamed) == {"me", "anna", "ben"}
    assert "2 detected people" in unnamed["anna"] and "0 detected people" in unnamed["ben"]
    assert "wearer" in unnamed["me"]


def test_one_album_person_is_never_named_twice():
    people = [
        {"person_id": "a", "name": "A", "face": {"item": "x", "where": ""}},
        {"person_id": "b", "name": "B", "face": {"item": "y", "where": ""}},
    ]
    named, unnamed = bench.people_to_name(people, {"x": ["p"], "y": ["p"]})
    assert named == {"a": "p"} and "already named" in unnamed["b"]


def test_requests_needing_an_unnamed_person_or_a_birthday_are_not_measurable():
    spec = bench.load_set().album["vocabulary"]
    unnamed = {"anna": "Anna: not one face", "thomas": "Thomas: not one face", "ben": "Ben: not one face"}
    full, told = vocabulary(spec), bench.server_vocabulary(spec, ["tom"])
    assert bench.unmeasurable("show me Tom", NOW, full, told, unnamed) == []
    assert bench.unmeasurable("the lake house last summer", NOW, full, told, unnamed) == []
    assert bench.unmeasurable("giraffe", NOW, full, told, unnamed) == []
    assert bench.unmeasurable("a video with Ben", NOW, full, told, unnamed) == ["refers to Ben: not one face"]
    birthday = bench.unmeasurable("Anna's birthday", NOW, full, told, unnamed)
    assert len(birthday) == 1 and "birthday" in birthday[0]


def test_the_gateway_vocabulary_keeps_only_what_it_can_be_told():
    spec = bench.load_set().album["vocabulary"]
    told = bench.server_vocabulary(spec, ["tom"])
    assert told.people == [{"person_id": "tom", "name": "Tom", "relationship": "brother"}]
    assert all(set(p) == {"name", "lat", "lon", "radius_m"} for p in told.places)


def test_creation_time_is_utc_as_cameras_write_it():
    assert bench.utc_creation_time("2025-12-31T22:40:00+01:00") == "2025-12-31T21:40:00.000000Z"


def test_source_files_of_a_debian_and_a_python_package():
    assert bench.source_files({"package": "darknet", "path": "/usr/share/a.jpg"}) == [Path("/usr/share/a.jpg")]
    found = bench.source_files({"package": "PyYAML", "module": "yaml", "path": "x.png", "more": ["y.png"]})
    assert [p.name for p in found] == ["x.png", "y.png"] and found[0].parent.name == "yaml"


def test_media_path_is_by_item_id_and_changes_with_the_labels_that_make_the_file():
    item = {"id": "home-lawn", "kind": "clip", "source": {"path": "/a.jpg"}, "duration_s": 4, "taken_at": "t"}
    path = bench.media_path(item, Path("/w"))
    assert path.name.startswith("home-lawn-") and path.suffix == ".mp4"
    assert bench.media_path({**item, "shows": ["grass"]}, Path("/w")) == path
    assert bench.media_path({**item, "taken_at": "u"}, Path("/w")) != path
    assert bench.media_path({**item, "kind": "photo"}, Path("/w")).suffix == ".jpg"


def test_every_album_item_has_its_source_photo_path():
    for item in bench.load_set().items:
        assert bench.source_files(item["source"])  # resolvable without importing the package
