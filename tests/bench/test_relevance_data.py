"""The relevance evaluation set (bench/relevance/*.yaml) is whole and consistent: data checks only, no services.

Counts, every id and person referenced exists, every time window is [start, end) with start < end, every source
photo exists on this machine, the album is disjoint from the sample album, and requests.yaml is exactly what
make_requests.py writes.
"""

from __future__ import annotations

import importlib
import importlib.util
import math
import re
import shutil
import subprocess
from collections import Counter
from datetime import date, datetime, time
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "bench" / "relevance"
ZONE = ZoneInfo("Europe/Berlin")

# The sample album's photos (infra/album.py: scikit-image's data folder). Checked against that file below when it
# can be found, so this list cannot drift from it silently.
SAMPLE_ALBUM_PHOTOS = {"astronaut", "coffee", "chelsea", "motorcycle_left", "rocket", "hubble_deep_field"}

# Words that say nothing about what is shown: never a search word (docs/how-it-works.md, "Memories from words").
FILLER = {
    "a", "an", "the", "of", "in", "at", "on", "from", "with", "and", "to", "for", "me", "my", "our", "us", "we",
    "i", "it", "please", "make", "show", "give", "send", "get", "play", "find", "build", "video", "videos", "clip",
    "clips", "memory", "memories", "reel", "montage", "movie", "film", "slideshow", "highlights", "recap",
    "pictures", "photos", "moments", "everything", "stuff", "things", "all", "some", "any", "best", "nice",
    "last", "trip", "trips", "visit", "time", "short", "quick", "long", "minute", "minutes", "second", "seconds",
    "um", "uh", "just", "something", "one", "what", "did", "do", "can", "you", "about",
}  # fmt: skip
ISO2 = re.compile(r"^[A-Z]{2}$")


def load(name: str) -> Any:
    return yaml.safe_load((DATA / name).read_text())


@cache
def album() -> dict[str, Any]:
    return load("album.yaml")


@cache
def searches() -> dict[str, Any]:
    return load("searches.yaml")


@cache
def memories() -> dict[str, Any]:
    return load("memories.yaml")


@cache
def requests() -> dict[str, Any]:
    return load("requests.yaml")


def item_ids() -> set[str]:
    return {item["id"] for item in album()["items"]}


def person_ids() -> set[str]:
    return {p["person_id"] for p in album()["vocabulary"]["people"]}


def own_places() -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in album()["vocabulary"]["places"]}


def moment(value: str) -> datetime:
    """A window bound: a date is local midnight in the user's zone; a datetime must carry its offset."""
    if "T" not in value:
        return datetime.combine(date.fromisoformat(value), time(), ZONE)
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, f"{value}: a datetime needs its offset"
    return parsed


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


# ---------------------------------------------------------------- counts


def test_counts() -> None:
    assert len(album()["items"]) >= 40
    assert len(searches()["searches"]) >= 60
    assert len(memories()["memories"]) >= 30
    assert len(requests()["requests"]) >= 300


def test_album_has_clips_and_photos() -> None:
    kinds = Counter(item["kind"] for item in album()["items"])
    assert set(kinds) == {"clip", "photo"}
    assert kinds["clip"] >= 10 and kinds["photo"] >= 10


# ---------------------------------------------------------------- the album


def test_item_ids_are_unique_slugs() -> None:
    ids = [item["id"] for item in album()["items"]]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", i) for i in ids)


def test_items_are_fully_labelled() -> None:
    cities = {(c["name"], c["country_code"]) for c in album()["vocabulary"]["cities"]}
    for item in album()["items"]:
        where = item["id"]
        assert item["kind"] in ("clip", "photo"), where
        if item["kind"] == "clip":
            assert 3 <= item["duration_s"] <= 20, where
        else:
            assert "duration_s" not in item, where
        assert item["shows"] and all(isinstance(w, str) and w == w.lower() for w in item["shows"]), where
        assert len(set(item["shows"])) == len(item["shows"]), where
        place = item["place"]
        assert -90 <= place["lat"] <= 90 and -180 <= place["lon"] <= 180, where
        assert ISO2.match(place["country_code"]), where
        assert (place["name"], place["country_code"]) in cities, f"{where}: {place['name']} not in the cities"
        taken = datetime.fromisoformat(item["taken_at"])
        assert taken.tzinfo is not None, f"{where}: taken_at needs its offset"
        assert datetime(2024, 1, 1, tzinfo=ZONE) <= taken < datetime(2027, 1, 1, tzinfo=ZONE), where
        assert set(item["people"]) <= person_ids(), where
        assert "me" not in item["people"], f"{where}: the wearer is behind the glasses, never listed"


def test_own_places_hold_their_items() -> None:
    places = own_places()
    for item in album()["items"]:
        name = item["place"].get("own")
        if name is None:
            continue
        own = places[name]
        distance = km(item["place"]["lat"], item["place"]["lon"], own["lat"], own["lon"])
        assert distance * 1000 <= own["radius_m"], f"{item['id']} is {distance:.3f} km from {name}"
    # and an item without "own" is outside every own place
    for item in album()["items"]:
        if item["place"].get("own") is None:
            for name, own in places.items():
                distance = km(item["place"]["lat"], item["place"]["lon"], own["lat"], own["lon"])
                assert distance * 1000 > own["radius_m"], f"{item['id']} lies inside {name}"


def test_vocabulary_is_consistent() -> None:
    vocabulary = album()["vocabulary"]
    ids = [p["person_id"] for p in vocabulary["people"]]
    assert len(ids) == len(set(ids))
    assert [p for p in vocabulary["people"] if p["relationship"] == "me"] == [vocabulary["people"][0]]
    for person in vocabulary["people"]:
        if "face" in person:
            item = next(i for i in album()["items"] if i["id"] == person["face"]["item"])
            assert person["person_id"] in item["people"], person["person_id"]
        if "friend_of" in person:
            assert person["friend_of"] in ids
        if "birthday" in person:
            assert re.fullmatch(r"\d\d-\d\d", person["birthday"])
    # everyone who appears in an item can be enrolled from a face
    shown = {p for item in album()["items"] for p in item["people"]}
    assert shown <= {p["person_id"] for p in vocabulary["people"] if "face" in p}
    for place in vocabulary["places"]:
        assert place["radius_m"] > 0 and ISO2.match(place["country_code"])


@cache
def installed(package: str) -> bool:
    if shutil.which("dpkg-query") is None:
        return False
    done = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True, check=False)
    return done.returncode == 0 and "install ok installed" in done.stdout


def source_files(source: dict[str, Any]) -> list[Path]:
    paths = [source["path"], *source.get("more", [])]
    if "module" not in source:  # a Debian package's file: an absolute path
        return [Path(p) for p in paths]
    module = importlib.import_module(source["module"])
    assert module.__file__ is not None
    return [Path(module.__file__).parent / p for p in paths]


@pytest.mark.parametrize("item_id", sorted(i["id"] for i in load("album.yaml")["items"]))
def test_source_photo_exists(item_id: str) -> None:
    source = next(i for i in album()["items"] if i["id"] == item_id)["source"]
    if "module" in source:
        if importlib.util.find_spec(source["module"]) is None:
            pytest.fail(f"Python package {source['package']} is not installed: just install adds it")
        if "function" in source:
            module_name, function = source["function"].split(":")
            assert callable(getattr(importlib.import_module(module_name), function))
    else:
        assert source["path"].startswith("/"), "a Debian package's file is named by its absolute path"
        if not installed(source["package"]):
            pytest.fail(f"Debian package {source['package']} is missing: infra/install.sh installs it (as root)")
    for path in source_files(source):
        assert path.is_file(), path
        assert path.suffix.lower() in (".jpg", ".jpeg", ".png"), path


def sample_album_file() -> Path | None:
    """infra/album.py, or wherever a restructuring moved it (the project's own folders, not .venv or .data)."""
    candidates = [ROOT / "infra" / "album.py"]
    for folder in sorted(ROOT.iterdir()):
        if folder.is_dir() and not folder.name.startswith("."):
            candidates += sorted(folder.rglob("album.py"))
    for candidate in candidates:
        if candidate.is_file() and "SampleClip(" in candidate.read_text():
            return candidate
    return None


def test_sample_album_photos_are_known() -> None:
    found = sample_album_file()
    assert found is not None, "the sample album's module (SampleClip(...)) was not found"
    photos = set(re.findall(r'SampleClip\(\s*"[^"]+",\s*"([^"]+)"', found.read_text()))
    assert photos, found
    assert photos == SAMPLE_ALBUM_PHOTOS, f"{found} uses {sorted(photos)}: update SAMPLE_ALBUM_PHOTOS"


def test_album_is_disjoint_from_the_sample_album() -> None:
    used = []
    for item in album()["items"]:
        source = item["source"]
        for path in [source["path"], *source.get("more", [])]:
            if source.get("module") == "skimage":
                used.append(Path(path).stem)
    assert not set(used) & SAMPLE_ALBUM_PHOTOS
    # and no photo is used twice inside the evaluation album either
    everything = [(i["source"]["package"], p) for i in album()["items"] for p in [i["source"]["path"]]]
    assert len(everything) == len(set(everything))


# ---------------------------------------------------------------- searches


def test_searches_reference_items() -> None:
    ids = item_ids()
    queries = [s["query"] for s in searches()["searches"]]
    assert len(queries) == len(set(queries))
    moment(searches()["now"])
    for search in searches()["searches"]:
        relevant, irrelevant = search["relevant"], search["irrelevant"]
        assert isinstance(relevant, dict), search["query"]
        assert set(relevant) <= ids and set(irrelevant) <= ids, search["query"]
        assert not set(relevant) & set(irrelevant), search["query"]
        assert all(grade in (1, 2, 3) for grade in relevant.values()), search["query"]
        if "top1" in search:
            assert relevant.get(search["top1"]) == 3, search["query"]
            assert sum(grade == 3 for grade in relevant.values()) == 1, search["query"]
        if not relevant:
            assert irrelevant, f"{search['query']}: a no-match query still names its distractors"


def test_searches_cover_one_of_a_kind_and_categories() -> None:
    tops = [s for s in searches()["searches"] if "top1" in s]
    assert len(tops) >= 20
    for word in ("animal", "bird", "pet", "food", "seaside", "giraffe", "kite"):
        assert any(s["query"] == word for s in searches()["searches"]), word


# ---------------------------------------------------------------- memories


def test_memories_reference_items() -> None:
    ids = item_ids()
    for memory in memories()["memories"]:
        text = memory["text"]
        assert memory["kind"] in ("filter", "what"), text
        moment(memory["now"])
        assert set(memory["must_include"]) <= set(memory["allowed"]) <= ids, text
        if memory["kind"] == "filter":
            assert memory["must_include"] == memory["allowed"] or not memory["allowed"], text
    kinds = Counter(m["kind"] for m in memories()["memories"])
    assert kinds["filter"] >= 10 and kinds["what"] >= 10


def test_memory_items_were_taken_before_now() -> None:
    taken = {item["id"]: datetime.fromisoformat(item["taken_at"]) for item in album()["items"]}
    for memory in memories()["memories"]:
        now = moment(memory["now"])
        assert all(taken[i] < now for i in memory["allowed"]), memory["text"]


# ---------------------------------------------------------------- requests


def test_requests_share_the_album_vocabulary() -> None:
    vocabulary = requests()["vocabulary"]
    assert [p["person_id"] for p in vocabulary["people"]] == [p["person_id"] for p in album()["vocabulary"]["people"]]
    assert [p["name"] for p in vocabulary["places"]] == list(own_places())
    assert vocabulary["cities"] == album()["vocabulary"]["cities"]
    assert vocabulary["regions"] == album()["vocabulary"]["regions"]
    now = moment(requests()["now"])
    assert now.strftime("%A") == requests()["now_weekday"]


def test_requests_expectations_are_well_formed() -> None:
    people, places = person_ids(), own_places()
    names = {p["name"].lower() for p in album()["vocabulary"]["people"]}
    defaults = requests()["defaults"]
    texts = [r["text"] for r in requests()["requests"]]
    assert len(texts) == len(set(texts))
    for request in requests()["requests"]:
        text, expect = request["text"], request["expect"]
        assert set(expect) == {"people", "place", "time", "target_seconds", "search", "unknown"}, text
        assert set(expect["people"]) <= people, text
        place = expect["place"]
        if place is not None:
            assert place["kind"] in ("own", "city", "region", "country"), text
            assert ISO2.match(place["country_code"]), text
            if place["kind"] == "own":
                assert place["name"] in places and places[place["name"]]["country_code"] == place["country_code"]
        if expect["time"] is not None:
            assert moment(expect["time"]["start"]) < moment(expect["time"]["end"]), text
        seconds = expect["target_seconds"]
        assert isinstance(seconds, int) and 5 <= seconds <= 600, text
        assert all(w == w.lower() and w not in FILLER for w in expect["search"]), text
        assert all(u.lower() not in names for u in expect["unknown"]), text
    said = Counter(r["expect"]["target_seconds"] for r in requests()["requests"])
    assert said[defaults["target_seconds"]] > said[defaults["short_seconds"]] > 0 and said[defaults["long_seconds"]]


def test_every_kind_has_several_requests() -> None:
    kinds = Counter(r["kind"] for r in requests()["requests"])
    assert len(kinds) >= 20
    thin = {kind: n for kind, n in kinds.items() if n < 5}
    assert not thin, thin


def test_issue_18_failure_kinds_are_covered() -> None:
    texts = " | ".join(r["text"] for r in requests()["requests"])
    for phrase in (
        "Christmas with my wife", "Maine", "Mississippi", "Massachusetts", "Amsterdam", "Rotterdam", "Thomas",
        "Sam's graduation", "show me Tom", "two weeks ago", "this morning", "yesterday evening", "last Christmas",
        "New Year's Eve", "between May and July 2024", "from March to May", "the first week of June",
        "last weekend", "in the summer of 2025", "3 days ago", "last month", "earlier this year", "a short clip",
        "a quick video", "a 45 second video", "a two minute video", "half a minute", "a reel of Reykjavik",
        "everything", "stuff",
    ):  # fmt: skip
        assert phrase in texts, phrase


def test_requests_yaml_is_what_the_script_writes() -> None:
    spec = importlib.util.spec_from_file_location("make_requests", DATA / "make_requests.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.render() == (DATA / "requests.yaml").read_text(), "run bench/relevance/make_requests.py"
